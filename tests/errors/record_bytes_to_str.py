from pybpf import *


class Ev(Struct):
    pid: u32
    name: str[8]


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    e = Ev(pid(), b"abc")
