"""A scheduler that stops dispatching (tests/qemu/sched.py): enqueue puts
every task in HELD, and nothing ever takes one out (no dispatch), so the
kernel's watchdog ends it after timeout_ms; pybpf load reports why."""
from pybpf import *
from pybpf.kernel import SCX_SLICE_DFL

HELD = DSQ(1)


@struct_ops("sched_ext_ops", name="pystall")
class Stall:
    timeout_ms = 2000

    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        scx_bpf_dispatch(p, HELD, SCX_SLICE_DFL, enq_flags)
