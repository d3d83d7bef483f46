# BUG (found by tests/difftest, minimized by run.py): a for loop around
# try/except BaseException/finally that calls an inlined helper with many
# raise sites: the verifier gives up, "BPF program is too large. Processed
# 1000001 insn" -- the exception paths multiply the states it explores.
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
K0: Final[int] = 65535
K3: Final[int] = 256
m_i64: Hash[u32, i64] = Hash(max_entries=10240)
m_u64: Hash[u64, u64] = Hash()
m_i32: PerCPUHash[i8, i32] = PerCPUHash(max_entries=10240)
m_full: Hash[u32, i16] = Hash(max_entries=2)
m_s8: Hash[str[8], i64] = Hash()
g_int: int = 3037000499
g_u8: u8 = 79
g_i32: i32 = -2147483648
g_u64: u64 = 9223372036854775807
g_i16: i16 = 0
g_u32: u32 = 4294967295
g_flag: bool = False


def h0(a: int, b: int) -> int:
    del m_s8[comm()]
    return 0


def h1(a: int, b: int) -> int:
    d = (((b + 8) // (b if g_int else b)) << (((a % K0) + (m_i32[3] or h0(9, (5 if True else g_i32)) or 63))) % 63)
    print("h1", ((a if g_i32 == (-32768) <= m_i64.get(5, (uid() - uid())) >= 6 else d) - d), ((m_u64[4] ** 31) if not (((-32768) + a)) else ((-1 if (pid() - pid()) else h0((-129), 7)) or (m_full[6] | (-9223372036854775807)) or m_full[4])))
    return a


@tracepoint("syscalls/sys_enter_getppid")
def p23() -> None:
    if pid() != PID:
        return
    a = 0
    d = 0
    try:
        for i in range(5):
            try:
                print("c23", m_i64[6], end="\n\n")
                print(f"c23  %d {(0x80 - a)!s:s}")
            except BaseException:
                print(f"c23  {(i <= i <= h1(m_i32[(d + i)], (-2 & -2)) >= K3) < a} é {(-2147483648)}")
            finally:
                a += m_i64[((i if comm() == comm() else 2)) % 3]
    except KeyError:
        print("c23 KeyError")
    except MapFullError:
        print("c23 MapFullError")
    except OverflowError:
        print("c23 OverflowError")
    except ZeroDivisionError:
        print("c23 ZeroDivisionError")
    except AssertionError:
        print("c23 AssertionError")
    except ValueError:
        print("c23 ValueError")
    except Exception:
        print("c23 Exception")
