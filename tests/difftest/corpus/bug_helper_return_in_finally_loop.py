# BUG (found while writing the difftest corpus): a helper that returns from
# inside try/finally inside a for loop: the verifier rejects the probe,
# "R7 !read_ok" (a register read before it is written on some path).
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()


def first_big(lo: int, hi: int, limit: int) -> int:
    for i in range(lo, hi):
        try:
            if i * i > limit:
                return i
        finally:
            seen[1] += 1
    return -1


@tracepoint("syscalls/sys_enter_getppid")
def ret_in_finally_loop() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    print(first_big(z, 100, 50))
