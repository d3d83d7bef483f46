# Loops, exceptions and finally, each ending the way Python ends them.
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()
total: int = 0


class TooBig(Exception):
    pass


class WayTooBig(TooBig):
    pass


@tracepoint("syscalls/sys_enter_getppid")
def control() -> None:
    global total
    if pid() != PID:
        return
    n = seen[7]
    seen[7] += 1
    s = 0
    for i in range(10, 0, -3):
        if i == 4:
            continue
        s += i
    else:
        print("sum", s)
    for j in range(100):
        if j * j > n * 10:
            break
    else:
        print("no break")
    print("j", j)
    try:
        if n == 1:
            raise TooBig("one")
        if n == 2:
            raise WayTooBig
        x = 10 // (n - 3)
        print("x", x)
    except WayTooBig:
        print("way too big")
    except (TooBig, ZeroDivisionError):
        print("caught", n)
    else:
        print("else", n)
    finally:
        total += n
        print("finally", n)
    for k in range(3):
        try:
            if k == 1:
                continue
            if k == 2 and n == 4:
                return
        finally:
            seen[k] += 1
    assert n != 5, "n is five"
    if n == 6:
        raise TooBig("six")
    print("end", n)
