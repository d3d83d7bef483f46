# BUG (found by tests/difftest): `g -= n` on a module-level variable and
# `d[k] += n` on an existing map item, when the result does not fit the
# type: the kernel raises OverflowError (right) but has already stored the
# wrapped value (the atomic add happened first). CPython leaves the old
# value: g_u32 stays 7, g_i16 stays -32768, m[1] stays 250.
# Status: fixed -- passes at commit ceb6e01; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
g_u32: u32 = 7
g_i16: i16 = -32768
g_u8: u8 = 200
m: Hash[u32, u8] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def aug_wraps() -> None:
    global g_u32, g_i16, g_u8
    if pid() != PID:
        return
    m[1] = 250
    try:
        g_u32 -= 255
    except OverflowError:
        print("g_u32 OverflowError")
    try:
        g_i16 -= 2
    except OverflowError:
        print("g_i16 OverflowError")
    try:
        g_u8 += 100
    except OverflowError:
        print("g_u8 OverflowError")
    try:
        m[1] += 10
    except OverflowError:
        print("m OverflowError")
