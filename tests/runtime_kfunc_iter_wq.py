"""Runtime tests of two more of the kernel's kfuncs from Python (issue 13):
the bit iterator as a for loop, `for b in bpf_iter_bits(words, nr_words):`
(pyc/check_iter_bits.c), and bpf_iter_num, reached through range()."""
import os
import re
import subprocess

from runtime import PYBPF, Loader, assert_nothing_left, check, getppid_n, test

BITS = '''from pybpf import *
PID: Final[int] = 0
seen: Array[int] = Array(max_entries=16)
n: int = 0
calls: int = 0
big: int = 0
too_many: int = 0
none: int = 0


def record(b: int) -> None:
    global n
    seen[n] = b
    n += 1


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    global calls, big, too_many, none
    if pid() != PID:
        return
    calls += 1
    if calls > 1:
        return
    v: int = 0b1010_0001
    for b in bpf_iter_bits(v, 1):
        record(b)
    w: bytes[16] = b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    for b in bpf_iter_bits(w, 2):        # bits 0 and 63 of word 0, bit 1 of word 1
        record(b)
    for b in bpf_iter_bits(w, 1):        # the first word only
        record(b)
    for b in bpf_iter_bits(-1, 1):       # an int is its 64 bits (two's complement)
        big += 1
    for b in bpf_iter_bits(w, 0):        # no words: no bits
        none += 1
    k: int = calls + 2
    try:
        for b in bpf_iter_bits(w, k):    # 3 words of a bytes[16]
            none += 1
    except ValueError:
        too_many += 1
'''


@test
def kfunc_iter_bits():
    """for b in bpf_iter_bits(words, nr): the set bits' indices, lowest
    first: 0b1010_0001 gives exactly 0, 5, 7; a bytes[16] with bits 0 and
    63 of its first word and bit 1 of its second gives 0, 63, 65 (and 0, 63
    from its first word alone); -1 has 64 bits; 0 words have none; 3 words
    of a bytes[16] raise ValueError (caught once), on the test's one
    getppid() call."""
    with Loader(BITS, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(1)
        out, err = ld.finish()
    seen = dict((int(i), int(v)) for i, v in re.findall(r"^seen\[(\d+)\]: (-?\d+)$", out, re.M))
    check([seen.get(i, 0) for i in range(8)], [0, 5, 7, 0, 63, 65, 0, 63])
    for line in ("n: 8\n", "calls: 1\n", "big: 64\n", "too_many: 1\n", "none: 0\n"):
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["on_getppid"], ["seen"])
