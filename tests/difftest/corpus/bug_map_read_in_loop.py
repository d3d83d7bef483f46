# BUG (found by tests/difftest): reading a map item `m[k]` (the defaultdict
# read, which may insert) inside a for loop: the verifier rejects the probe,
# "expected an initialized iter_num as arg #0". `m[k] += 1`, `m.get(k, 0)`
# and other raising expressions in the loop are fine.
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def map_read_in_loop() -> None:
    if pid() != PID:
        return
    m[2] = 7
    for i in range(4):
        print("item", i, m[i])
