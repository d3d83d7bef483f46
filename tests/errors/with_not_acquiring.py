from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf_send_signal_task(current_task(), 10, 0, 0) as r:
        pass
