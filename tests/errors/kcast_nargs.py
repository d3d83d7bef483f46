from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    p = bpf_rdonly_cast(current_task())
    print(p.pid)
