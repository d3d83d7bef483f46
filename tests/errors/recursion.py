from pybpf import *


def fact(n: int) -> int:
    if n <= 1:
        return 1
    return n * fact(n - 1)


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(fact(5))
