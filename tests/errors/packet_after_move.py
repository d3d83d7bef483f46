from pybpf import *


@xdp
def strip(ctx) -> int:
    pkt = ctx.packet()
    ctx.adjust_head(14)
    eth = pkt.header(ethhdr)
    return XDP_PASS
