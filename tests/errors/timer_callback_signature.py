from pybpf import *

timers: Array[Timer] = Array(1)


def fire(key: str[16]) -> int:
    return 0


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    bpf.timer_set_callback(timers[0], fire)
