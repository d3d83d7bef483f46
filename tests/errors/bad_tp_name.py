from pybpf import *

@tracepoint("sys_enter_getppid")
def f() -> None:
    pass
