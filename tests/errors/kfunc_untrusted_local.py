from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    task = current_task()
    parent = task.real_parent
    bpf_send_signal_task(parent, 10, 0, 0)
