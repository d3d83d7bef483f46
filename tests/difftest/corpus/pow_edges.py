# a ** k (k constant, 0..64; computed by squaring) around the edge of 64
# bits, in loops (where the base goes through an empty asm) and outside:
# -2**63 is an int and 2**63 is OverflowError ((+-2) ** 63, (+-2**21) ** 3,
# (+-512) ** 7, (+-8) ** 21), 3037000499 ** 2 fits and 3037000500 ** 2 does
# not. Every result is printed, or OverflowError.
from pybpf import *

PID: Final[int] = 0
MIN: Final[int] = -9223372036854775807 - 1


@tracepoint("syscalls/sys_enter_getppid")
def pow0() -> None:
    if pid() != PID:
        return
    for i in range(2):
        a = pid() - pid() + -2
        try:
            print(i, '-2', 0, a ** 0)
        except OverflowError:
            print(i, '-2', 0, 'OverflowError')
        try:
            print(i, '-2', 1, a ** 1)
        except OverflowError:
            print(i, '-2', 1, 'OverflowError')
        try:
            print(i, '-2', 2, a ** 2)
        except OverflowError:
            print(i, '-2', 2, 'OverflowError')
        try:
            print(i, '-2', 3, a ** 3)
        except OverflowError:
            print(i, '-2', 3, 'OverflowError')
        try:
            print(i, '-2', 7, a ** 7)
        except OverflowError:
            print(i, '-2', 7, 'OverflowError')
        try:
            print(i, '-2', 21, a ** 21)
        except OverflowError:
            print(i, '-2', 21, 'OverflowError')
        try:
            print(i, '-2', 31, a ** 31)
        except OverflowError:
            print(i, '-2', 31, 'OverflowError')
        try:
            print(i, '-2', 32, a ** 32)
        except OverflowError:
            print(i, '-2', 32, 'OverflowError')
        try:
            print(i, '-2', 62, a ** 62)
        except OverflowError:
            print(i, '-2', 62, 'OverflowError')
        try:
            print(i, '-2', 63, a ** 63)
        except OverflowError:
            print(i, '-2', 63, 'OverflowError')
        try:
            print(i, '-2', 64, a ** 64)
        except OverflowError:
            print(i, '-2', 64, 'OverflowError')
        a = pid() - pid() + 3
        try:
            print(i, '3', 0, a ** 0)
        except OverflowError:
            print(i, '3', 0, 'OverflowError')
        try:
            print(i, '3', 1, a ** 1)
        except OverflowError:
            print(i, '3', 1, 'OverflowError')
        try:
            print(i, '3', 2, a ** 2)
        except OverflowError:
            print(i, '3', 2, 'OverflowError')
        try:
            print(i, '3', 3, a ** 3)
        except OverflowError:
            print(i, '3', 3, 'OverflowError')
        try:
            print(i, '3', 7, a ** 7)
        except OverflowError:
            print(i, '3', 7, 'OverflowError')
        try:
            print(i, '3', 21, a ** 21)
        except OverflowError:
            print(i, '3', 21, 'OverflowError')
        try:
            print(i, '3', 31, a ** 31)
        except OverflowError:
            print(i, '3', 31, 'OverflowError')
        try:
            print(i, '3', 32, a ** 32)
        except OverflowError:
            print(i, '3', 32, 'OverflowError')
        try:
            print(i, '3', 62, a ** 62)
        except OverflowError:
            print(i, '3', 62, 'OverflowError')
        try:
            print(i, '3', 63, a ** 63)
        except OverflowError:
            print(i, '3', 63, 'OverflowError')
        try:
            print(i, '3', 64, a ** 64)
        except OverflowError:
            print(i, '3', 64, 'OverflowError')
        a = pid() - pid() + -3
        try:
            print(i, '-3', 0, a ** 0)
        except OverflowError:
            print(i, '-3', 0, 'OverflowError')
        try:
            print(i, '-3', 1, a ** 1)
        except OverflowError:
            print(i, '-3', 1, 'OverflowError')
        try:
            print(i, '-3', 2, a ** 2)
        except OverflowError:
            print(i, '-3', 2, 'OverflowError')
        try:
            print(i, '-3', 3, a ** 3)
        except OverflowError:
            print(i, '-3', 3, 'OverflowError')
        try:
            print(i, '-3', 7, a ** 7)
        except OverflowError:
            print(i, '-3', 7, 'OverflowError')
        try:
            print(i, '-3', 21, a ** 21)
        except OverflowError:
            print(i, '-3', 21, 'OverflowError')
        try:
            print(i, '-3', 31, a ** 31)
        except OverflowError:
            print(i, '-3', 31, 'OverflowError')
        try:
            print(i, '-3', 32, a ** 32)
        except OverflowError:
            print(i, '-3', 32, 'OverflowError')
        try:
            print(i, '-3', 62, a ** 62)
        except OverflowError:
            print(i, '-3', 62, 'OverflowError')
        try:
            print(i, '-3', 63, a ** 63)
        except OverflowError:
            print(i, '-3', 63, 'OverflowError')
        try:
            print(i, '-3', 64, a ** 64)
        except OverflowError:
            print(i, '-3', 64, 'OverflowError')
        a = pid() - pid() + -8
        try:
            print(i, '-8', 0, a ** 0)
        except OverflowError:
            print(i, '-8', 0, 'OverflowError')
        try:
            print(i, '-8', 1, a ** 1)
        except OverflowError:
            print(i, '-8', 1, 'OverflowError')
        try:
            print(i, '-8', 2, a ** 2)
        except OverflowError:
            print(i, '-8', 2, 'OverflowError')
        try:
            print(i, '-8', 3, a ** 3)
        except OverflowError:
            print(i, '-8', 3, 'OverflowError')
        try:
            print(i, '-8', 7, a ** 7)
        except OverflowError:
            print(i, '-8', 7, 'OverflowError')
        try:
            print(i, '-8', 21, a ** 21)
        except OverflowError:
            print(i, '-8', 21, 'OverflowError')
        try:
            print(i, '-8', 31, a ** 31)
        except OverflowError:
            print(i, '-8', 31, 'OverflowError')
        try:
            print(i, '-8', 32, a ** 32)
        except OverflowError:
            print(i, '-8', 32, 'OverflowError')
        try:
            print(i, '-8', 62, a ** 62)
        except OverflowError:
            print(i, '-8', 62, 'OverflowError')
        try:
            print(i, '-8', 63, a ** 63)
        except OverflowError:
            print(i, '-8', 63, 'OverflowError')
        try:
            print(i, '-8', 64, a ** 64)
        except OverflowError:
            print(i, '-8', 64, 'OverflowError')

