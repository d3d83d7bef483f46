# Helper functions (inlined): exceptions crossing calls, returns from
# inside loops (return inside try/finally in a loop: bug_helper_return_in_finally_loop.py), bool and int results, nested calls, calls in
# conditions and in arguments (evaluated left to right, once).
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()


class Odd(ValueError):
    pass


def check(x: int) -> int:
    seen[0] += 1
    if x % 2:
        raise Odd("odd")
    return x // 2


def first_big(lo: int, hi: int, limit: int) -> int:
    for i in range(lo, hi):
        seen[1] += 1
        if i * i > limit:
            return i
    return -1


def even(x: int) -> bool:
    return x % 2 == 0


def note(tag: int) -> None:
    if tag < 0:
        return
    print("note", tag)


@tracepoint("syscalls/sys_enter_getppid")
def helpers() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    print(first_big(z, 100, 50), first_big(z, 3, 50), even(z + 3), even(check(z + 8)))
    note(z - 1)
    note(check(z + 4) + check(z + 2))
    try:
        print(check(check(z + 12)))
    except Odd:
        print("Odd")
    if (even(z) and check(z + 6) == 3) or check(z + 1) > 0:
        print("short-circuit")
    try:
        check(z + 5)
    except ArithmeticError:
        print("not arithmetic")
    except ValueError:
        print("ValueError")
    print(check(z + 7))
