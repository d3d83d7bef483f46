from pybpf import *


def sign(n: int) -> int:
    if n > 0:
        return 1
    elif n < 0:
        return -1


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(sign(pid()))
