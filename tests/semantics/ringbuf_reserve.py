# Ring buffer records reserved in place and written through dynptrs
# (pyc/check_dynptr.c): the kernel shows what CPython's shim gives, record
# for record; an exception discards, a return submits, writes and reads
# past a dynptr's end raise OSError. (One ring buffer and no print(): the
# loader reads different ring buffers in no set order.)
from pybpf import *

PID: Final[int] = 0
n: int = 0
too_far: int = 0
discarded: int = 0
read_back: int = 0


class Ev(Struct):
    n: u64
    sq: u32
    tag: str[8]


class Blob(Struct):
    head: bytes[8]
    n: u64


class Num(Struct):
    v: u64


events: RingBuf[Ev] = RingBuf(size=4096)


def early(k: int) -> None:
    with bpf.ringbuf_reserve(events) as e:
        if e is not None:
            e.n = k
            if k > 2:
                return
            e.tag = "full"


@tracepoint("syscalls/sys_enter_getppid")
def ringbuf_reserve() -> None:
    global n, too_far, discarded, read_back
    if pid() != PID:
        return
    n += 1
    try:
        with bpf.ringbuf_reserve(events) as rec:
            if rec is not None:
                rec.n = n
                rec.sq = n * n
                if n % 3 == 0:
                    raise ValueError("discarded")
                rec.tag = "in"
    except ValueError:
        discarded += 1
    early(n)
    with bpf.ringbuf_reserve_dynptr(events) as d:
        if d is not None:
            num = Num(n * 10)
            bpf.dynptr_write(d, 0, num, 0)
            bpf.dynptr_write(d, 12, b"dyn", 0)
            try:
                bpf.dynptr_write(d, 20, b"12345678", 0)
            except OSError:
                too_far += 1
    blob = Blob(b"abcdefgh", n)
    m = bpf.dynptr_from_mem(blob, 0)
    got = Num(0)
    bpf.dynptr_read(got, m, 8, 0)
    seven = Num(7)
    bpf.dynptr_write(m, 0, seven, 0)
    first = Num(0)
    bpf.dynptr_read(first, m, 0, 0)
    read_back += got.v * 100 + first.v
    try:
        bpf.dynptr_read(got, m, 12, 0)
    except OSError:
        too_far += 1
