"""tc_port_counter.py: bytes and packets sent, per UDP/TCP destination port.

A tc egress program (a tcx link) counts every IPv4 UDP or TCP packet an
interface sends, by destination port:
    pybpf load examples/net/tc_port_counter.py --iface veth0
"""
from pybpf import *

sent_bytes: Hash[u16, Sum] = Hash(max_entries=4096)
sent_packets: Hash[u16, Count] = Hash(max_entries=4096)


@tc("egress")
def count(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return TC_ACT_OK
    ip = pkt.header(iphdr, after=eth)
    if ip.protocol == 17:   # IPPROTO_UDP
        port = ntohs(pkt.header(udphdr, after=ip).dest)
    elif ip.protocol == 6:   # IPPROTO_TCP
        port = ntohs(pkt.header(tcphdr, after=ip).dest)
    else:
        return TC_ACT_OK
    sent_bytes[port].add(ctx.len)
    sent_packets[port].add()
    return TC_ACT_OK
