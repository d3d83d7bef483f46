from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    buf: str[32] = ""
    d = bpf.dynptr_from_mem(buf, 0)
    name = "user.pybpf"
    with bpf_cgroup_from_id(1) as cg:
        if cg is not None:
            bpf_cgroup_read_xattr(cg, name, d)
