"""vtime.py: a weighted virtual-time CPU scheduler in Python (scx_simple's
default mode).

    pybpf load examples/sched/vtime.py      (a kernel with CONFIG_SCHED_CLASS_EXT)

Each task has a virtual time that grows, while it runs, by the time it ran
divided by its weight (a nice 0 task has weight 100): runnable tasks wait
in SHARED ordered by it, and a CPU that needs work takes the one that has
had least. A task that slept for long comes back at most one slice behind
the current virtual time, so sleeping earns no unbounded credit.

The maps count, per process (tgid): the tasks taken on (init_task), the
times one was queued, and the times a queued task reached a CPU.
"""
from pybpf import *
from pybpf.kernel import SCX_SLICE_DFL

SHARED = DSQ(0)
vtime_now: u64 = 0   # the virtual time of the task that started running last

tasks: LRUHash[u32, u64] = LRUHash(max_entries=4096)
queued: LRUHash[u32, u64] = LRUHash(max_entries=4096)
ran: LRUHash[u32, u64] = LRUHash(max_entries=4096)
waiting: TaskStorage[u8] = TaskStorage()


@struct_ops("sched_ext_ops", name="pyvtime")
class Vtime:
    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        vtime = p.scx.dsq_vtime
        if vtime + SCX_SLICE_DFL < vtime_now:   # at most one slice of credit
            vtime = vtime_now - SCX_SLICE_DFL
        queued[p.tgid] += 1
        waiting[p] = 1
        scx_bpf_dispatch_vtime(p, SHARED, SCX_SLICE_DFL, vtime, enq_flags)

    def dispatch(self, cpu: i32, prev: task_struct) -> None:
        scx_bpf_consume(SHARED)

    def running(self, p: task_struct) -> None:
        global vtime_now
        if vtime_now < p.scx.dsq_vtime:
            vtime_now = p.scx.dsq_vtime
        if waiting.get(p, 0):
            waiting[p] = 0
            ran[p.tgid] += 1

    def stopping(self, p: task_struct, runnable: bool) -> None:
        # the slice it used, scaled by its weight
        p.scx.dsq_vtime += (SCX_SLICE_DFL - p.scx.slice) * 100 // p.scx.weight

    def enable(self, p: task_struct) -> None:
        p.scx.dsq_vtime = vtime_now

    def init_task(self, p: task_struct, args: scx_init_task_args) -> i32:
        tasks[p.tgid] += 1
        return 0
