# BUG (found by tests/difftest): `-1 << 63` is -2**63, which fits in 64
# bits; CPython prints -9223372036854775808. The kernel raises
# OverflowError (__pyb_shl_ok() refuses every shift by 63 or more).
# Status: fixed -- passes at commit fefa307; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def shl_min() -> None:
    if pid() != PID:
        return
    b = pid() - pid() - 1
    try:
        print(b << 63, (b - 1) << 62)
    except OverflowError:
        print("OverflowError")
    try:
        b <<= 63
        print(b)
    except OverflowError:
        print("OverflowError")
