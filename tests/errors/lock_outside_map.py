from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)

@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    x = Acct(n=1)
