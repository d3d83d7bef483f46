from pybpf import *

timers: Array[Timer] = Array(1)


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    bpf.timer_cancel(timers)
