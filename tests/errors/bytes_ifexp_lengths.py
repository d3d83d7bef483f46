from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    b = b"abc" if pid() > 1 else b"abcd"
    print(b)
