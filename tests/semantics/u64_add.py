# x += n on u64 storage is x = x + n with ints: the sum must be an int
# (at most 2**63-1), or OverflowError and x keeps its value; the same for a
# map item (found by tests/difftest).
from pybpf import *

PID: Final[int] = 0
big: u64 = 9223372036854775806
m: Hash[u32, u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def u64_add() -> None:
    global big
    if pid() != PID:
        return
    if 1 not in m:
        m[1] = 9223372036854775805
    try:
        big += 1
        print("big", big)
    except OverflowError:
        print("big OverflowError")
    try:
        m[1] += 1
        print("m", m[1])
    except OverflowError:
        print("m OverflowError")
