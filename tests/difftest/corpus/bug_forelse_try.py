# BUG (found by tests/difftest): a try statement (or a call of a helper
# function, which is inlined with the same machinery) inside the `else:`
# of a for loop: clang rejects the generated C, "use of undeclared
# identifier '__it5'" -- the else clause destroys an iterator that
# does not exist.
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0


def h(a: int) -> None:
    a += 1


@tracepoint("syscalls/sys_enter_getppid")
def forelse_try() -> None:
    if pid() != PID:
        return
    for i in range(2):
        pass
    else:
        try:
            print("in else")
        finally:
            print("finally")
    for i in range(2):
        pass
    else:
        h(1)
    print("done")
