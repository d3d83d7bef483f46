from pybpf import *


@tracepoint("syscalls/sys_enter_getpid")
def f(args: TracepointArgs) -> None:
    q = DSQ(1)
