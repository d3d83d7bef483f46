# Helper functions: inlined, with exceptions crossing calls and returns inside loops.
from pybpf import *

PID: Final[int] = 0
hits: Hash[u32, i64] = Hash()


class Odd(Exception):
    pass


def half(x: int) -> int:
    if x % 2:
        raise Odd("odd")
    return x // 2


def describe(name: str[16], n: u8) -> None:
    for i in range(n):
        if i == 2:
            return
        print(name, i)


def steps(x: int) -> int:
    n = 0
    for _ in range(64):
        if x == 1:
            break
        try:
            x = half(x)
        except Odd:
            x = 3 * x + 1
        n += 1
    return n


@tracepoint("syscalls/sys_enter_getppid")
def fn() -> None:
    if pid() != PID:
        return
    k = hits[0]
    hits[0] += 1
    describe(comm(), k)
    print("steps", k + 1, steps(k + 1))
    print(half(k))
