# pybpf-args: --btf build/fake_btf.o
from pybpf import *


@tp_btf("sched_switch")
def f(preempt: bool, prev: mm_struct) -> None:
    pass
