from pybpf import *

timers: Array[Timer] = Array(2)


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    timers[0] = Timer()
