# A loop whose locals change every iteration: the verifier must converge.
from pybpf import *

PID: Final[int] = 0
hits: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def collatz() -> None:
    if pid() != PID:
        return
    x = hits[0] + 27
    hits[0] += 1
    n = 0
    for _ in range(64):
        if x == 1:
            break
        if x % 2:
            x = 3 * x + 1
        else:
            x = x // 2
        n += 1
    print(n)
