# BUG (found by tests/difftest, seed 7 run, minimized by run.py): a small
# probe with c ** 62 (and an inlined helper) in a loop: clang rejected the
# generated C, "Looks like the BPF stack limit is exceeded" (pybpf: "'p44'
# needs more than the 512 bytes of stack"): 62 checked multiplies in a row
# made clang spill 1472 bytes. Powers are now computed by squaring.
# Status: fixed -- passes at commit 29fe76d; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
ONE: Final[int] = 1
m_u64: Hash[u64, u64] = Hash(max_entries=10240)
m_u32: LRUHash[u32, u32] = LRUHash(max_entries=10240)
m_full: Hash[u32, i16] = Hash(max_entries=2)
g_int: int = -2
g_u8: u8 = 145
g_i32: i32 = 2147483647
g_u64: u64 = 1
g_i16: i16 = 32767
g_u32: u32 = 7
g_flag: bool = False


class E0(TypeError):
    pass


class E1(E0):
    pass


def h1(a: int, b: int) -> int:
    return ((65536 < m_u64[3] != 4) * ((a or -4 or 1) % (((-9223372036854775807 - 1)) if g_flag else 1)))


@tracepoint("syscalls/sys_enter_getppid")
def p44() -> None:
    if pid() != PID:
        return
    b = 0
    s8: str[8] = ''
    s16: str[16] = ''
    try:
        c = ((-(g_flag)) - m_full[(((-1) ** 7)) % 3])
        for i in range(65535, -2147483648, 3):
            print("c44", (((i ^ 2147483648) or (-4 & (65536 < h1(1, b)))) | (b - ((i != 4611686018427387904) + c))), g_flag, ((((g_u64 > 1) // m_u32.get(((c ** 62)) % 5, b)) + (4 // c)) + (-(0 if b else b))))
    except KeyError:
        print("c44 KeyError")
    except MapFullError:
        print("c44 MapFullError")
    except OverflowError:
        print("c44 OverflowError")
    except ZeroDivisionError:
        print("c44 ZeroDivisionError")
    except AssertionError:
        print("c44 AssertionError")
    except ValueError:
        print("c44 ValueError")
    except Exception:
        print("c44 Exception")
