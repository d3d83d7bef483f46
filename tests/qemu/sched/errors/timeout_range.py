from pybpf import *
from pybpf.kernel import SCX_DSQ_GLOBAL, SCX_SLICE_DFL


@struct_ops("sched_ext_ops", name="pylong")
class Long:
    timeout_ms = 1 << 32

    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        scx_bpf_dispatch(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags)
