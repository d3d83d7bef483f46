from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    count = 1
    print(cuont)
