from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    if pid() == 1:
        pass
