# BUG (found by tests/difftest): the self-documenting f-string field
# `{a=}` prints its text twice: the kernel prints "a=a=7", CPython "a=7"
# (and `{a = }` gives "a = a =7" for "a = 7").
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def selfdoc() -> None:
    if pid() != PID:
        return
    a = 7
    print(f"{a=}|{a = }|{a=:>4}|{a=!s}")
