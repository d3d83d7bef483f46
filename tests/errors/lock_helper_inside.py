from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)

@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    with bpf.spin_lock(acct, 1) as a:
        a.n = bpf.ktime_get_ns()
