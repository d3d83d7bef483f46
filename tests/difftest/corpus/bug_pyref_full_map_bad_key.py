# AMBIGUITY (found by tests/difftest): reading d[k] of a full map with a
# key outside the key type: tests/pyref.py raises MapFullError (its
# __missing__ checks fullness before the key's range), the kernel raises
# OverflowError (the key cannot even be formed). One of the two should
# change; the kernel's order looks right (CPython would convert the key
# before inserting it).
# Status: fixed (pyref's __missing__ checks the key first) -- passes at
# commit fefa307; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
full: Hash[u32, i64] = Hash(max_entries=1)


@tracepoint("syscalls/sys_enter_getppid")
def full_bad_key() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    full[0] = 1
    try:
        print(full[z - 1])
    except MapFullError:
        print("MapFullError")
    except OverflowError:
        print("OverflowError")
