from pybpf import *


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    t: Timer = 0
