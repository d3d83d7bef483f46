# BUG (found by tests/difftest): `d[k] -= n` on a missing key, where the
# result does not fit the value type. CPython (a defaultdict) inserts k
# with 0 when it reads d[k], then the store raises OverflowError: k stays,
# with 0. The kernel raises without inserting: the map is empty at exit.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m_u32: Hash[u32, u32] = Hash()
m_i64: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def aug_missing() -> None:
    if pid() != PID:
        return
    try:
        m_u32[4] -= 200
    except OverflowError:
        print("OverflowError")
    try:
        m_i64[7] -= -9223372036854775807 - 1
    except OverflowError:
        print("OverflowError")
