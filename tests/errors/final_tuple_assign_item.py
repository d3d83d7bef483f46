from pybpf import *

NAMES: Final = ("read", "write")

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    NAMES[0] = "open"
