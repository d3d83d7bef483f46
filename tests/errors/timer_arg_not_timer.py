from pybpf import *

counts: Array[u64] = Array(1)


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    bpf.timer_start(counts[0], 1000, 0)
