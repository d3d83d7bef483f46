from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)
events: RingBuf[Acct] = RingBuf(size=4096)
