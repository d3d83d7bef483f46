from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    task = current_task()
    for i in range(2):
        print(f"{bpf.task_pt_regs(task)}")
        task = task.real_parent
