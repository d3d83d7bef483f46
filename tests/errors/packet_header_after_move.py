from pybpf import *


@xdp
def strip(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    bpf.xdp_adjust_head(ctx, 4)
    if eth.h_proto == 8:
        return XDP_DROP
    return XDP_PASS
