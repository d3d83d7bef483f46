from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf_send_signal_task(current_task().real_parent, 10, 0, 0)
