from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    b = b"abcd"
    print(b == "abcd")
