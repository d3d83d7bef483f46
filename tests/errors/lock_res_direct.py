from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)

@begin
def start() -> None:
    bpf_res_spin_unlock(0)
