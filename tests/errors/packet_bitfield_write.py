from pybpf import *


@xdp
def fw(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    ip.ihl = 5
    return XDP_PASS
