"""fifo.py: a global FIFO CPU scheduler in Python (scx_simple's fifo mode).

    pybpf load examples/sched/fifo.py       (a kernel with CONFIG_SCHED_CLASS_EXT)

Registered with sched_ext, it schedules every task of the fair class until
pybpf load ends (Ctrl-C), when the kernel's own scheduler takes them back.
A task that becomes runnable waits in one queue, SHARED, behind those that
became runnable before it; a CPU that needs work takes the queue's head and
runs it for a slice of SCX_SLICE_DFL (20 ms).

The maps count, per process (tgid): the tasks the scheduler took on
(init_task), the times one was queued (enqueue), and the times a queued
task reached a CPU (running after an enqueue); the two last are equal when
nothing was lost.
"""
from pybpf import *
from pybpf.kernel import SCX_SLICE_DFL

SHARED = DSQ(0)

tasks: LRUHash[u32, u64] = LRUHash(max_entries=4096)
queued: LRUHash[u32, u64] = LRUHash(max_entries=4096)
ran: LRUHash[u32, u64] = LRUHash(max_entries=4096)
waiting: TaskStorage[u8] = TaskStorage()


@struct_ops("sched_ext_ops", name="pyfifo")
class Fifo:
    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        queued[p.tgid] += 1
        waiting[p] = 1
        scx_bpf_dispatch(p, SHARED, SCX_SLICE_DFL, enq_flags)

    def dispatch(self, cpu: i32, prev: task_struct) -> None:
        scx_bpf_consume(SHARED)

    def running(self, p: task_struct) -> None:
        if waiting.get(p, 0):
            waiting[p] = 0
            ran[p.tgid] += 1

    def init_task(self, p: task_struct, args: scx_init_task_args) -> i32:
        tasks[p.tgid] += 1
        return 0
