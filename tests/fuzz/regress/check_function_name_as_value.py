from pybpf import *

def g(n: int) -> int:
    return n * f

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(g(5))
