# BUG in tests/pyref.py (found by tests/difftest; the kernel is right):
# `d[k] += v` -- CPython reads d[k] first (a defaultdict read: it inserts
# k, or raises for a key outside the key type or a full map) and only then
# evaluates v. pyref's augitem(d, k, op, v) evaluates v first, so here it
# prints "side effect" although CPython raises OverflowError before v.
# Both sides also differ from CPython on `m[1] += 1 // z`: CPython leaves
# m[1] = 0 inserted (the read came first); pyref and the kernel insert
# nothing (the kernel evaluates the key, then v, then looks up).
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
