# BUG in tests/pyref.py (found by tests/difftest; the kernel is right):
# `d[k] += v` -- CPython reads d[k] first (a defaultdict read: it inserts
# k, or raises for a key outside the key type or a full map) and only then
# evaluates v. pyref's augitem(d, k, op, v) evaluates v first, so here it
# prints "side effect" although CPython raises OverflowError before v.
# Both sides also differed from CPython on `m[1] += 1 // z`: CPython leaves
# m[1] = 0 inserted (the read came first); pyref and the kernel inserted
# nothing (the kernel evaluated the key, then v, then looked up).
# Status: fixed (pyref reads d[k] before v; the kernel inserts k before
# evaluating a v that can raise) -- passes at commit fefa307; kept as a
# regression test.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()


def noisy() -> int:
    print("side effect")
    return 1


@tracepoint("syscalls/sys_enter_getppid")
def aug_order() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    try:
        m[4294967296 + z] += noisy()
    except OverflowError:
        print("OverflowError")
    try:
        m[1] += 1 // z
    except ZeroDivisionError:
        print("ZeroDivisionError")
