"""A scheduler with a bug (tests/qemu/sched.py): enqueue dispatches to
queue 99, which it never declared, so the kernel finds no such DSQ,
ends the scheduler with an error, and pybpf load reports it."""
from pybpf import *
from pybpf.kernel import SCX_SLICE_DFL


@struct_ops("sched_ext_ops", name="pybaddsq")
class BadDsq:
    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        scx_bpf_dispatch(p, 99, SCX_SLICE_DFL, enq_flags)
