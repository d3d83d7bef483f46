from pybpf import *


@xdp
def fw(ctx) -> int:
    pkt = ctx.packet()
    n = len(pkt)
    head = pkt[0:n]
    return XDP_PASS
