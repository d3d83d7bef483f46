from pybpf import *


@xdp
def fw(ctx) -> int:
    if ctx.ifindex == 1:
        return XDP_DROP
    return XDP_PASS