@tracepoint("syscalls/sys_enter_getppid")
def pow1() -> None:
    if pid() != PID:
        return
    for i in range(2):
        a = pid() - pid() + 512
        try:
            print(i, '512', 0, a ** 0)
        except OverflowError:
            print(i, '512', 0, 'OverflowError')
        try:
            print(i, '512', 1, a ** 1)
        except OverflowError:
            print(i, '512', 1, 'OverflowError')
        try:
            print(i, '512', 2, a ** 2)
        except OverflowError:
            print(i, '512', 2, 'OverflowError')
        try:
            print(i, '512', 3, a ** 3)
        except OverflowError:
            print(i, '512', 3, 'OverflowError')
        try:
            print(i, '512', 7, a ** 7)
        except OverflowError:
            print(i, '512', 7, 'OverflowError')
        try:
            print(i, '512', 21, a ** 21)
        except OverflowError:
            print(i, '512', 21, 'OverflowError')
        try:
            print(i, '512', 31, a ** 31)
        except OverflowError:
            print(i, '512', 31, 'OverflowError')
        try:
            print(i, '512', 32, a ** 32)
        except OverflowError:
            print(i, '512', 32, 'OverflowError')
        try:
            print(i, '512', 62, a ** 62)
        except OverflowError:
            print(i, '512', 62, 'OverflowError')
        try:
            print(i, '512', 63, a ** 63)
        except OverflowError:
            print(i, '512', 63, 'OverflowError')
        try:
            print(i, '512', 64, a ** 64)
        except OverflowError:
            print(i, '512', 64, 'OverflowError')
        a = pid() - pid() + -512
        try:
            print(i, '-512', 0, a ** 0)
        except OverflowError:
            print(i, '-512', 0, 'OverflowError')
        try:
            print(i, '-512', 1, a ** 1)
        except OverflowError:
            print(i, '-512', 1, 'OverflowError')
        try:
            print(i, '-512', 2, a ** 2)
        except OverflowError:
            print(i, '-512', 2, 'OverflowError')
        try:
            print(i, '-512', 3, a ** 3)
        except OverflowError:
            print(i, '-512', 3, 'OverflowError')
        try:
            print(i, '-512', 7, a ** 7)
        except OverflowError:
            print(i, '-512', 7, 'OverflowError')
        try:
            print(i, '-512', 21, a ** 21)
        except OverflowError:
            print(i, '-512', 21, 'OverflowError')
        try:
            print(i, '-512', 31, a ** 31)
        except OverflowError:
            print(i, '-512', 31, 'OverflowError')
        try:
            print(i, '-512', 32, a ** 32)
        except OverflowError:
            print(i, '-512', 32, 'OverflowError')
        try:
            print(i, '-512', 62, a ** 62)
        except OverflowError:
            print(i, '-512', 62, 'OverflowError')
        try:
            print(i, '-512', 63, a ** 63)
        except OverflowError:
            print(i, '-512', 63, 'OverflowError')
        try:
            print(i, '-512', 64, a ** 64)
        except OverflowError:
            print(i, '-512', 64, 'OverflowError')
        a = pid() - pid() + 2097152
        try:
            print(i, '2097152', 0, a ** 0)
        except OverflowError:
            print(i, '2097152', 0, 'OverflowError')
        try:
            print(i, '2097152', 1, a ** 1)
        except OverflowError:
            print(i, '2097152', 1, 'OverflowError')
        try:
            print(i, '2097152', 2, a ** 2)
        except OverflowError:
            print(i, '2097152', 2, 'OverflowError')
        try:
            print(i, '2097152', 3, a ** 3)
        except OverflowError:
            print(i, '2097152', 3, 'OverflowError')
        try:
            print(i, '2097152', 7, a ** 7)
        except OverflowError:
            print(i, '2097152', 7, 'OverflowError')
        try:
            print(i, '2097152', 21, a ** 21)
        except OverflowError:
            print(i, '2097152', 21, 'OverflowError')
        try:
            print(i, '2097152', 31, a ** 31)
        except OverflowError:
            print(i, '2097152', 31, 'OverflowError')
        try:
            print(i, '2097152', 32, a ** 32)
        except OverflowError:
            print(i, '2097152', 32, 'OverflowError')
        try:
            print(i, '2097152', 62, a ** 62)
        except OverflowError:
            print(i, '2097152', 62, 'OverflowError')
        try:
            print(i, '2097152', 63, a ** 63)
        except OverflowError:
            print(i, '2097152', 63, 'OverflowError')
        try:
            print(i, '2097152', 64, a ** 64)
        except OverflowError:
            print(i, '2097152', 64, 'OverflowError')
        a = pid() - pid() + -2097152
        try:
            print(i, '-2097152', 0, a ** 0)
        except OverflowError:
            print(i, '-2097152', 0, 'OverflowError')
        try:
            print(i, '-2097152', 1, a ** 1)
        except OverflowError:
            print(i, '-2097152', 1, 'OverflowError')
        try:
            print(i, '-2097152', 2, a ** 2)
        except OverflowError:
            print(i, '-2097152', 2, 'OverflowError')
        try:
            print(i, '-2097152', 3, a ** 3)
        except OverflowError:
            print(i, '-2097152', 3, 'OverflowError')
        try:
            print(i, '-2097152', 7, a ** 7)
        except OverflowError:
            print(i, '-2097152', 7, 'OverflowError')
        try:
            print(i, '-2097152', 21, a ** 21)
        except OverflowError:
            print(i, '-2097152', 21, 'OverflowError')
        try:
            print(i, '-2097152', 31, a ** 31)
        except OverflowError:
            print(i, '-2097152', 31, 'OverflowError')
        try:
            print(i, '-2097152', 32, a ** 32)
        except OverflowError:
            print(i, '-2097152', 32, 'OverflowError')
        try:
            print(i, '-2097152', 62, a ** 62)
        except OverflowError:
            print(i, '-2097152', 62, 'OverflowError')
        try:
            print(i, '-2097152', 63, a ** 63)
        except OverflowError:
            print(i, '-2097152', 63, 'OverflowError')
        try:
            print(i, '-2097152', 64, a ** 64)
        except OverflowError:
            print(i, '-2097152', 64, 'OverflowError')

