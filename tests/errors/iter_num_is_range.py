from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    for i in bpf_iter_num(0, 3):
        print(f"{i}")
