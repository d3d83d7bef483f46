from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    p = current_task()
    p = bpf_rdonly_cast(current_task(), task_struct)
    print(p.pid)
