from pybpf import *

CODES: Final = (1, 2, pid())

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(CODES[0])
