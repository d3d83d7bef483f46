from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    x = [i for i in range(3)]
