from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    a, b = 1, 2, 3
