from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    print(f"{bpf.task_pt_regs(current_task().real_parent)}")
