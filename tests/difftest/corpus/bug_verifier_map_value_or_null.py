# BUG (found by tests/difftest, minimized by run.py): the verifier rejects
# the probe, "R0 pointer arithmetic on map_value_or_null prohibited,
# null-check it first" (a map lookup result used before its NULL check;
# depends on the surrounding code: the expression alone loads).
# Status: fixed -- passes at commit 43b6f45; kept as a regression test.
from pybpf import *

PID: Final[int] = 0
m_u8: Hash[i16, u8] = Hash(max_entries=10240)
m_u64: Hash[u64, u64] = Hash()
m_i32: PerCPUHash[i8, i32] = PerCPUHash()
g_int: int = 0
g_u8: u8 = 126
g_i32: i32 = -2147483648
g_u64: u64 = 1
g_i16: i16 = 0
g_u32: u32 = 4294967295
g_flag: bool = False


@tracepoint("syscalls/sys_enter_getppid")
def p12() -> None:
    if pid() != PID:
        return
    try:
        c = (1 if False else 5)
        e = ((m_i32[7] >= -2 == m_i32.get(4, c) > -1) == (9223372036854775807 if 7 in m_u64 else g_int)) * c
        print(f"c12  é {g_i32!r:.8} x={(~(e or (pid() - pid()))):0>0} é {comm()}")
    except KeyError:
        print("c12 KeyError")
    except MapFullError:
        print("c12 MapFullError")
    except OverflowError:
        print("c12 OverflowError")
    except ZeroDivisionError:
        print("c12 ZeroDivisionError")
    except AssertionError:
        print("c12 AssertionError")
    except ValueError:
        print("c12 ValueError")
    except Exception:
        print("c12 Exception")
