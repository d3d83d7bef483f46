from pybpf import *


@begin
def go() -> None:
    bpf_res_spin_lock(0)
