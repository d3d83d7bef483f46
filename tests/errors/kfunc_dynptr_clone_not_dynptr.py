from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    buf: bytes[4] = b"abcd"
    c = bpf_dynptr_clone(buf)
