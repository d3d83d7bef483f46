from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    p = bpf_rdonly_cast(current_task(), task_struct)
    print(bpf.task_pt_regs(p))
