# range() with negative steps, empty ranges, huge bounds, a zero step
# (ValueError) and too many iterations (OverflowError); break/continue/else;
# the loop variable after the loop; nested loops.
from pybpf import *

PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def ranges() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    i = 99
    for i in range(z + 10, z, -3):
        print("down", i)
    print("after", i)
    for i in range(z + 5, z + 5):
        print("never")
    else:
        print("empty else", i)
    for i in range(z - 9223372036854775807 - 1, z - 9223372036854775807 + 2):
        print("low", i)
    for i in range(z + 9223372036854775806, z + 9223372036854775807):
        print("high", i)
    for i in range(z + 9223372036854775807, z - 9223372036854775807 - 1, -4611686018427387904):
        print("giant steps", i)
    for a in range(3):
        for b in range(a, 10, a + 1):
            if b > 5:
                break
            if b % 2:
                continue
            print("ab", a, b)
        else:
            print("inner else", a)
    try:
        for i in range(z, 10, z):
            print("never")
    except ValueError:
        print("step zero")
    try:
        for i in range(z, 8388609 + z):
            print("never")
    except OverflowError:
        print("too long")
    for i in range(z, 8388608 + z):
        if i == 3:
            break
    print("ok", i)
    try:
        for i in range(z - 9223372036854775807 - 1, z + 9223372036854775807):
            print("never")
    except OverflowError:
        print("length overflows")
