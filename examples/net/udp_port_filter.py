"""udp_port_filter.py: a socket filter that lets through only UDP to one port.

pybpf opens a packet socket on the interface and attaches the filter; at
exit it says how many packets (and bytes) the filter let through, and the
map counts them by source address:
    pybpf load examples/net/udp_port_filter.py --iface veth0 -D PORT=53
"""
from pybpf import *

PORT: Final = 53
passed: Hash[IPv4, Count] = Hash(max_entries=1024)


@socket_filter
def only_udp_port(ctx) -> int:
    pkt = ctx.packet()         # from the IP header: the link layer is off
    ip = pkt.header(iphdr)
    if ip.version != 4 or ip.protocol != 17:
        return 0               # drop
    udp = pkt.header(udphdr, after=ip)
    if ntohs(udp.dest) != PORT:
        return 0
    passed[ntohl(ip.saddr)].add()
    return len(pkt)            # keep all of it
