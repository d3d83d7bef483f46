from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    parent = current_task().real_parent
    buf: bytes[8] = b"\0\0\0\0\0\0\0\0"
    bpf.get_task_stack(parent, buf, 0)
