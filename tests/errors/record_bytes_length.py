from pybpf import *


class Ev(Struct):
    pid: u32
    data: bytes[4]


events: RingBuf[Ev] = RingBuf(size=4096)


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    events.output(Ev(pid(), b"\x7fEL"))
