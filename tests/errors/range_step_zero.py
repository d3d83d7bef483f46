from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    for i in range(0, 10, 0):
        pass
