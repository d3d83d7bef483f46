from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    step = 3
    bpf.loop(10, step)
