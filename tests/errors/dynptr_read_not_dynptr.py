from pybpf import *


class Ev(Struct):
    n: u64


events: RingBuf[Ev] = RingBuf(size=4096)


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    buf = b"abcdefgh"
    out = b"........"
    bpf.dynptr_read(out, buf, 0, 0)
