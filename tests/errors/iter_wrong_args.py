from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    for task in bpf_iter_task(None):
        print(f"{task.pid}")
