from pybpf import *

NAMES: Final[tuple[str[4], ...]] = ("bpf", "read", "io")

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(NAMES[0])
