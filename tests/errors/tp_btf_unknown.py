# pybpf-args: --btf build/fake_btf.o
from pybpf import *


@tp_btf("sched_swtich")
def f(preempt: bool) -> None:
    pass
