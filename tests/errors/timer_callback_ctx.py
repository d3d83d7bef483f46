from pybpf import *

timers: Array[Timer] = Array(1)
stacks: Hash[KStack, int] = Hash(max_entries=16)


def where() -> None:
    stacks[kstack()] += 1


def fire(key: int) -> None:
    where()


@tp_btf("sys_enter")
def on(regs, nr) -> None:
    bpf.timer_set_callback(timers[0], fire)
