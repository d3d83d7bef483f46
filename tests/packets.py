"""Crafted packets for the packet-probe tests (plain struct, no scapy).

Every function gives the exact bytes of one frame; checksums are the real
ones (RFC 1071, the TCP/UDP/ICMPv6 ones over their pseudo-headers), so a
packet can also be sent through a veth pair. Addresses are text
("10.0.0.1", "fe80::1"), MACs "02:00:00:00:00:01".

    eth(payload, proto)                 ethernet header + payload
    ipv4(payload, proto, src, dst, options=b"")   IPv4 header (+ options)
    udp4 / tcp4 / icmp4_echo(...)       eth + IPv4 + the L4 header + payload
    ipv4_options(...)                   eth + IPv4 with ihl > 5 + UDP
    udp6(...)                           eth + IPv6 + UDP
    vlan(inner_frame, vid)              an 802.1Q tag into an ethernet frame
    truncated(frame, n)                 the first n bytes of a frame
    TRUNCATIONS                         frames cut inside each header
"""
import ipaddress
import socket
import struct

ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
IPPROTO_ICMP = 1
IPPROTO_TCP = 6
IPPROTO_UDP = 17
IPPROTO_ICMPV6 = 58

MAC_DST = "02:00:00:00:00:02"
MAC_SRC = "02:00:00:00:00:01"


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def checksum(data):
    """The Internet checksum (RFC 1071) of data, as a host int to pack with '!H'."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, proto=ETH_P_IP, dst=MAC_DST, src=MAC_SRC):
    return mac(dst) + mac(src) + struct.pack("!H", proto) + payload


def vlan(frame, vid=100, pcp=0):
    """frame with an 802.1Q tag after its MAC addresses (TCI: pcp << 13 | vid)."""
    return frame[:12] + struct.pack("!HH", ETH_P_8021Q, pcp << 13 | vid) + frame[12:]


def ipv4(payload, proto, src="10.0.0.1", dst="10.0.0.2", options=b"", ttl=64, ident=0x1234, tos=0, df=True):
    """An IPv4 header (its checksum computed) and payload; options padded to 4 bytes."""
    options += b"\0" * (-len(options) % 4)
    ihl = 5 + len(options) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 4 << 4 | ihl, tos, ihl * 4 + len(payload), ident, 0x4000 if df else 0,
                      ttl, proto, 0, socket.inet_aton(src), socket.inet_aton(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def _pseudo4(src, dst, proto, length):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def _pseudo6(src, dst, proto, length):
    return (ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed
            + struct.pack("!IxxxB", length, proto))


def udp_hdr(sport, dport, payload, pseudo):
    n = 8 + len(payload)
    h = struct.pack("!HHHH", sport, dport, n, 0)
    c = checksum(pseudo(n) + h + payload) or 0xffff   # 0 means "no checksum" in UDP
    return h[:6] + struct.pack("!H", c) + payload


def tcp_hdr(sport, dport, payload, pseudo, seq=1000, ack=0, flags="S", window=65535, options=b""):
    """A TCP header; flags a string of F S R P A U E C (AE: N), options padded to 4 bytes."""
    options += b"\0" * (-len(options) % 4)
    doff = 5 + len(options) // 4
    bits = sum(1 << i for i, f in enumerate("FSRPAUEC") if f in flags)
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4 | ("N" in flags), bits, window, 0, 0) + options
    c = checksum(pseudo(len(h) + len(payload)) + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload


def udp4(payload=b"hello", sport=12345, dport=53, src="10.0.0.1", dst="10.0.0.2", options=b""):
    seg = udp_hdr(sport, dport, payload, lambda n: _pseudo4(src, dst, IPPROTO_UDP, n))
    return eth(ipv4(seg, IPPROTO_UDP, src, dst, options))


def tcp4(payload=b"", sport=40000, dport=80, src="10.0.0.1", dst="10.0.0.2", flags="S", seq=1000, ack=0,
         tcp_options=b""):
    seg = tcp_hdr(sport, dport, payload, lambda n: _pseudo4(src, dst, IPPROTO_TCP, n), seq, ack, flags,
                  options=tcp_options)
    return eth(ipv4(seg, IPPROTO_TCP, src, dst))


def icmp4_echo(ident=0x4242, seq=7, payload=b"ping", src="10.0.0.1", dst="10.0.0.2", reply=False):
    h = struct.pack("!BBHHH", 0 if reply else 8, 0, 0, ident, seq) + payload
    h = h[:2] + struct.pack("!H", checksum(h)) + h[4:]
    return eth(ipv4(h, IPPROTO_ICMP, src, dst))


# a Router Alert option (RFC 2113) and a NOP: ihl 6
ROUTER_ALERT = b"\x94\x04\x00\x00"


def ipv4_options(payload=b"opts", options=ROUTER_ALERT + b"\x01\x01\x01\x00", sport=5000, dport=6000):
    """eth + IPv4 with options (default 8 bytes: ihl 7) + UDP."""
    return udp4(payload, sport, dport, options=options)


def ipv6(payload, nexthdr, src="fe80::1", dst="fe80::2", hop_limit=64, tclass=0, flow=0):
    first = 6 << 28 | tclass << 20 | flow
    return (struct.pack("!IHBB", first, len(payload), nexthdr, hop_limit) + ipaddress.IPv6Address(src).packed
            + ipaddress.IPv6Address(dst).packed + payload)


def udp6(payload=b"hello6", sport=1111, dport=2222, src="fe80::1", dst="fe80::2", tclass=0, flow=0):
    seg = udp_hdr(sport, dport, payload, lambda n: _pseudo6(src, dst, IPPROTO_UDP, n))
    return eth(ipv6(seg, IPPROTO_UDP, src, dst, tclass=tclass, flow=flow), ETH_P_IPV6)


def icmp6_echo(ident=0x1111, seq=2, payload=b"ping6", src="fe80::1", dst="fe80::2"):
    h = struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
    c = checksum(_pseudo6(src, dst, IPPROTO_ICMPV6, len(h)) + h)
    h = h[:2] + struct.pack("!H", c) + h[4:]
    return eth(ipv6(h, IPPROTO_ICMPV6, src, dst), ETH_P_IPV6)


def truncated(frame, n):
    return frame[:n]


# frames cut inside each header: name -> (frame, the header the cut is in)
TRUNCATIONS = {
    "eth": (truncated(udp4(), 13), "ethhdr"),
    "ip": (truncated(udp4(), 14 + 19), "iphdr"),
    "ip_options": (truncated(ipv4_options(), 14 + 27), "the IP options"),
    "udp": (truncated(udp4(), 14 + 20 + 7), "udphdr"),
    "tcp": (truncated(tcp4(), 14 + 20 + 19), "tcphdr"),
    "tcp_options": (truncated(tcp4(tcp_options=b"\x02\x04\x05\xb4"), 14 + 20 + 23), "the TCP options"),
    "ipv6": (truncated(udp6(), 14 + 39), "ipv6hdr"),
    "vlan": (truncated(vlan(udp4()), 14 + 3), "vlan_hdr"),
}
