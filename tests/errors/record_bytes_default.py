from pybpf import *


class Ev(Struct):
    pid: u32
    data: bytes[4] = b"abc"


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    e = Ev(pid())
