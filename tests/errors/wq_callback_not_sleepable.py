from pybpf import *
wqs: Array[Wq] = Array(1)


def work(key: int) -> None:
    pass


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    bpf_wq_init(wqs[0], 0)
    bpf_wq_set_callback(wqs[0], work, 0)
