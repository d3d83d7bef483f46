from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)

@begin
def start() -> None:
    with bpf_res_spin_lock(acct, 1) as a:
        a.n += 1
