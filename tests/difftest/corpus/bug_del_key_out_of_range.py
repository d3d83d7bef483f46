# BUG (found by tests/difftest): `del d[k]` with a key outside the key
# type's range: nothing is stored, and CPython (and tests/pyref.py) raise
# KeyError -- the key is not in the map. The kernel raises OverflowError.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def del_range() -> None:
    if pid() != PID:
        return
    try:
        del m[9223372036854775807 + (pid() - pid())]
    except KeyError:
        print("KeyError")
    except OverflowError:
        print("OverflowError")
