from pybpf import *


@xdp
def fw(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt)
    return XDP_PASS
