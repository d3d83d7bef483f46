from pybpf import *

SIZES: Final[int] = (1, 2)

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(SIZES)
