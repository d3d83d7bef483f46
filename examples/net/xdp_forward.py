"""xdp_forward.py: forward IPv4 packets in XDP, as the kernel's routes say.

ctx.fib_lookup(ip) asks the kernel's routing and neighbour tables where a
packet would go (bpf_fib_lookup); a packet with a route and a known next
hop gets its TTL decreased (the header checksum updated as RFC 1624 says),
the next hop's Ethernet addresses, and is sent out of that interface
without going through the IP stack; the rest goes on as usual. The
interface needs net.ipv4.conf.IFACE.forwarding=1:
    pybpf load examples/net/xdp_forward.py --iface veth0
"""
from pybpf import *

forwarded: Hash[u32, Count] = Hash(max_entries=256)   # by the interface sent on


@xdp
def forward(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return XDP_PASS
    ip = pkt.header(iphdr, after=eth)
    if ip.ttl <= 1:
        return XDP_PASS          # the stack sends the ICMP time-exceeded
    fib = ctx.fib_lookup(ip)
    if fib is None:
        return XDP_PASS          # no route, or no neighbour yet: the stack resolves it
    check = ip.check + htons(0x0100)
    ip.check = (check + (1 if check >= 0xFFFF else 0)) & 0xFFFF
    ip.ttl = ip.ttl - 1
    eth.h_dest = fib.dmac
    eth.h_source = fib.smac
    forwarded[fib.ifindex].add()
    return ctx.redirect(fib.ifindex, 0)
