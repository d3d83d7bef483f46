from pybpf import *


def add(a: int, b: int) -> int:
    return a + b


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(add(1))
