"""execsnoop-like: one ring buffer record per exec."""
from pybpf import *


class Event(Struct):
    pid: u32
    ppid: u32
    uid: u32
    comm: str[16]


events: RingBuf[Event] = RingBuf(size=262144)


@tracepoint("sched/sched_process_exec")
def on_exec(args) -> None:
    t = current_task()
    events.output(Event(pid(), t.real_parent.tgid, uid(), comm()))
