"""latency_probe.py: the kernel half of plot_latency.py: how long
clock_nanosleep() took, in microseconds, as a power-of-two histogram, for
one process (-D PID=N) or all (PID 0)."""
from pybpf import *

PID: Final[int] = 0

start: Hash[u32, u64] = Hash(max_entries=10240)   # thread -> ktime at entry
usecs: Hist = Hist()


@tracepoint("syscalls/sys_enter_clock_nanosleep")
def sleep_enter(args: TracepointArgs) -> None:
    if PID != 0 and pid() != PID:
        return
    start[tid()] = ktime_ns()


@tracepoint("syscalls/sys_exit_clock_nanosleep")
def sleep_exit(args: TracepointArgs) -> None:
    ns = start.get(tid(), 0)
    if ns == 0:
        return
    del start[tid()]
    usecs.add((ktime_ns() - ns) // 1000)
