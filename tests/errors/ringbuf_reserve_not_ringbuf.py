from pybpf import *


class Ev(Struct):
    n: u64


events: RingBuf[Ev] = RingBuf(size=4096)


counts: Hash[u32, u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf.ringbuf_reserve(counts) as rec:
        pass
