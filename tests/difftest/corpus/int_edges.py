# Integer edges that C gets wrong and Python gets right: floor division and
# modulo signs, -2**63 // -1, shifts by 63/64 and more, ** at the edge of
# 64 bits, ~ and unary minus of the extremes. Every result is printed or
# the exception class is.
from pybpf import *

PID: Final[int] = 0
MIN: Final[int] = -9223372036854775807 - 1
MAX: Final[int] = 9223372036854775807


@tracepoint("syscalls/sys_enter_getppid")
def int_edges() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    lo = MIN + z
    hi = MAX + z
    print(-7 // 2 + z, -7 % 2 + z, 7 // -2 + z, 7 % -2 + z, (-7 + z) % -2, lo // 1, lo % -1, hi % lo, lo % hi)
    print((lo + 1) // -1, hi // -1, lo >> 63, lo >> 64, hi >> 62, (z - 1) >> 1000, (z + 1) << 62, lo // hi)
    print(~lo, ~hi, -hi, lo & hi, lo | hi, lo ^ hi, (z - 3037000499) ** 2, (z - 2) ** 63, (z + 2) ** 62)


@tracepoint("syscalls/sys_enter_getppid")
def int_edges2() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    lo = MIN + z
    hi = MAX + z
    print(1 < z + 2 < 3 < 4, z == 0 != 1, hi > lo >= MIN, (z or hi) and lo, not z, z + 5 if lo < 0 else z)


@tracepoint("syscalls/sys_enter_getppid")
def int_raises() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    lo = MIN + z
    hi = MAX + z
    try:
        print(lo // (z - 1))
    except ZeroDivisionError:
        print(0, "ZeroDivisionError")
    except OverflowError:
        print(0, "OverflowError")
    except ValueError:
        print(0, "ValueError")
    try:
        print(-lo)
    except ZeroDivisionError:
        print(1, "ZeroDivisionError")
    except OverflowError:
        print(1, "OverflowError")
    except ValueError:
        print(1, "ValueError")
    try:
        print(lo - 1)
    except ZeroDivisionError:
        print(2, "ZeroDivisionError")
    except OverflowError:
        print(2, "OverflowError")
    except ValueError:
        print(2, "ValueError")
    try:
        print(hi + 1)
    except ZeroDivisionError:
        print(3, "ZeroDivisionError")
    except OverflowError:
        print(3, "OverflowError")
    except ValueError:
        print(3, "ValueError")
    try:
        print((z + 1) << 63)
    except ZeroDivisionError:
        print(4, "ZeroDivisionError")
    except OverflowError:
        print(4, "OverflowError")
    except ValueError:
        print(4, "ValueError")
    try:
        print((z + 2) ** 63)
    except ZeroDivisionError:
        print(5, "ZeroDivisionError")
    except OverflowError:
        print(5, "OverflowError")
    except ValueError:
        print(5, "ValueError")
    try:
        print(5 % z)
    except ZeroDivisionError:
        print(6, "ZeroDivisionError")
    except OverflowError:
        print(6, "OverflowError")
    except ValueError:
        print(6, "ValueError")
    try:
        print(5 << (z - 1))
    except ZeroDivisionError:
        print(7, "ZeroDivisionError")
    except OverflowError:
        print(7, "OverflowError")
    except ValueError:
        print(7, "ValueError")
    try:
        print(abs_ok(lo))
    except ZeroDivisionError:
        print(8, "ZeroDivisionError")
    except OverflowError:
        print(8, "OverflowError")
    except ValueError:
        print(8, "ValueError")
    try:
        print(hi * 2)
    except ZeroDivisionError:
        print(9, "ZeroDivisionError")
    except OverflowError:
        print(9, "OverflowError")
    except ValueError:
        print(9, "ValueError")


def abs_ok(x: int) -> int:
    if x < 0:
        return -x
    return x
