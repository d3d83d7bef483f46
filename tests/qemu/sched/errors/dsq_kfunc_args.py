from pybpf import *

SHARED = DSQ(0)


@struct_ops("sched_ext_ops", name="pyargs")
class Args:
    def enqueue(self, p: task_struct, enq_flags: u64) -> None:
        scx_bpf_dispatch(p, SHARED, enq_flags)
