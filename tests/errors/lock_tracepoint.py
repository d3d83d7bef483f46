from pybpf import *

class Acct(Struct):
    lock: SpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=16)

@tracepoint("syscalls/sys_enter_getppid")
def enter(args) -> None:
    with bpf.spin_lock(acct, 1) as a:
        a.n += 1
