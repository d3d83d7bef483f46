from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    x = pid() / 2
