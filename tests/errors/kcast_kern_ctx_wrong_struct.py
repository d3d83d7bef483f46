from pybpf import *


@profile(hz=99)
def t() -> None:
    k = bpf_cast_to_kern_ctx(ctx())
    bpf_send_signal_task(k, 10, 0, 0)
