# BUG (found while fixing bug_helper_return_in_finally_loop.py): an `if`
# whose condition can raise (i * i), last in a try body with a finally,
# inside a for loop: the verifier rejects the probe, "R8 !read_ok" -- clang
# folds the branch into the paths that raised, reading a statement
# expression's value never written on them.
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def if_in_finally_loop() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    x = -1
    for i in range(z, 100):
        try:
            if i * i > 50:
                x = i
        finally:
            seen[1] += 1
    print(x)
