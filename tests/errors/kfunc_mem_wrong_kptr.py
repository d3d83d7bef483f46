from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    buf: str[32] = ""
    d = bpf.dynptr_from_mem(buf, 0)
    bpf_cgroup_read_xattr(current_task(), "user.pybpf", d)
