from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    v: int = 0b1010_0001
    for b in bpf_iter_bits(v, 2):
        print(f"{b}")
