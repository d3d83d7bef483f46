from pybpf import *

timers: Array[Timer] = Array(1)


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    t = timers[0]
