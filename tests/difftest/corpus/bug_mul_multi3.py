# BUG (found by tests/difftest): clang rejects the generated C with
#   "A call to built-in function '__multi3' is not supported"
# for a multiplication by a Final constant and for `**` with a non-constant
# base: __pyb_mul_ok()'s overflow test `ub > 0xffffffffffffffff / ua` is
# turned by clang into a 128-bit multiply, which BPF does not have.
# Status: fixed -- passes at commit fca90cb; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
K: Final[int] = 3


@tracepoint("syscalls/sys_enter_getppid")
def mul() -> None:
    if pid() != PID:
        return
    a = pid() - pid() + 5
    print(K * a, a ** 3)
