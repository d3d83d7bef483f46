from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf_send_signal_task(bpf_rdonly_cast(current_task(), task_struct), 10, 0, 0)
