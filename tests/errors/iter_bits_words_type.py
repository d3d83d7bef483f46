from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    for b in bpf_iter_bits(comm(), 1):
        print(f"{b}")
