# BUG (found by tests/difftest): a for loop over a constant empty range
# whose body can raise, inside try: the verifier rejects the probe,
# "expected an initialized iter_num as arg #0".
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def empty_range() -> None:
    if pid() != PID:
        return
    try:
        for i in range(5, 0, 2):
            print("never", m[i])
    except Exception:
        print("Exception")
    print("done")
