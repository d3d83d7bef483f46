from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    bpf.get_current_comm(5)
