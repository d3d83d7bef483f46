from pybpf import *


@kprobe("do_nanosleep")
def t() -> None:
    k = bpf_cast_to_kern_ctx(current_task())
    print(k)
