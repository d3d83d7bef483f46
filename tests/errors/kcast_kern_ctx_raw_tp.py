from pybpf import *


@raw_tp("sys_enter")
def t(regs: pt_regs, id: int) -> None:
    k = bpf_cast_to_kern_ctx(ctx())
    print(k)
