# BUG (found by tests/difftest, seeds 1000058, 1000142, 1000143, 1000181,
# 1000184, 5000016; minimized by run.py, then by hand): pybpf rejected the
# probe with "'pow_in_loop' needs more than the 512 bytes of stack a BPF
# program has; its largest values: 's16' (16 bytes, ...)" though its locals
# are small. a ** 63 was 63 overflow-checked multiplications in a row; in a
# loop, with a loop-invariant base, clang hoisted the whole chain out of the
# loop and kept every product and flag in a stack slot of its own (1544
# bytes). Now a ** k is computed by squaring (at most 12 multiplications)
# and its base is opaque to clang inside loops (48 bytes).
# The second probe: every string temporary (here the buffer of each
# `s if ... else t`) had its own stack slot for the whole function (928
# bytes). A large probe now declares them in a block around their statement,
# where clang shares them (352 bytes).
# Status: fixed -- passes at commit 67764bb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def pow_in_loop() -> None:
    if pid() != PID:
        return
    b = 0
    s16: str[16] = ''
    for i in range(pid() - pid() - 1, 2):
        for j in range(3):
            try:
                b <<= (i ** 63) % 66
                b += j
            except OverflowError:
                print("OverflowError", i, j)
        s16 = 'i' if i else 'zero'
    print(b, s16)


@tracepoint("syscalls/sys_enter_getppid")
def shared_buffers() -> None:
    if pid() != PID:
        return
    s: str[64] = 'the quick brown fox jumps over the lazy dog'
    t: str[64] = 'pack my box with five dozen liquor jugs'
    n = pid() - pid()
    n += 0
    print(0, n, s if n > 0 else t)
    n += 1
    print(1, n, s if n > 3 else t)
    n += 2
    print(2, n, s if n > 6 else t)
    n += 3
    print(3, n, s if n > 9 else t)
    n += 4
    print(4, n, s if n > 12 else t)
    n += 5
    print(5, n, s if n > 15 else t)
    n += 6
    print(6, n, s if n > 18 else t)
    n += 7
    print(7, n, s if n > 21 else t)
    n += 8
    print(8, n, s if n > 24 else t)
    n += 9
    print(9, n, s if n > 27 else t)
