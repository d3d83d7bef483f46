from pybpf import *

A = DSQ(3)
B = DSQ(1 + 2)


@tracepoint("syscalls/sys_enter_getpid")
def f(args: TracepointArgs) -> None:
    pass
