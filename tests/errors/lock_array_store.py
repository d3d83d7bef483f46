from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)
arr: Array[Acct] = Array(4)

@begin
def start() -> None:
    arr[0] = Acct(n=1)
