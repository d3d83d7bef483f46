# BUG (found by tests/difftest): a for loop inside the `else:` of a for
# loop: clang rejects the generated C, "redefinition of label '__pyb_brkN'".
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def forelse_for() -> None:
    if pid() != PID:
        return
    for i in range(128, 127, 7):
        pass
    else:
        for j in range(3, 6):
            print("inner", j)
    print("done")
