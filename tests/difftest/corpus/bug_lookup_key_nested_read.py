# BUG (found by tests/difftest, seed 7 run): a map read whose key is out of
# the key type's range, inside the key of a lookup (d.get(...), in, del):
# the kernel wrapped the key (m_u8[40000] on i16 keys became m_u8[-25536],
# inserted) instead of raising OverflowError like CPython.
# Status: fixed -- passes at commit 792170c; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m_u8: Hash[i16, u8] = Hash()
m_i64: Hash[u32, i64] = Hash()


def h0(a: int, b: int) -> int:
    return a + b


@tracepoint("syscalls/sys_enter_getppid")
def nested_key() -> None:
    if pid() != PID:
        return
    try:
        x = m_u8[40000 + (pid() - pid())]
        print("a", x)
    except OverflowError:
        print("a OverflowError")
    try:
        y = m_i64.get((m_u8[40000 + (pid() - pid())] + 6) % 8, 4)
        print("b", y)
    except OverflowError:
        print("b OverflowError")
    try:
        z = h0(-4, m_i64.get((m_u8[40000 + (pid() - pid())] + 6) % 8, 4))
        print("c", z)
    except OverflowError:
        print("c OverflowError")
