from pybpf import *

LIMIT: Final[int] = 10

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    LIMIT = 5
