from pybpf import *


def step(i: int, j: int) -> None:
    pass


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf.loop(10, step)
