from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    x = bpf.get_prandom_u64()
