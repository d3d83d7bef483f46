# BUG (found by tests/difftest): `d[key] = value` where the value does not
# fit d's value type. CPython evaluates the value, then the key (here a map
# read, which inserts m_full[2] = 0), then stores -- and only the store
# raises OverflowError. The kernel checks the value's range before it
# evaluates the key: m_full[2] is never inserted.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m_i32: Hash[i8, i32] = Hash()
m_full: Hash[u32, i16] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def store_order() -> None:
    if pid() != PID:
        return
    d = pid() - pid()
    try:
        m_i32[m_full[2] - d] = d + 2**40
    except OverflowError:
        print("OverflowError")
