# The kernel's bit iterator, for b in bpf_iter_bits(words, nr_words)
# (pyc/check_iter_bits.c): the kernel gives what CPython's shim gives,
# bit for bit, for ints (two's complement) and bytes[16] words, and both
# raise ValueError for more words than the value holds.
from pybpf import *

PID: Final[int] = 0
n: int = 0
total: int = 0
count: int = 0
first: int = -1
last: int = -1
too_many: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def iter_bits() -> None:
    global n, total, count, first, last, too_many
    if pid() != PID:
        return
    n += 1
    v: int = n * 0x1234_5678_9abc_def1
    for b in bpf_iter_bits(v, 1):
        total += b
        count += 1
        if first < 0:
            first = b
        last = b
    for b in bpf_iter_bits(-n, 1):
        total += b * 3
    w: bytes[16] = b"\x10\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x80\x00"
    for b in bpf_iter_bits(w, 2):
        total += b * 5
        last = b
    try:
        for b in bpf_iter_bits(w, n + 2):
            total += 1
    except ValueError:
        too_many += 1
