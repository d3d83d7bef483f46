"""runqlat: CPU scheduler run queue latency as a histogram (runqlat.bt)."""
from pybpf import *

TASK_RUNNING: Final[int] = 0

qtime: Hash[u32, u64] = Hash(max_entries=10240)
usecs: Hist = Hist()


@begin
def start() -> None:
    print("Tracing CPU scheduler... Hit Ctrl-C to end.")


@tracepoint("sched/sched_wakeup")
def wakeup(args) -> None:
    qtime[args.pid] = ktime_ns()


@tracepoint("sched/sched_wakeup_new")
def wakeup_new(args) -> None:
    qtime[args.pid] = ktime_ns()


@tracepoint("sched/sched_switch")
def switch(args) -> None:
    if args.prev_state == TASK_RUNNING:
        qtime[args.prev_pid] = ktime_ns()
    ns = qtime.get(args.next_pid, 0)
    if ns:
        usecs.add((ktime_ns() - ns) // 1000)
        del qtime[args.next_pid]
