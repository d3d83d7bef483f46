from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    x = bpf_iter_num_new(None, 0, 3)
