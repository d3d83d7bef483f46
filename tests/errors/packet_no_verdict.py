from pybpf import *


@xdp
def fw(ctx) -> int:
    pkt = ctx.packet()
    if len(pkt) < 60:
        return XDP_DROP
