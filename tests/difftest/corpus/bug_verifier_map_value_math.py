# BUG (found by tests/difftest, minimized by run.py): the verifier rejects
# `m_i64[0] -= m_u64[7]` inside nested loops: "math between map_value
# pointer and register with unbounded min value is not allowed".
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
ZERO: Final[int] = 0
K1: Final[int] = 256
K3: Final[int] = -1
m_i64: Hash[u32, i64] = Hash()
m_u64: Hash[u64, u64] = Hash()
m_full: Hash[u32, i16] = Hash(max_entries=3)
m_s8: Hash[str[8], i64] = Hash()
g_int: int = 2147483648
g_u8: u8 = 54
g_i32: i32 = 0
g_u64: u64 = 1
g_i16: i16 = -32768
g_u32: u32 = 7
g_flag: bool = False


@tracepoint("syscalls/sys_enter_getppid")
def p33() -> None:
    if pid() != PID:
        return
    d = 0
    try:
        a = 255
        for i in range((((gid() * 0) // a)) % 6):
            try:
                print("c33", 128, ((K3 or d or 0) % ((PID - pid()) & K1)))
            finally:
                for j in range(-1, -1, 2):
                    m_i64[0] -= m_u64[7]
    except IndexError:
        print("c33 IndexError")
    except KeyError:
        print("c33 KeyError")
    except MapFullError:
        print("c33 MapFullError")
    except OverflowError:
        print("c33 OverflowError")
    except ZeroDivisionError:
        print("c33 ZeroDivisionError")
    except AssertionError:
        print("c33 AssertionError")
    except TypeError:
        print("c33 TypeError")
    except ValueError:
        print("c33 ValueError")
    except Exception:
        print("c33 Exception")
