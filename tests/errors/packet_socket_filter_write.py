from pybpf import *


@socket_filter
def f(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    ip.ttl = 1
    return len(ctx.packet())
