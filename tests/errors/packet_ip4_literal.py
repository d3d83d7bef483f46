from pybpf import *


@xdp
def fw(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    if ntohl(ip.saddr) == ip4("10.0.0.256"):
        return XDP_DROP
    return XDP_PASS
