# BUG (found by tests/difftest): augmented power `x **= n` computes
# x ** 0: the kernel prints "1 9 1", CPython "9 9 0".
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def pow_aug() -> None:
    if pid() != PID:
        return
    a = pid() - pid() + 3
    b = a
    a **= 2
    z = pid() - pid()
    z **= 5
    print(a, b ** 2, z)
