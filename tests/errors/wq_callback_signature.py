from pybpf import *
wqs: Array[Wq] = Array(1)


def work(key: int, value: int) -> None:
    pass


@begin
def setup() -> None:
    bpf_wq_init(wqs[0], 0)
    bpf_wq_set_callback(wqs[0], work, 0)
