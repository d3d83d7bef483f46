from pybpf import *


class Ev(Struct):
    n: u64


events: RingBuf[Ev] = RingBuf(size=4096)


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf.ringbuf_reserve_dynptr(events) as d:
        if d is not None:
            bpf.dynptr_write(d, 0, pid(), 0)
