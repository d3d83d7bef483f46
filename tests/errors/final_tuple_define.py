# pybpf-args: -D NAMES=1
from pybpf import *

NAMES: Final = ("read", "write")

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(NAMES[0])
