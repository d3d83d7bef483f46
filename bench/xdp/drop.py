# XDP drop benchmark (bench/xdp.py): drop UDP packets to port 9999, pass the
# rest. bench/xdp/drop.c is the same program hand-written in C.
from pybpf import *

PORT: Final = 9999


@xdp
def xdp_drop(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return XDP_PASS
    ip = pkt.header(iphdr, after=eth)
    if ip.protocol != 17:
        return XDP_PASS
    udp = pkt.header(udphdr, after=ip)
    if ntohs(udp.dest) == PORT:
        return XDP_DROP
    return XDP_PASS
