# BUG (found by tests/difftest): `d.get(key, default)` with a key outside
# the key type's range and a default that raises. CPython evaluates both
# arguments before the call, so the default's ZeroDivisionError comes
# first; the kernel checks the key's range first: OverflowError.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def get_order() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    try:
        print(m.get(z - 1, 1 // z))
    except ZeroDivisionError:
        print("ZeroDivisionError")
    except OverflowError:
        print("OverflowError")
