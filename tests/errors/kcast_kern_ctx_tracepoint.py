from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    k = bpf_cast_to_kern_ctx(ctx())
    print(k)