@tracepoint("syscalls/sys_enter_getppid")
def pow2() -> None:
    if pid() != PID:
        return
    for i in range(2):
        a = pid() - pid() + 3037000499
        try:
            print(i, '3037000499', 0, a ** 0)
        except OverflowError:
            print(i, '3037000499', 0, 'OverflowError')
        try:
            print(i, '3037000499', 1, a ** 1)
        except OverflowError:
            print(i, '3037000499', 1, 'OverflowError')
        try:
            print(i, '3037000499', 2, a ** 2)
        except OverflowError:
            print(i, '3037000499', 2, 'OverflowError')
        try:
            print(i, '3037000499', 3, a ** 3)
        except OverflowError:
            print(i, '3037000499', 3, 'OverflowError')
        try:
            print(i, '3037000499', 7, a ** 7)
        except OverflowError:
            print(i, '3037000499', 7, 'OverflowError')
        try:
            print(i, '3037000499', 21, a ** 21)
        except OverflowError:
            print(i, '3037000499', 21, 'OverflowError')
        try:
            print(i, '3037000499', 31, a ** 31)
        except OverflowError:
            print(i, '3037000499', 31, 'OverflowError')
        try:
            print(i, '3037000499', 32, a ** 32)
        except OverflowError:
            print(i, '3037000499', 32, 'OverflowError')
        try:
            print(i, '3037000499', 62, a ** 62)
        except OverflowError:
            print(i, '3037000499', 62, 'OverflowError')
        try:
            print(i, '3037000499', 63, a ** 63)
        except OverflowError:
            print(i, '3037000499', 63, 'OverflowError')
        try:
            print(i, '3037000499', 64, a ** 64)
        except OverflowError:
            print(i, '3037000499', 64, 'OverflowError')
        a = pid() - pid() + 3037000500
        try:
            print(i, '3037000500', 0, a ** 0)
        except OverflowError:
            print(i, '3037000500', 0, 'OverflowError')
        try:
            print(i, '3037000500', 1, a ** 1)
        except OverflowError:
            print(i, '3037000500', 1, 'OverflowError')
        try:
            print(i, '3037000500', 2, a ** 2)
        except OverflowError:
            print(i, '3037000500', 2, 'OverflowError')
        try:
            print(i, '3037000500', 3, a ** 3)
        except OverflowError:
            print(i, '3037000500', 3, 'OverflowError')
        try:
            print(i, '3037000500', 7, a ** 7)
        except OverflowError:
            print(i, '3037000500', 7, 'OverflowError')
        try:
            print(i, '3037000500', 21, a ** 21)
        except OverflowError:
            print(i, '3037000500', 21, 'OverflowError')
        try:
            print(i, '3037000500', 31, a ** 31)
        except OverflowError:
            print(i, '3037000500', 31, 'OverflowError')
        try:
            print(i, '3037000500', 32, a ** 32)
        except OverflowError:
            print(i, '3037000500', 32, 'OverflowError')
        try:
            print(i, '3037000500', 62, a ** 62)
        except OverflowError:
            print(i, '3037000500', 62, 'OverflowError')
        try:
            print(i, '3037000500', 63, a ** 63)
        except OverflowError:
            print(i, '3037000500', 63, 'OverflowError')
        try:
            print(i, '3037000500', 64, a ** 64)
        except OverflowError:
            print(i, '3037000500', 64, 'OverflowError')
        a = pid() - pid() + -3037000500
        try:
            print(i, '-3037000500', 0, a ** 0)
        except OverflowError:
            print(i, '-3037000500', 0, 'OverflowError')
        try:
            print(i, '-3037000500', 1, a ** 1)
        except OverflowError:
            print(i, '-3037000500', 1, 'OverflowError')
        try:
            print(i, '-3037000500', 2, a ** 2)
        except OverflowError:
            print(i, '-3037000500', 2, 'OverflowError')
        try:
            print(i, '-3037000500', 3, a ** 3)
        except OverflowError:
            print(i, '-3037000500', 3, 'OverflowError')
        try:
            print(i, '-3037000500', 7, a ** 7)
        except OverflowError:
            print(i, '-3037000500', 7, 'OverflowError')
        try:
            print(i, '-3037000500', 21, a ** 21)
        except OverflowError:
            print(i, '-3037000500', 21, 'OverflowError')
        try:
            print(i, '-3037000500', 31, a ** 31)
        except OverflowError:
            print(i, '-3037000500', 31, 'OverflowError')
        try:
            print(i, '-3037000500', 32, a ** 32)
        except OverflowError:
            print(i, '-3037000500', 32, 'OverflowError')
        try:
            print(i, '-3037000500', 62, a ** 62)
        except OverflowError:
            print(i, '-3037000500', 62, 'OverflowError')
        try:
            print(i, '-3037000500', 63, a ** 63)
        except OverflowError:
            print(i, '-3037000500', 63, 'OverflowError')
        try:
            print(i, '-3037000500', 64, a ** 64)
        except OverflowError:
            print(i, '-3037000500', 64, 'OverflowError')
        a = pid() - pid() + MIN
        try:
            print(i, 'MIN', 0, a ** 0)
        except OverflowError:
            print(i, 'MIN', 0, 'OverflowError')
        try:
            print(i, 'MIN', 1, a ** 1)
        except OverflowError:
            print(i, 'MIN', 1, 'OverflowError')
        try:
            print(i, 'MIN', 2, a ** 2)
        except OverflowError:
            print(i, 'MIN', 2, 'OverflowError')
        try:
            print(i, 'MIN', 3, a ** 3)
        except OverflowError:
            print(i, 'MIN', 3, 'OverflowError')
        try:
            print(i, 'MIN', 7, a ** 7)
        except OverflowError:
            print(i, 'MIN', 7, 'OverflowError')
        try:
            print(i, 'MIN', 21, a ** 21)
        except OverflowError:
            print(i, 'MIN', 21, 'OverflowError')
        try:
            print(i, 'MIN', 31, a ** 31)
        except OverflowError:
            print(i, 'MIN', 31, 'OverflowError')
        try:
            print(i, 'MIN', 32, a ** 32)
        except OverflowError:
            print(i, 'MIN', 32, 'OverflowError')
        try:
            print(i, 'MIN', 62, a ** 62)
        except OverflowError:
            print(i, 'MIN', 62, 'OverflowError')
        try:
            print(i, 'MIN', 63, a ** 63)
        except OverflowError:
            print(i, 'MIN', 63, 'OverflowError')
        try:
            print(i, 'MIN', 64, a ** 64)
        except OverflowError:
            print(i, 'MIN', 64, 'OverflowError')


