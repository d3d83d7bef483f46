from pybpf import *


def regs(t: task_struct) -> int:
    return bpf.task_pt_regs(t)


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    print(f"{regs(current_task().real_parent)}")
