# pybpf-args: --btf build/fake_btf.o
from pybpf import *


@raw_tp("sched_switch")
def f(preempt: bool) -> None:
    printk("switch")
