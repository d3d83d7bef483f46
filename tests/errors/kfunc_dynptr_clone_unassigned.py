from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    d = bpf.dynptr_from_mem(b"abcd", 0)
    bpf_dynptr_clone(d)
