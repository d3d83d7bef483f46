from pybpf import *

NAMES: Final = ("read", "write", 3, "close")

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(NAMES[0])
