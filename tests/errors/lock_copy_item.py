from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

arr: Array[Acct] = Array(2)
out: Array[u64] = Array(2)

@begin
def start() -> None:
    with bpf.spin_lock(arr, 1) as a:
        b = a
    out[0] = b.n
