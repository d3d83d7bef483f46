# BUG (found by tests/difftest): a Final constant read inside a helper
# function: clang rejects the generated C, "use of undeclared identifier
# 'K_i5'" -- inlining renames the module-level constant like a local.
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
K: Final[int] = 3


def h(a: int) -> int:
    return a + K


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    if pid() != PID:
        return
    print(h(4))
