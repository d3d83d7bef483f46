# pyargs: --btf build/fake_btf.o
from pybpf import *

("sched_ booswitch")
def f(preempt: bool) -> None:
    printk("switch")
