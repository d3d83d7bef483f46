"""Runtime tests of ring buffer reservations and dynptrs (issue 13,
pyc/check_dynptr.c): `with bpf.ringbuf_reserve(events) as rec:` fills a
record in place and the block's end submits it (an exception discards it, a
full ring buffer is a lost record, counted); `with
bpf.ringbuf_reserve_dynptr(events) as d:` writes a record through a dynptr;
`d = bpf.dynptr_from_mem(buf, 0)` and bpf.dynptr_read / dynptr_write move
bytes exactly, and an access past the end raises OSError (-E2BIG)."""
import os
import re
import time

from runtime import Loader, assert_nothing_left, check, getppid_n, test

RESERVE = '''from pybpf import *
PID: Final[int] = 0


class Ev(Struct):
    n: u64
    sq: u32
    tag: str[8]


class Odd(Struct):
    n: u32
    tag: str[4]


class Early(Struct):
    n: u16
    tag: str[6]


events: RingBuf[Ev] = RingBuf(size=4096)
odd: RingBuf[Odd] = RingBuf(size=4096)
early: RingBuf[Early] = RingBuf(size=4096)
count: int = 0
caught: int = 0


def fill_early(n: int) -> None:
    with bpf.ringbuf_reserve(early) as e:
        if e is not None:
            e.n = n
            if n > 5:
                return          # leaves the block: submitted as it is
            e.tag = "full"


@tracepoint("syscalls/sys_enter_getppid")
def t_rsv(args) -> None:
    global count, caught
    if pid() != PID:
        return
    count += 1
    with bpf.ringbuf_reserve(events) as rec:
        if rec is not None:
            rec.n = count
            rec.sq = count * count
            rec.tag = "in"
    try:
        with bpf.ringbuf_reserve(odd) as o:
            if o is not None:
                o.n = count
                if count % 2 == 0:
                    raise ValueError("even")   # discarded: never reaches user space
                o.tag = "odd"
    except ValueError:
        caught += 1
    fill_early(count)
'''


