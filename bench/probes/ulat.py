"""ulat: latency of libc's getppid() as a histogram (uprobe + uretprobe)."""
from pybpf import *

start: Hash[u32, u64] = Hash(max_entries=10240)
lat: Hist = Hist()


@uprobe("libc:getppid")
def enter() -> None:
    start[tid()] = ktime_ns()


@uretprobe("libc:getppid")
def leave(ret: i64) -> None:
    t = start.get(tid(), 0)
    if t:
        lat.add(ktime_ns() - t)
        del start[tid()]
