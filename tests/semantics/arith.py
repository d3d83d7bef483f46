# Integer semantics that C gets wrong and Python gets right.
from pybpf import *

PID: Final[int] = 0
calls: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def arith() -> None:
    if pid() != PID:
        return
    n = calls[0]
    calls[0] += 1
    a = n - 7
    print(a // 2, a % 3, -a // 4, a % -5, (a * 1000) // -7, 2 ** 10, -2 ** 2, (-2) ** 3)
    print(a << 3, a >> 1, -a >> 2, a & 6, a | 9, a ^ -1, ~a)
    print(1 < a < 3, a < 1 < 3, -1 < a <= 0, a == a != a + 1)
    big = 9223372036854775807 - 3 + n
    print(f"{big:,}")
    x = big + 1
    print("no overflow", x)
