from pybpf import *


@tp_btf("sched_switch")
def t(preempt: bool, prev: task_struct, next: task_struct) -> None:
    k = bpf_cast_to_kern_ctx(ctx())
    print(k)
