from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf_task_from_pid(1) as init:
        if init is None:
            return
    print(f"{init.pid}")
