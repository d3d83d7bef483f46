from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    bpf_task_release(current_task())
