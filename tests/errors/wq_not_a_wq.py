from pybpf import *
timers: Array[Timer] = Array(1)


@begin
def setup() -> None:
    bpf_wq_init(timers[0], 0)
