from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    name = comm()
    if name == 5:
        pass
