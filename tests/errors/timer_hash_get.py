from pybpf import *

timers: Hash[u32, Timer] = Hash(max_entries=16)


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    t = timers.get(nr)
