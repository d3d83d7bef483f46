from pybpf import *

SIZES: Final[tuple[int, int]] = (1, 2)

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(SIZES[1])
