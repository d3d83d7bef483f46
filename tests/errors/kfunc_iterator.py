from pybpf import *


@tp_btf("sched_process_exec")
def t(p: task_struct, old_pid: int, bprm: linux_binprm) -> None:
    bpf_iter_task_destroy(p)
