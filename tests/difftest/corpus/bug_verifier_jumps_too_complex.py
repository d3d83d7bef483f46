# BUG (found by tests/difftest, minimized by run.py): a small loop with an
# if/elif, map reads and a helper call: the verifier rejects the probe,
# "The sequence of 8193 jumps is too complex".
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
ZERO: Final[int] = 0
ONE: Final[int] = 1
K0: Final[int] = -1
K2: Final[int] = 65535
K3: Final[int] = 3037000500
FLAG: Final[bool] = True
m_i64: Hash[u32, i64] = Hash()
m_u8: Hash[i16, u8] = Hash(max_entries=10240)
m_i32: PerCPUHash[i8, i32] = PerCPUHash()
m_u32: LRUHash[u32, u32] = LRUHash(max_entries=10240)
m_s8: Hash[str[8], i64] = Hash()
g_int: int = -7
g_u8: u8 = 214
g_i32: i32 = 2147483647
g_u64: u64 = 1
g_i16: i16 = 0
g_u32: u32 = 0
g_flag: bool = False


class E1(MapFullError):
    pass


def h0(a: int, b: int, p: bool) -> int:
    return b


@tracepoint("syscalls/sys_enter_getppid")
def p20() -> None:
    if pid() != PID:
        return
    b = 0
    try:
        for i in range(((b % K2)) % 6):
            if ((g_i16 if True else m_u8[128]) << (m_u8[6]) % 70):
                m_i64[40000] = (m_u32.get(2, h0(K0, (8 - b), True)) >> (5 if 3037000500 else i))
            elif (K3 - ONE):
                b += ((+6) if 2 > 3037000499 <= (PID - pid()) > 1 else (ZERO if '0123456' in m_s8 else 6))
    except KeyError:
        print("c20 KeyError")
    except MapFullError:
        print("c20 MapFullError")
    except OverflowError:
        print("c20 OverflowError")
    except ZeroDivisionError:
        print("c20 ZeroDivisionError")
    except AssertionError:
        print("c20 AssertionError")
    except ValueError:
        print("c20 ValueError")
    except Exception:
        print("c20 Exception")
