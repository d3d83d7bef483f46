from pybpf import *


@cgroup_skb("egress")
def ttl(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    ip.ttl = 1
    return 1
