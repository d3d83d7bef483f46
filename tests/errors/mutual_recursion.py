from pybpf import *


def even(n: int) -> bool:
    if n == 0:
        return True
    return odd(n - 1)


def odd(n: int) -> bool:
    if n == 0:
        return False
    return even(n - 1)


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(even(4))
