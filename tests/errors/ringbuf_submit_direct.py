from pybpf import *


class Ev(Struct):
    n: u64


events: RingBuf[Ev] = RingBuf(size=4096)


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf.ringbuf_reserve(events) as rec:
        if rec is not None:
            bpf.ringbuf_submit(rec, 0)
