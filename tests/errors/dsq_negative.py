from pybpf import *

Q = DSQ(-1)


@tracepoint("syscalls/sys_enter_getpid")
def f(args: TracepointArgs) -> None:
    pass
