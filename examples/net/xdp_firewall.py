"""xdp_firewall.py: drop IPv4 packets from blocked prefixes, counted per prefix.

The blocked prefixes are an LPMTrie whose value is the prefix length; a
packet whose source falls in one is dropped and counted under that prefix.
Run it on an interface (inside a network namespace while you try it):
    pybpf load examples/net/xdp_firewall.py --iface veth0
"""
from pybpf import *

blocked: LPMTrie[IPv4, u32] = LPMTrie(max_entries=1024, items={
    (ip4("10.0.0.0"), 8): 8,
    (ip4("192.168.7.0"), 24): 24,
    (ip4("172.16.9.9"), 32): 32,
})
drops: Hash[tuple[IPv4, u8], Count] = Hash(max_entries=1024)


@xdp
def firewall(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:   # ETH_P_IP
        return XDP_PASS
    ip = pkt.header(iphdr, after=eth)
    src = ntohl(ip.saddr)
    length = blocked.get(src, -1)
    if length < 0:
        return XDP_PASS
    net = src & ~((1 << (32 - length)) - 1) & 0xFFFFFFFF
    drops[net, length].add()
    return XDP_DROP
