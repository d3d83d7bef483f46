from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    b = b"abcd"
    x: bytes[4] = b"ab"
