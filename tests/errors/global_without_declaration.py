from pybpf import *

total: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    total += 1
