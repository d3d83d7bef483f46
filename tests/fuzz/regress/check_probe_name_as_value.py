from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    x = 1 * f
