from pybpf import *

NAMES: Final = ()

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(len(NAMES))
