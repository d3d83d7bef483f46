from pybpf import *

@tracepont("syscalls/sys_enter_getppid")
def f() -> None:
    pass
