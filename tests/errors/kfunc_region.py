from pybpf import *


@begin
def go() -> None:
    bpf_rcu_read_lock()
