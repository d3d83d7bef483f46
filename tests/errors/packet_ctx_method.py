from pybpf import *


@xdp
def fw(ctx) -> int:
    ctx.pull_data(14)
    return XDP_PASS
