"""runqlat.py: run queue (scheduler) latency as a histogram: how long tasks
waited on a CPU's run queue after being woken before they ran.

A port of bpftrace's runqlat.bt (the same three scheduler events, as BTF
tracepoints so that the task's process is known, and the same
rule: a task is timed from sched_wakeup / sched_wakeup_new, or from being
switched out while still runnable, until it is switched in). Output as
runqlat.bt's (without bpftrace's `@`):

    Tracing CPU scheduler... Hit Ctrl-C to end.
    usecs:
    [0]                   12 |@@@@                                      |
    [1]                   40 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
    ...

Run:    pybpf load examples/tools/runqlat.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter" / "off"):
    -D PID=1234      only threads of this process (bcc: -p PID)
    -D TID=1234      only this thread
    -D PER_PROCESS=1 one histogram per process: usecs_by_pid[PID] (bcc: -P)
    -D PER_THREAD=1  one histogram per thread: usecs_by_tid[TID] (bcc: -L)
    -D MS=1          milliseconds (the histogram is then named msecs) (bcc: -m)
    -D INTERVAL=5    print and clear every 5 seconds (bcc: interval)
    --duration S     stop after S seconds
"""
from pybpf import *

PID: Final[int] = 0
TID: Final[int] = 0
PER_PROCESS: Final[int] = 0
PER_THREAD: Final[int] = 0
MS: Final[int] = 0
INTERVAL: Final[int] = 0

qtime: Hash[u32, u64] = Hash(max_entries=65536)      # tid -> when it became runnable
usecs: Hist = Hist()
msecs: Hist = Hist()
usecs_by_pid: Hash[u32, Hist] = Hash(max_entries=10240)
usecs_by_tid: Hash[u32, Hist] = Hash(max_entries=10240)
ticks: Hash[u32, u64] = Hash(max_entries=1)


def traced(tgid: int, thread: int) -> bool:
    return (PID == 0 or tgid == PID) and (TID == 0 or thread == TID)


def report() -> None:
    if PER_PROCESS != 0:
        show(usecs_by_pid)
    elif PER_THREAD != 0:
        show(usecs_by_tid)
    elif MS != 0:
        show(msecs)
    else:
        show(usecs)
    usecs.clear()
    msecs.clear()
    usecs_by_pid.clear()
    usecs_by_tid.clear()


@begin
def runqlat_begin() -> None:
    print("Tracing CPU scheduler... Hit Ctrl-C to end.")


@tp_btf("sched_wakeup")
def runqlat_wakeup(p: task_struct) -> None:
    if traced(p.tgid, p.pid):
        qtime[p.pid] = ktime_ns()


@tp_btf("sched_wakeup_new")
def runqlat_wakeup_new(p: task_struct) -> None:
    if traced(p.tgid, p.pid):
        qtime[p.pid] = ktime_ns()


@tp_btf("sched_switch")
def runqlat_switch(preempt: bool, prev: task_struct, next: task_struct, prev_state: u32) -> None:
    # runqlat.bt's "args->prev_state == TASK_RUNNING": switched out while
    # runnable, and not by preemption (the tracepoint reports those apart)
    if not preempt and prev_state == 0 and traced(prev.tgid, prev.pid):
        qtime[prev.pid] = ktime_ns()
    ns = qtime.get(next.pid, 0)
    if ns == 0:
        return
    del qtime[next.pid]
    delta = (ktime_ns() - ns) // 1000
    if PER_PROCESS != 0:
        usecs_by_pid[next.tgid].add(delta)
    elif PER_THREAD != 0:
        usecs_by_tid[next.pid].add(delta)
    elif MS != 0:
        msecs.add(delta // 1000)
    else:
        usecs.add(delta)


@interval(seconds=1)
def runqlat_tick() -> None:
    if INTERVAL <= 0:
        return
    ticks[0] += 1
    if ticks[0] % INTERVAL == 0:
        print()
        report()


@end
def runqlat_end() -> None:
    report()
    qtime.clear()
    ticks.clear()
