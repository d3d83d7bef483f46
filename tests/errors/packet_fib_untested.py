from pybpf import *


@xdp
def fwd(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    ip = pkt.header(iphdr, after=eth)
    fib = ctx.fib_lookup(ip)
    return ctx.redirect(fib.ifindex, 0)
