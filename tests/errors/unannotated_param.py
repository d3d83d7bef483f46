from pybpf import *


def twice(n) -> int:
    return n * 2


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(twice(2))
