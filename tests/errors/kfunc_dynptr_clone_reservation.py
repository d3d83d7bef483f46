from pybpf import *


class E(Struct):
    n: u64


events: RingBuf[E] = RingBuf(4096)


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    with bpf.ringbuf_reserve_dynptr(events) as d:
        if d is not None:
            c = bpf_dynptr_clone(d)
