from pybpf import *
wqs: Array[Wq] = Array(1)


def work(key: int) -> None:
    pass


@begin
def setup() -> None:
    bpf_wq_set_callback_impl(wqs[0], work, 0, None)