@test
def ringbuf_reserve_fills_records_in_place():
    """7 getppid calls: 7 records filled in place reach user space with
    the counter's values; of the block that raises ValueError for even
    counts, exactly the 4 odd records come out (the 3 others were
    discarded, and caught: 3); a return out of the block submits the record
    as it was (tag still ''). Nothing is lost, nothing uncaught."""
    with Loader(RESERVE, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(7)
        time.sleep(0.3)
        out, err = ld.finish()
    lines = out.splitlines()
    check([l for l in lines if l.startswith("Ev(")],
          [f"Ev(n={i}, sq={i * i}, tag='in')" for i in range(1, 8)])
    check([l for l in lines if l.startswith("Odd(")], [f"Odd(n={i}, tag='odd')" for i in (1, 3, 5, 7)])
    check([l for l in lines if l.startswith("Early(")],
          [f"Early(n={i}, tag='full')" for i in range(1, 6)] + ["Early(n=6, tag='')", "Early(n=7, tag='')"])
    check(sorted(l for l in lines if not l.startswith(("Ev(", "Odd(", "Early("))), ["caught: 3", "count: 7"])
    assert "lost" not in err and "Error" not in err, err
    assert_nothing_left(["t_rsv"], ["events", "odd", "early"])


LOST = '''from pybpf import *
PID: Final[int] = 0


class Big(Struct):
    data: bytes[4096]


class Small(Struct):
    n: u32


big: RingBuf[Big] = RingBuf(size=4096)
small: RingBuf[Small] = RingBuf(size=4096)
none_seen: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def t_lost(args) -> None:
    global none_seen
    if pid() != PID:
        return
    with bpf.ringbuf_reserve(big) as b:      # 4096 bytes + its header never fit in 4096
        if b is None:
            none_seen += 1
    with bpf.ringbuf_reserve_dynptr(big) as d:
        if d is None:
            none_seen += 1
    with bpf.ringbuf_reserve(small) as s:
        if s is not None:
            s.n = 5
'''


@test
def ringbuf_reserve_full_is_counted_as_lost():
    """A record that can never fit (4096 bytes and its 8-byte header in a
    4 KiB ring buffer): each of 7 reservations, in place and as a dynptr,
    gives None and is counted as lost, exactly 14, shown at exit; the
    small ring buffer's 7 records all arrive."""
    with Loader(LOST, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(7)
        time.sleep(0.3)
        out, err = ld.finish()
    check(out.splitlines(), ["Small(n=5)"] * 7 + ["none_seen: 14"])
    check([l for l in err.splitlines() if "lost" in l], ["pybpf: 14 print records lost (the ring buffer was full)"])
    assert_nothing_left(["t_lost"], ["big", "small"])


DYNPTR = '''from pybpf import *
PID: Final[int] = 0


class Blob(Struct):
    head: bytes[8]
    n: u64


class Num(Struct):
    v: u64


blobs: RingBuf[Blob] = RingBuf(size=4096)
count: int = 0
too_far: int = 0
round_trips: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def t_dyn(args) -> None:
    global count, too_far, round_trips
    if pid() != PID:
        return
    count += 1
    with bpf.ringbuf_reserve_dynptr(blobs) as d:
        if d is not None:
            bpf.dynptr_write(d, 0, b"pybpf-dy", 0)
            num = Num(count * 10)
            bpf.dynptr_write(d, 8, num, 0)
            try:
                bpf.dynptr_write(d, 12, num, 0)   # 12 + 8 > 16 bytes: -E2BIG
            except OSError:
                too_far += 1
    buf = b"0123456789abcdef"
    m = bpf.dynptr_from_mem(buf, 0)
    whole = b"................"
    bpf.dynptr_read(whole, m, 0, 0)
    tail = b"........"
    bpf.dynptr_read(tail, m, 8, 0)
    if whole == buf and tail == b"89abcdef":
        round_trips += 1
    if count == 1:
        print(whole, tail)
    try:
        bpf.dynptr_read(tail, m, 9, 0)            # 9 + 8 > 16 bytes: -E2BIG
    except OSError:
        too_far += 1
    bpf.dynptr_write(m, 0, b"XY", 0)               # writes the dynptr's copy, not buf
    bpf.dynptr_read(whole, m, 0, 0)
    got = Num(0)
    bpf.dynptr_read(got, m, 8, 0)                 # a Struct local: its 8 bytes
    if count == 7:
        print(whole, buf, got.v == 0x6665646362613938)
'''


@test
def ringbuf_dynptr_records_and_dynptr_round_trips():
    """7 getppid calls: 7 records written through a ring buffer dynptr
    (known bytes, then a Struct at offset 8) reach user space exactly; the
    write past the end raises OSError each time, and so does a read past
    the end of a dynptr over a bytes[16] local (too_far: 14); reading that
    dynptr back gives the same bytes, whole and from offset 8 (7 round
    trips); a write through it changes its copy, not buf (Python's bytes
    are immutable), and a Struct local reads 8 bytes of it."""
    with Loader(DYNPTR, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(7)
        time.sleep(0.3)
        out, err = ld.finish()
    lines = out.splitlines()
    check([l for l in lines if l.startswith("Blob(")], [f"Blob(head=b'pybpf-dy', n={i * 10})" for i in range(1, 8)])
    check([l for l in lines if not l.startswith("Blob(")],
          ["b'0123456789abcdef' b'89abcdef'", "b'XY23456789abcdef' b'0123456789abcdef' True", "count: 7", "too_far: 14", "round_trips: 7"])
    assert "lost" not in err and "Error" not in err, err
    assert_nothing_left(["t_dyn"], ["blobs"])


ZEROED = '''from pybpf import *
PID: Final[int] = 0


class Rec(Struct):
    n: u64
    data: bytes[192]
    name: str[40]


rb: RingBuf[Rec] = RingBuf(size=4096)
n: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def t_zeroed(args) -> None:
    global n
    if pid() != PID:
        return
    n += 1
    with bpf.ringbuf_reserve(rb) as r:
        if r is not None:
            r.n = n
            if n %% 2 == 1:
                r.data = %s
                r.name = "%s"
    with bpf.ringbuf_reserve_dynptr(rb) as d:
        if d is not None:
            if n %% 2 == 1:
                bpf.dynptr_write(d, 8, b"%s", 0)
''' % (repr(b"\xab" * 192), "x" * 39, "z" * 192)


@test
def reserved_records_start_zeroed():
    """A 4 KiB ring buffer wraps round under 30 pairs of 240-byte records
    (248 with the header: 16.5 to a lap, so records of every kind land on
    older bytes), so a reservation lands on what older records held: a
    record whose fields were not written (the even ones, in place and
    through a dynptr) still reaches user space all zero (bytes[192] is
    zeroed by a failing bpf_probe_read_kernel, the rest by stores, a
    dynptr's through bpf_dynptr_data). Without the zeroing this test fails."""
    with Loader(ZEROED, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(30):
            os.getppid()
            time.sleep(0.002)
        time.sleep(0.3)
        out, err = ld.finish()
    full = "data=%r, name='%s')" % (b"\xab" * 192, "x" * 39)
    want = []
    for i in range(1, 31):
        want.append(f"Rec(n={i}, " + (full if i % 2 else "data=%r, name='')" % bytes(192)))
        want.append("Rec(n=0, data=%r, name='')" % ((b"z" * 192) if i % 2 else bytes(192)))
    lines = out.splitlines()
    check(lines[:-1], want)
    check(lines[-1], "n: 30")
    assert "lost" not in err and "Error" not in err, err
    assert_nothing_left(["t_zeroed"], ["rb"])