@tracepoint("syscalls/sys_enter_getppid")
def pow_straight() -> None:
    if pid() != PID:
        return
    a = pid() - pid() + -2
    try:
        print('-2', 63, a ** 63)
    except OverflowError:
        print('-2', 63, 'OverflowError')
    a = pid() - pid() + 2
    try:
        print('2', 63, a ** 63)
    except OverflowError:
        print('2', 63, 'OverflowError')
    a = pid() - pid() + -2097152
    try:
        print('-2097152', 3, a ** 3)
    except OverflowError:
        print('-2097152', 3, 'OverflowError')
    a = pid() - pid() + 2097152
    try:
        print('2097152', 3, a ** 3)
    except OverflowError:
        print('2097152', 3, 'OverflowError')
    a = pid() - pid() + -8
    try:
        print('-8', 21, a ** 21)
    except OverflowError:
        print('-8', 21, 'OverflowError')
    a = pid() - pid() + 8
    try:
        print('8', 21, a ** 21)
    except OverflowError:
        print('8', 21, 'OverflowError')
    a = pid() - pid() + -128
    try:
        print('-128', 9, a ** 9)
    except OverflowError:
        print('-128', 9, 'OverflowError')
    a = pid() - pid() + 3037000499
    try:
        print('3037000499', 2, a ** 2)
    except OverflowError:
        print('3037000499', 2, 'OverflowError')
    a = pid() - pid() + -3037000500
    try:
        print('-3037000500', 2, a ** 2)
    except OverflowError:
        print('-3037000500', 2, 'OverflowError')
    a = pid() - pid() + MIN
    try:
        print('MIN', 1, a ** 1)
    except OverflowError:
        print('MIN', 1, 'OverflowError')
    a = pid() - pid() + MIN
    try:
        print('MIN', 2, a ** 2)
    except OverflowError:
        print('MIN', 2, 'OverflowError')
    a = pid() - pid() + -1
    try:
        print('-1', 64, a ** 64)
    except OverflowError:
        print('-1', 64, 'OverflowError')
    a = pid() - pid() + 7
    try:
        print('7', 22, a ** 22)
    except OverflowError:
        print('7', 22, 'OverflowError')
    a = pid() - pid() + 7
    try:
        print('7', 23, a ** 23)
    except OverflowError:
        print('7', 23, 'OverflowError')
    a = pid() - pid() + 6
    try:
        print('6', 24, a ** 24)
    except OverflowError:
        print('6', 24, 'OverflowError')
    a = pid() - pid() + -6
    try:
        print('-6', 24, a ** 24)
    except OverflowError:
        print('-6', 24, 'OverflowError')
    a = pid() - pid() + -3
    try:
        print('-3', 39, a ** 39)
    except OverflowError:
        print('-3', 39, 'OverflowError')
    a = pid() - pid() + -3
    try:
        print('-3', 40, a ** 40)
    except OverflowError:
        print('-3', 40, 'OverflowError')
