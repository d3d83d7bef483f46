#!/usr/bin/env python3
"""shim_packet.py — packet probes in CPython (python/pybpf/net.py, docs/packets.md).

  layouts     every header class and nested struct against the running
              kernel's BTF (`bpftool btf dump file /sys/kernel/btf/vmlinux`):
              the same members, byte offsets, sizes and bitfield bits
  packets     the frames of tests/packets.py: lengths and checksums
  fields      exact field values of each crafted frame, read by probes
  offsets     pkt.header(T, after=h) (ihl * 4, doff * 4, sizeof), IndexError
              when a frame ends inside a header, ValueError for ihl / doff < 5
  writes      assignments write the packet's bytes; cgroup_skb is read-only
  verdicts    an uncaught exception gives XDP_PASS / TC_ACT_UNSPEC / 1 and
              is counted; contexts' fields; LPMTrie[IPv4, V] matching
  sock_addr   @cgroup_sock_addr probes (run_sock_addr); maps' items=
  helpers     @socket_filter, pkt.offset, ctx.adjust_head/.., bpf.l3/l4_csum_replace
  pyref       tests/pyref.py runs packet probes (call_packet, call_sock_addr)

Prints "shim_packet: N passed, M failed"; exits 1 on failure.
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "python"))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import packets as P  # noqa: E402
import pybpf  # noqa: E402
from pybpf import net  # noqa: E402
from pybpf import *  # noqa: E402,F401,F403
from tally import Tally  # noqa: E402

TALLY = Tally()


def check(name, got, want):
    TALLY.report(name, got == want, f"  got:  {got!r}\n  want: {want!r}")


def raises(name, fn, exc, msg=None):
    try:
        fn()
    except exc as e:
        TALLY.report(name, msg is None or str(e) == msg, f"  message: {str(e)!r}\n  want:    {msg!r}")
        return
    except Exception as e:
        TALLY.report(name, False, f"  raised {type(e).__name__}: {e}, not {exc.__name__}")
        return
    TALLY.report(name, False, f"  raised nothing, not {exc.__name__}")


# ---- layouts against BTF -----------------------------------------------------------

def btf_types():
    """id -> (kind, name, attrs, members) from bpftool's raw dump."""
    out = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
                         capture_output=True, text=True, check=True).stdout
    types, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"\[(\d+)\] (\w+) '([^']*)'(.*)", line)
        if m:
            attrs = dict(re.findall(r"(\w+)=(\S+)", m.group(4)))
            cur = types[int(m.group(1))] = (m.group(2), m.group(3), attrs, [])
        elif line.startswith("\t'") and cur is not None:
            mm = re.match(r"\t'([^']*)'(.*)", line)
            cur[3].append((mm.group(1), dict(re.findall(r"(\w+)=(\S+)", mm.group(2)))))
    return types


def resolve(types, tid):
    while types[tid][0] in ("TYPEDEF", "CONST", "VOLATILE", "RESTRICT", "TYPE_TAG"):
        tid = int(types[tid][2]["type_id"])
    return tid


def check_layout(types, tid, cls, base, where, seen):
    kind, name, attrs, members = types[tid]
    for mname, ma in members:
        bit = base + int(ma["bits_offset"])
        mt = resolve(types, int(ma["type_id"]))
        mk, mn, mattrs, _ = types[mt]
        if mname == "(anon)":
            check_layout(types, mt, cls, bit, where, seen)
            continue
        f = cls.__dict__.get(mname)
        seen.add(mname)
        what = f"layout {where}.{mname}"
        if f is None:
            TALLY.report(what, False, "  the shim has no such field")
            continue
        if "bitfield_size" in ma:
            check(what, (type(f).__name__, f.off * 8 + f.bit, f.nbits), ("_Bits", bit, int(ma["bitfield_size"])))
        elif mk in ("INT", "ENUM"):
            check(what, (type(f).__name__, f.off * 8, f.size), ("_U", bit, int(mattrs["size"])))
        elif mk == "ARRAY":
            et = resolve(types, int(mattrs["type_id"]))
            esize, n = int(types[et][2]["size"]), int(mattrs["nr_elems"])
            if esize == 1:
                check(what, (type(f).__name__, f.off * 8, f.n), ("_Raw", bit, n))
            else:
                check(what, (type(f).__name__, f.off * 8, f.size, f.count), ("_Arr", bit, esize, n))
        elif mk == "STRUCT" and mn == "in6_addr":
            check(what, (type(f).__name__, f.off * 8, f.n), ("_Raw", bit, 16))
        elif mk in ("STRUCT", "UNION"):
            check(what, (type(f).__name__, f.off * 8, f.cls._size), ("_Sub", bit, int(mattrs["size"])))
            if isinstance(f, net._Sub):
                sub_seen = set()
                check_layout(types, mt, f.cls, 0, f"{where}.{mname}", sub_seen)
                check(f"layout {where}.{mname} has no other fields", sorted(set(f.cls._fields) - sub_seen), [])
        else:
            TALLY.report(what, False, f"  BTF kind {mk} not handled")


def test_layouts():
    types = btf_types()
    by_name = {}
    for tid, (kind, name, attrs, _) in types.items():
        if kind == "STRUCT":
            by_name.setdefault(name, tid)
    for cls in net.HEADERS:
        tid = by_name[cls.__name__]
        check(f"layout sizeof({cls.__name__})", cls._size, int(types[tid][2]["size"]))
        seen = set()
        check_layout(types, tid, cls, 0, cls.__name__, seen)
        check(f"layout {cls.__name__} has no other fields", sorted(set(cls._fields) - seen), [])
    for ctx in (net.xdp_md, net.__sk_buff, net.bpf_sock_addr):
        kind, name, attrs, members = types[by_name[ctx.__name__]]
        scalar = [m for m, a in members if m != "(anon)"]
        check(f"context {ctx.__name__} fields", list(ctx._FIELDS), scalar)


# ---- the crafted frames ----------------------------------------------------------------

def fold(data):
    """The ones'-complement sum of data's 16-bit words (0xffff when a checksum in it is right)."""
    data = data + b"\0" * (len(data) % 2)
    s = 0
    for i in range(0, len(data), 2):
        s += data[i] << 8 | data[i + 1]
        s = (s & 0xffff) + (s >> 16)
    return s


def test_frames():
    f = P.udp4()
    check("frame udp4 length", len(f), 14 + 20 + 8 + 5)
    check("frame udp4 ip checksum", fold(f[14:34]), 0xffff)
    pseudo = f[26:34] + b"\0\x11" + struct.pack("!H", 13)
    check("frame udp4 udp checksum", fold(pseudo + f[34:]), 0xffff)
    f = P.tcp4(b"data", flags="PA", tcp_options=b"\x02\x04\x05\xb4")
    check("frame tcp4 length", len(f), 14 + 20 + 24 + 4)
    check("frame tcp4 ip checksum", fold(f[14:34]), 0xffff)
    pseudo = f[26:34] + b"\0\x06" + struct.pack("!H", 28)
    check("frame tcp4 tcp checksum", fold(pseudo + f[34:]), 0xffff)
    f = P.icmp4_echo()
    check("frame icmp4 checksum", fold(f[34:]), 0xffff)
    f = P.ipv4_options()
    check("frame ipv4 options ihl", f[14], 0x47)
    check("frame ipv4 options ip checksum", fold(f[14:42]), 0xffff)
    pseudo = f[26:34] + b"\0\x11" + struct.pack("!H", 12)
    check("frame ipv4 options udp checksum", fold(pseudo + f[42:]), 0xffff)
    f = P.udp6()
    check("frame udp6 length", len(f), 14 + 40 + 8 + 6)
    pseudo = f[22:54] + struct.pack("!I", 14) + b"\0\0\0\x11"
    check("frame udp6 udp checksum", fold(pseudo + f[54:]), 0xffff)
    f = P.icmp6_echo()
    pseudo = f[22:54] + struct.pack("!I", len(f) - 54) + b"\0\0\0\x3a"
    check("frame icmp6 checksum", fold(pseudo + f[54:]), 0xffff)
    f = P.vlan(P.udp4(), vid=100, pcp=5)
    check("frame vlan tag", f[12:18].hex(), "8100a0640800")
    check("frame udp4 bytes", P.udp4().hex(),
          "020000000002020000000001080045000021123440004011" "1496" "0a0000010a000002"
          "30390035000d" + "%04x" % struct.unpack("!H", P.udp4()[40:42]) + b"hello".hex())
    for name, (frame, _) in P.TRUNCATIONS.items():
        check(f"frame truncated {name} length", len(frame),
              {"eth": 13, "ip": 33, "ip_options": 41, "udp": 41, "tcp": 53, "tcp_options": 57, "ipv6": 53,
               "vlan": 17}[name])


# ---- probes reading fields -------------------------------------------------------------

SEEN = {}


@xdp
def read_udp4(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    ip = pkt.header(iphdr, after=eth)
    udp = pkt.header(udphdr, after=ip)
    SEEN.update(len=len(pkt), h_dest=eth.h_dest, h_source=eth.h_source, h_proto=eth.h_proto,
                ihl=ip.ihl, version=ip.version, tos=ip.tos, tot_len=ntohs(ip.tot_len), id=ntohs(ip.id),
                frag_off=ntohs(ip.frag_off), ttl=ip.ttl, protocol=ip.protocol, check=ip.check,
                saddr=ntohl(ip.saddr), daddr=ntohl(ip.daddr), addrs=(ip.addrs.saddr, ip.addrs.daddr),
                raw_saddr=ip.saddr, udp_at=udp._off, sport=ntohs(udp.source), dport=ntohs(udp.dest),
                ulen=ntohs(udp.len), ucheck=udp.check, payload=pkt[42:47], head=pkt[0:6])
    return XDP_PASS


@xdp
def read_tcp4(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    tcp = pkt.header(tcphdr, after=ip)
    after = pkt.header(vlan_hdr, after=tcp)   # any 4 bytes: where the payload starts
    SEEN.update(sport=ntohs(tcp.source), dport=ntohs(tcp.dest), seq=ntohl(tcp.seq), ack_seq=ntohl(tcp.ack_seq),
                flags={f: getattr(tcp, f) for f in ("ae", "res1", "doff", "fin", "syn", "rst", "psh", "ack", "urg",
                                                    "ece", "cwr")},
                window=ntohs(tcp.window), after_at=after._off, after=after.h_vlan_TCI)
    return XDP_PASS


@tc("ingress")
def read_icmp4(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    icmp = pkt.header(icmphdr, after=ip)
    SEEN.update(type=icmp.type, code=icmp.code, checksum=icmp.checksum, id=ntohs(icmp.un.echo.id),
                seq=ntohs(icmp.un.echo.sequence), gateway=icmp.un.gateway, mtu=ntohs(icmp.un.frag.mtu),
                unused=ntohs(icmp.un.frag.__unused), reserved=icmp.un.reserved)
    return TC_ACT_OK


@tc("egress")
def read_udp6(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    h = pkt.header(ipv6hdr, after=eth)
    udp = pkt.header(udphdr, after=h)
    SEEN.update(priority=h.priority, version=h.version, flow_lbl=h.flow_lbl,
                payload_len=ntohs(h.payload_len), nexthdr=h.nexthdr, hop_limit=h.hop_limit,
                saddr=h.saddr, daddr=h.daddr, addrs=(h.addrs.saddr, h.addrs.daddr), udp_at=udp._off,
                sport=ntohs(udp.source), is_src=h.saddr == ip6("fe80::1"))
    return TC_ACT_OK


@xdp
def read_icmp6(ctx) -> int:
    pkt = ctx.packet()
    h = pkt.header(icmp6hdr, after=pkt.header(ipv6hdr, after=pkt.header(ethhdr)))
    d = h.icmp6_dataun
    SEEN.update(type=h.icmp6_type, code=h.icmp6_code, id=ntohs(d.u_echo.identifier), seq=ntohs(d.u_echo.sequence),
                data16=(d.un_data16[0], d.un_data16[1], len(d.un_data16)), data32=d.un_data32[0], data8=d.un_data8,
                nd=(d.u_nd_advt.reserved, d.u_nd_advt.override, d.u_nd_advt.solicited, d.u_nd_advt.router,
                    d.u_nd_advt.reserved2),
                ra=(d.u_nd_ra.hop_limit, d.u_nd_ra.reserved, d.u_nd_ra.router_pref, d.u_nd_ra.home_agent,
                    d.u_nd_ra.other, d.u_nd_ra.managed, d.u_nd_ra.rt_lifetime))
    return XDP_PASS


@cgroup_skb("ingress")
def read_vlan(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    v = pkt.header(vlan_hdr, after=eth)
    ip = pkt.header(iphdr, after=v)
    SEEN.update(h_proto=eth.h_proto, tci=ntohs(v.h_vlan_TCI), inner=ntohs(v.h_vlan_encapsulated_proto),
                ip_at=ip._off, ttl=ip.ttl)
    return 1


def run(probe, frame, **kw):
    SEEN.clear()
    got = pybpf.run_packet(probe, frame, **kw)
    return got, dict(SEEN)


def test_fields():
    f = P.udp4()
    (v, out), seen = run(read_udp4, f)
    check("fields udp4 verdict and bytes", (v, out), (XDP_PASS, f))
    check("fields udp4", seen, dict(
        len=47, h_dest=b"\x02\0\0\0\0\x02", h_source=b"\x02\0\0\0\0\x01", h_proto=0x0008, ihl=5, version=4, tos=0,
        tot_len=33, id=0x1234, frag_off=0x4000, ttl=64, protocol=17, check=int.from_bytes(f[24:26], "little"),
        saddr=0x0a000001, daddr=0x0a000002, addrs=(0x0100000a, 0x0200000a), raw_saddr=0x0100000a, udp_at=34,
        sport=12345, dport=53, ulen=13, ucheck=int.from_bytes(f[40:42], "little"), payload=b"hello",
        head=b"\x02\0\0\0\0\x02"))
    check("fields ntohs(h_proto)", ntohs(seen["h_proto"]), 0x0800)
    check("fields saddr is ip4", seen["saddr"], ip4("10.0.0.1"))
    check("fields h_dest is pybpf's bytes", isinstance(seen["h_dest"], pybpf.bytes), True)

    f = P.ipv4_options()
    (v, out), seen = run(read_udp4, f)
    check("fields ip options: ihl, udp after them", (seen["ihl"], seen["tot_len"], seen["udp_at"], seen["sport"],
                                                      seen["dport"]), (7, 28 + 8 + 4, 42, 5000, 6000))

    f = P.tcp4(b"WXYZ", flags="SAN", seq=0x01020304, ack=0x0a0b0c0d, tcp_options=b"\x02\x04\x05\xb4")
    (v, out), seen = run(read_tcp4, f)
    check("fields tcp", seen, dict(
        sport=40000, dport=80, seq=0x01020304, ack_seq=0x0a0b0c0d,
        flags=dict(ae=1, res1=0, doff=6, fin=0, syn=1, rst=0, psh=0, ack=1, urg=0, ece=0, cwr=0),
        window=65535, after_at=14 + 20 + 24, after=int.from_bytes(b"WX", "little")))
    for flags, want in (("F", "fin"), ("R", "rst"), ("P", "psh"), ("U", "urg"), ("E", "ece"), ("C", "cwr")):
        (v, out), seen = run(read_tcp4, P.tcp4(b"abcd", flags=flags))
        check(f"fields tcp flag {flags}", [k for k, x in seen["flags"].items() if x and k != "doff"], [want])

    f = P.icmp4_echo(ident=0x4242, seq=7)
    (v, out), seen = run(read_icmp4, f)
    check("fields icmp", (v, seen), (TC_ACT_OK, dict(
        type=8, code=0, checksum=int.from_bytes(f[36:38], "little"), id=0x4242, seq=7,
        gateway=int.from_bytes(b"\x42\x42\x00\x07", "little"), mtu=7, unused=0x4242, reserved=b"\x42\x42\x00\x07")))

    f = P.udp6(tclass=0xab, flow=0x12345)
    (v, out), seen = run(read_udp6, f)
    a, b = ip6("fe80::1"), ip6("fe80::2")
    check("fields ipv6", (v, seen), (TC_ACT_OK, dict(
        priority=0xa, version=6, flow_lbl=b"\xb1\x23\x45", payload_len=14, nexthdr=17, hop_limit=64,
        saddr=a, daddr=b, addrs=(a, b), udp_at=54, sport=1111, is_src=True)))

    f = P.icmp6_echo(ident=0x1111, seq=2)
    (v, out), seen = run(read_icmp6, f)
    check("fields icmp6", seen, dict(
        type=128, code=0, id=0x1111, seq=2, data16=(0x1111, 0x0200, 2), data32=0x02001111, data8=b"\x11\x11\0\x02",
        nd=(0x11, 0, 0, 0, 0x020011), ra=(0x11, 1, 2, 0, 0, 0, 0x0200)))

    f = P.vlan(P.udp4(), vid=100, pcp=5)
    (v, out), seen = run(read_vlan, f)
    check("fields vlan", (v, seen), (1, dict(h_proto=0x0081, tci=0xa064, inner=0x0800, ip_at=18, ttl=64)))


# ---- offsets and the errors of short packets ---------------------------------------------

@xdp
def deep(ctx) -> int:
    """every header of a UDP or TCP frame, down to its first 4 payload bytes"""
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) == 0x8100:
        eth = pkt.header(vlan_hdr, after=eth)
        if ntohs(eth.h_vlan_encapsulated_proto) == 0x86DD:
            ip = pkt.header(ipv6hdr, after=eth)
            proto = ip.nexthdr
        else:
            ip = pkt.header(iphdr, after=eth)
            proto = ip.protocol
    elif ntohs(eth.h_proto) == 0x86DD:
        ip = pkt.header(ipv6hdr, after=eth)
        proto = ip.nexthdr
    else:
        ip = pkt.header(iphdr, after=eth)
        proto = ip.protocol
    l4 = pkt.header(tcphdr if proto == 6 else udphdr, after=ip)
    pkt.header(vlan_hdr, after=l4)
    return XDP_DROP


@tc("ingress")
def deep_tc(ctx) -> int:
    return deep(ctx)


@cgroup_skb("egress")
def deep_cg(ctx) -> int:
    return deep(ctx)


def probe_line(fn, text):
    """The line number of `text` in this file's function fn"""
    import inspect
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, l in enumerate(lines) if text in l)


def test_offsets():
    frames = {"udp4": P.udp4(), "tcp4": P.tcp4(b"abcd"), "ipv4_options": P.ipv4_options(), "udp6": P.udp6(),
              "vlan": P.vlan(P.udp4())}
    for name, f in frames.items():
        check(f"offsets {name} whole frame", pybpf.run_packet(deep, f), (XDP_DROP, f))
    # the line each cut stops at
    where = {"eth": "pkt.header(ethhdr)", "ip": "ip = pkt.header(iphdr, after=eth)\n        proto",
             "ip_options": "l4 = ", "udp": "l4 = ", "tcp": "l4 = ", "tcp_options": "pkt.header(vlan_hdr, after=l4)",
             "ipv6": "ip = pkt.header(ipv6hdr, after=eth)\n        proto = ip.nexthdr\n    else",
             "vlan": "eth = pkt.header(vlan_hdr, after=eth)"}
    import inspect
    src, first = inspect.getsourcelines(deep)
    text = "".join(src)
    for name, (f, _) in P.TRUNCATIONS.items():
        line = first + text[:text.index(where[name])].count("\n")
        for probe, verdict in ((deep, XDP_PASS), (deep_tc, TC_ACT_UNSPEC), (deep_cg, 1)):
            net.uncaught.clear()
            check(f"offsets truncated {name} {probe.__name__}", pybpf.run_packet(probe, f), (verdict, f))
            check(f"offsets truncated {name} {probe.__name__} counted", dict(net.uncaught),
                  {(__file__, line, "IndexError", probe.__name__): 1})
    # a frame one byte short of each header's end, and exactly long enough
    f = P.udp4()
    for n, ok in ((13, False), (14, True)):
        pkt = net.Packet(bytearray(f[:n]))
        if ok:
            check(f"offsets ethhdr in {n} bytes", pkt.header(ethhdr)._off, 0)
        else:
            raises(f"offsets ethhdr in {n} bytes", lambda: pkt.header(ethhdr), IndexError,
                   "the packet's 13 bytes end before ethhdr's 14 bytes at 0 do")
    # ihl below 5: the header reads, what is after it is a ValueError
    for ihl in (0, 4):
        bad = bytearray(P.udp4())
        bad[14] = 0x40 | ihl
        pkt = net.Packet(bad)
        ip = pkt.header(iphdr, after=pkt.header(ethhdr))
        check(f"offsets ihl {ihl} reads", (ip.ihl, ip.version, ip.ttl), (ihl, 4, 64))
        raises(f"offsets ihl {ihl} ValueError", lambda: pkt.header(udphdr, after=ip), ValueError,
               f"the iphdr's ihl is {ihl}, below 5 (20 bytes)")
        net.uncaught.clear()
        check(f"offsets ihl {ihl} verdict", pybpf.run_packet(deep, bytes(bad)), (XDP_PASS, bytes(bad)))
        check(f"offsets ihl {ihl} counted", list(net.uncaught.values()), [1])
        check(f"offsets ihl {ihl} exception", [k[2] for k in net.uncaught], ["ValueError"])
    # ihl 15: 60 bytes of header, past a short frame's end
    big = bytearray(P.udp4())
    big[14] = 0x4f
    pkt = net.Packet(big)
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    raises("offsets ihl 15 past the end", lambda: pkt.header(udphdr, after=ip), IndexError,
           "the packet's 47 bytes end before udphdr's 8 bytes at 74 do")
    # doff: where the header after a tcphdr is
    for doff in (5, 6, 8):
        t = bytearray(P.tcp4(b"x" * 40))
        t[46] = doff << 4
        pkt = net.Packet(t)
        tcp = pkt.header(tcphdr, after=pkt.header(iphdr, after=pkt.header(ethhdr)))
        check(f"offsets doff {doff}", pkt.header(udphdr, after=tcp)._off, 34 + doff * 4)
    for doff in (0, 4):
        t = bytearray(P.tcp4(b"x" * 40))
        t[46] = doff << 4
        pkt = net.Packet(t)
        tcp = pkt.header(tcphdr, after=pkt.header(iphdr, after=pkt.header(ethhdr)))
        raises(f"offsets doff {doff} ValueError", lambda: pkt.header(udphdr, after=tcp), ValueError,
               f"the tcphdr's doff is {doff}, below 5 (20 bytes)")
    # pkt[a:b]
    pkt = net.Packet(bytearray(P.udp4()))
    check("slice pkt[0:6]", pkt[0:6], b"\x02\0\0\0\0\x02")
    check("slice pkt[:6]", pkt[:6], b"\x02\0\0\0\0\x02")
    check("slice pkt[46:47] (the last byte)", pkt[46:47], b"o")
    raises("slice pkt[40:48] past the end", lambda: pkt[40:48], IndexError,
           "pkt[40:48] reads past the packet's 47 bytes")
    raises("slice pkt[3:3]", lambda: pkt[3:3], ValueError,
           "pkt[a:b] takes 0 <= a < b, at most 256 bytes apart, not [3:3]")
    raises("slice pkt[-2:4]", lambda: pkt[-2:4], ValueError,
           "pkt[a:b] takes 0 <= a < b, at most 256 bytes apart, not [-2:4]")
    raises("slice pkt[0:257]", lambda: pkt[0:257], ValueError,
           "pkt[a:b] takes 0 <= a < b, at most 256 bytes apart, not [0:257]")
    long = net.Packet(bytearray(300))
    check("slice pkt[44:300] (256 bytes)", len(long[44:300]), 256)
    raises("slice pkt[0]", lambda: pkt[0], TypeError, "a packet is read by pkt[a:b] (or through its headers), not pkt[i]")
    raises("header of a non-header", lambda: pkt.header(int), TypeError,
           "pkt.header() takes a header struct (ethhdr, iphdr, ...), not <class 'int'>")
    other = net.Packet(bytearray(P.udp4()))
    raises("header after another packet's header", lambda: pkt.header(iphdr, after=other.header(ethhdr)), TypeError,
           "pkt.header(T, after=h) takes a header h of this packet")
    check("len of an empty packet", len(net.Packet(bytearray())), 0)


# ---- writes --------------------------------------------------------------------------------

@xdp
def bounce(ctx) -> int:
    """swap the MACs and the IP addresses, lower the TTL (fixing the checksum): XDP_TX"""
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    ip = pkt.header(iphdr, after=eth)
    eth.h_dest, eth.h_source = eth.h_source, eth.h_dest
    ip.saddr, ip.daddr = ip.daddr, ip.saddr
    ip.ttl = ip.ttl - 1
    s = ntohs(ip.check) + 0x0100   # RFC 1624: ttl's high byte down by one
    ip.check = htons((s & 0xffff) + (s >> 16))
    return XDP_TX


@tc("egress")
def retag(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    tcp = pkt.header(tcphdr, after=ip)
    ip.ihl = 5
    ip.tos = 0xb8
    tcp.syn = 0
    tcp.fin = 1
    tcp.cwr = 1
    tcp.ae = 1
    tcp.dest = htons(8080)
    ctx.mark = 0xbeef
    ctx.priority = 3
    ctx.tc_index = 5
    ctx.tc_classid = 0x10002
    ctx.queue_mapping = 1
    return TC_ACT_OK


@cgroup_skb("ingress")
def cg_write(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    ctx.mark = 7
    ip.ttl = 1
    return 1


@xdp
def half_write(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    eth.h_proto = htons(0x86DD)
    pkt.header(iphdr, after=eth).ttl = 256
    return XDP_DROP


def test_writes():
    f = P.udp4()
    v, out = pybpf.run_packet(bounce, f)
    want = P.udp4(src="10.0.0.2", dst="10.0.0.1")
    want = P.mac(P.MAC_SRC) + P.mac(P.MAC_DST) + want[12:22] + b"\x3f" + want[23:24]
    want += struct.pack("!H", P.checksum(want[14:24] + b"\0\0" + f[26:34][4:] + f[26:34][:4])) + f[30:34] + f[26:30]
    want += f[34:]
    check("writes bounce", (v, out.hex()), (XDP_TX, want.hex()))
    check("writes bounce ip checksum", fold(out[14:34]), 0xffff)

    f = P.tcp4(b"abcd", flags="SA")
    ctx = pybpf.packet_context(retag, f)
    v, out = pybpf.run_context(retag, ctx)
    want = bytearray(f)
    want[15] = 0xb8
    want[36:38] = struct.pack("!H", 8080)
    want[46] = 0x51
    want[47] = 0x91   # CWR ACK FIN
    check("writes retag", (v, out.hex()), (TC_ACT_OK, bytes(want).hex()))
    check("writes retag context", (ctx.mark, ctx.priority, ctx.tc_index, ctx.tc_classid, ctx.queue_mapping),
          (0xbeef, 3, 5, 0x10002, 1))

    f = P.udp4()[14:]
    net.uncaught.clear()
    ctx = pybpf.packet_context(cg_write, f)
    check("writes cgroup_skb read-only", pybpf.run_context(cg_write, ctx), (1, f))
    check("writes cgroup_skb mark", ctx.mark, 7)
    check("writes cgroup_skb counted", [(k[2], n) for k, n in net.uncaught.items()], [("PermissionError", 1)])
    raises("writes cgroup_skb message", lambda: ctx.packet().header(iphdr).__setattr__("ttl", 1), PermissionError,
           "a cgroup_skb probe's packet is read-only")

    f = P.udp4()
    net.uncaught.clear()
    v, out = pybpf.run_packet(half_write, f)
    check("writes before an exception stay", (v, out), (XDP_PASS, f[:12] + b"\x86\xdd" + f[14:]))
    check("writes overflow counted", [k[2] for k in net.uncaught], ["OverflowError"])

    pkt = net.Packet(bytearray(P.tcp4()))
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    tcp = pkt.header(tcphdr, after=ip)
    raises("writes ihl 16", lambda: setattr(ip, "ihl", 16), OverflowError, "16 does not fit in ihl (4 bits)")
    raises("writes ttl -1", lambda: setattr(ip, "ttl", -1), OverflowError, "-1 does not fit in ttl (8 bits)")
    raises("writes saddr 2**32", lambda: setattr(ip, "saddr", 2**32), OverflowError,
           "4294967296 does not fit in saddr (32 bits)")
    raises("writes h_dest 5 bytes", lambda: setattr(pkt.header(ethhdr), "h_dest", b"12345"), ValueError,
           "h_dest is bytes[6]: it takes 6 bytes, not b'12345'")
    raises("writes a nested struct", lambda: setattr(ip, "addrs", 0), AttributeError,
           "addrs cannot be assigned (assign its fields)")
    raises("writes a str", lambda: setattr(tcp, "window", "x"), TypeError, "window takes an int, not str")
    ip.version = 6
    check("writes version keeps ihl", (pkt._buf[14], ip.ihl, ip.version), (0x65, 5, 6))
    tcp.doff = 15
    tcp.res1 = 7
    check("writes doff, res1 keep the flags", (pkt._buf[46], pkt._buf[47], tcp.syn, tcp.ae), (0xfe, 0x02, 1, 0))
    ip.addrs.daddr = htonl(ip4("192.168.1.1"))
    check("writes addrs.daddr is daddr", (ip.daddr, pkt[30:34]), (0x0101a8c0, b"\xc0\xa8\x01\x01"))
    i6 = net.Packet(bytearray(P.icmp6_echo()))
    h = i6.header(icmp6hdr, after=i6.header(ipv6hdr, after=i6.header(ethhdr)))
    h.icmp6_dataun.un_data16[1] = htons(9)
    h.icmp6_dataun.u_nd_ra.managed = 1
    check("writes icmp6 union", (h.icmp6_dataun.u_echo.sequence, i6[58:62]), (htons(9), b"\x11\x91\x00\x09"))
    raises("writes un_data16[2]", lambda: h.icmp6_dataun.un_data16[2], IndexError,
           "index 2 is outside an array of 2")


# ---- verdicts, contexts, maps ------------------------------------------------------------

drops: Hash[IPv4, Count] = Hash(max_entries=1024)


@xdp
def firewall(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return XDP_PASS
    ip = pkt.header(iphdr, after=eth)
    if ntohl(ip.saddr) == ip4("10.0.0.2"):
        drops[ntohl(ip.saddr)].add()
        return XDP_DROP
    return XDP_PASS


blocked = LPMTrie[IPv4, u32](max_entries=16)
blocked[ip4("10.0.0.0"), 8] = 1
blocked[ip4("10.1.0.0"), 16] = 2
blocked[ip4("192.168.7.9"), 32] = 3


@tc("ingress")
def by_prefix(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    rule = blocked.get(ntohl(ip.saddr), 0)
    if rule == 2:
        return TC_ACT_OK
    if rule:
        return TC_ACT_SHOT
    return TC_ACT_UNSPEC


@xdp
def ctx_fields(ctx) -> int:
    SEEN.update({f: getattr(ctx, f) for f in net.xdp_md._FIELDS})
    return XDP_PASS


@tc("egress")
def skb_fields(ctx) -> int:
    SEEN.update({f: getattr(ctx, f) for f in net.__sk_buff._FIELDS})
    return TC_ACT_OK


@cgroup_skb("egress")
def cg_fields(ctx) -> int:
    SEEN.update(protocol=ctx.protocol, len=ctx.len, ingress_ifindex=ctx.ingress_ifindex, family=ctx.family,
                pkt_type=ctx.pkt_type)
    return True


@xdp
def returns_none(ctx) -> int:
    return None  # type: ignore


@xdp
def raises_msg(ctx) -> int:
    raise ValueError("bad packet")


def test_verdicts():
    drops.clear()
    for src, want in (("10.0.0.2", XDP_DROP), ("10.0.0.1", XDP_PASS), ("10.0.0.2", XDP_DROP)):
        f = P.udp4(src=src)
        check(f"firewall {src}", pybpf.run_packet(firewall, f), (want, f))
    check("firewall counted", {k: len(v.values) for k, v in drops.items()}, {0x0a000002: 2})
    check("firewall IPv6 passes", pybpf.run_packet(firewall, P.udp6())[0], XDP_PASS)
    check("firewall short frame passes", pybpf.run_packet(firewall, b"\0" * 10)[0], XDP_PASS)

    for src, want in (("10.2.3.4", TC_ACT_SHOT), ("10.1.200.1", TC_ACT_OK), ("11.0.0.1", TC_ACT_UNSPEC),
                      ("192.168.7.9", TC_ACT_SHOT), ("192.168.7.8", TC_ACT_UNSPEC), ("10.255.255.255", TC_ACT_SHOT)):
        check(f"lpm {src}", pybpf.run_packet(by_prefix, P.udp4(src=src))[0], want)
    check("lpm keys", sorted(dict.keys(blocked)), [(0x0a000000, 8), (0x0a010000, 16), (0xc0a80709, 32)])
    check("lpm IPv4 bits", (IPv4.bits, issubclass(IPv4, int), LPMTrie[IPv4, u32].bits), (32, True, 32))

    f = P.udp4()
    run(ctx_fields, f)
    check("xdp_md defaults", dict(SEEN), dict(data=0, data_end=47, data_meta=0, ingress_ifindex=1,
                                              rx_queue_index=0, egress_ifindex=0))
    run(ctx_fields, f, ingress_ifindex=7, rx_queue_index=3, data=100)
    check("xdp_md set", (SEEN["ingress_ifindex"], SEEN["rx_queue_index"], SEEN["data"], SEEN["data_end"]),
          (7, 3, 100, 147))
    run(skb_fields, f)
    want = dict.fromkeys(net.__sk_buff._FIELDS, 0)
    want.update(len=47, data_end=47, protocol=0x0008, pkt_type=3, ifindex=1, cb=[0] * 5,
                remote_ip6=[0] * 4, local_ip6=[0] * 4)
    check("__sk_buff tc egress defaults", dict(SEEN), want)
    for dst, pkt_type in (("00:00:00:00:00:00", 0), ("ff:ff:ff:ff:ff:ff", 2), ("01:00:5e:00:00:01", 2),
                          ("02:00:00:00:00:09", 3)):
        run(skb_fields, P.eth(P.ipv4(bytes(8), 17), dst=dst))
        check(f"__sk_buff tc pkt_type to {dst}", SEEN["pkt_type"], pkt_type)
    run(skb_fields, P.udp6(), mark=5, ifindex=9)
    check("__sk_buff set", (SEEN["protocol"], SEEN["mark"], SEEN["ifindex"], SEEN["len"]), (0xdd86, 5, 9, 68))
    (v, _), seen = run(cg_fields, f[14:])
    check("__sk_buff cgroup_skb IPv4", (v, seen), (1, dict(protocol=0x0008, len=33, ingress_ifindex=0, family=2,
                                                           pkt_type=3)))
    (v, _), seen = run(cg_fields, P.udp6()[14:])
    check("__sk_buff cgroup_skb IPv6", (seen["protocol"], seen["family"]), (0xdd86, 10))
    (v, _), seen = run(cg_fields, P.udp6()[14:], protocol=0x0081)
    check("__sk_buff cgroup_skb family by protocol", (seen["protocol"], seen["family"]), (0x0081, 0))
    check("eth_protocol", [net.eth_protocol(f) for f in (P.udp4(), P.udp6(), P.vlan(P.udp4()),
                                                         P.eth(b"\xff\xff" + bytes(40), 0x05dc),
                                                         P.eth(b"\xaa\xaa" + bytes(40), 0x0040))],
          [0x0008, 0xdd86, 0x0081, 0x0100, 0x0400])
    (v, _), seen = run(skb_fields, P.eth(bytes(46), 0x0200))
    check("__sk_buff tc protocol of an 802.2 frame", seen["protocol"], 0x0400)
    raises("context unknown field", lambda: pybpf.run_packet(ctx_fields, f, mark=1), TypeError,
           "xdp_md has no field 'mark' (it has data, data_end, data_meta, ingress_ifindex, rx_queue_index, "
           "egress_ifindex)")
    ctx = pybpf.packet_context(ctx_fields, f)
    raises("context xdp_md read-only", lambda: setattr(ctx, "ingress_ifindex", 2), AttributeError,
           "a @xdp program cannot change ctx.ingress_ifindex")
    ctx = pybpf.packet_context(skb_fields, f)
    raises("context __sk_buff len read-only", lambda: setattr(ctx, "len", 2), AttributeError,
           "a @tc program cannot change ctx.len; it may change mark, priority, tc_index, tc_classid, queue_mapping")
    cctx = pybpf.packet_context(cg_fields, f[14:])
    raises("context cgroup_skb tc_index read-only", lambda: setattr(cctx, "tc_index", 2), AttributeError,
           "a @cgroup_skb program cannot change ctx.tc_index; it may change mark, priority")
    raises("context mark overflow", lambda: setattr(ctx, "mark", 2**32), OverflowError,
           "4294967296 does not fit in ctx.mark (32 bits)")
    check("context packet is the same", ctx.packet() is ctx.packet(), True)

    raises("verdict None", lambda: pybpf.run_packet(returns_none, f), TypeError,
           "the packet probe returns_none returned None, not an int verdict")
    check("verdict True is 1", pybpf.run_packet(cg_fields, f[14:])[0], 1)
    net.uncaught.clear()
    pybpf.run_packet(raises_msg, f)
    pybpf.run_packet(raises_msg, f)
    pybpf.run_packet(deep, P.TRUNCATIONS["eth"][0])
    line = probe_line(raises_msg, "raise ValueError")
    dline = probe_line(deep, "eth = pkt.header(ethhdr)")
    check("uncaught report", pybpf.uncaught_report(),
          f"{__file__}:{dline}: IndexError in deep: 1 time\n"
          f"{__file__}:{line}: ValueError: bad packet in raises_msg: 2 times\n")
    check("decorators", (firewall.__pybpf_attach__, by_prefix.__pybpf_attach__, cg_fields.__pybpf_attach__),
          (("xdp", None, {}), ("tc", "ingress", {}), ("cgroup_skb", "egress", {})))
    raises("tc direction", lambda: tc("sideways"), ValueError, "@tc takes \"ingress\" or \"egress\", not 'sideways'")
    raises("cgroup_skb direction", lambda: cgroup_skb("in"), ValueError,
           "@cgroup_skb takes \"ingress\" or \"egress\", not 'in'")
    raises("run_packet of another probe", lambda: pybpf.run_packet(test_verdicts, f), TypeError,
           "'test_verdicts' is not a packet probe (@xdp, @tc, @cgroup_skb)")
    check("verdict constants", (XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT, TC_ACT_UNSPEC, TC_ACT_OK,
                                TC_ACT_SHOT, TC_ACT_REDIRECT), (0, 1, 2, 3, 4, -1, 0, 2, 7))
    check("ip4", (ip4("10.0.0.2"), ip4("255.255.255.255"), ip4("0.0.0.0")), (0x0a000002, 0xffffffff, 0))
    check("ip6", (ip6("fe80::1").hex(), len(ip6("::")), f"{ip6('fe80::1'):ip}"),
          ("fe800000000000000000000000000001", 16, "fe80::1"))
    raises("ip4 malformed", lambda: ip4("10.0.0.256"), ValueError)
    raises("ip6 malformed", lambda: ip6("fe80:::1"), ValueError)


# ---- @cgroup_sock_addr, items= ------------------------------------------------------------

@cgroup_sock_addr("connect4")
def redirect(ctx) -> int:
    if ntohl(ctx.user_ip4) == ip4("10.0.0.99"):
        return 0
    if ntohs(ctx.user_port) == 80:
        ctx.user_ip4 = htonl(ip4("127.0.0.1"))
        ctx.user_port = htons(8080)
    SEEN.update({f: getattr(ctx, f) for f in net.bpf_sock_addr._FIELDS})
    return 1


@cgroup_sock_addr("sendmsg6")
def sends(ctx) -> int:
    SEEN.update(family=ctx.family, type=ctx.type, protocol=ctx.protocol)
    ctx.packet()
    return 0


def test_sock_addr():
    SEEN.clear()
    v, ctx = pybpf.run_sock_addr(redirect, user_ip4=htonl(ip4("10.0.0.1")), user_port=htons(80))
    check("sock_addr rewritten", (v, ctx.user_ip4, ctx.user_port, SEEN["user_ip4"]),
          (1, htonl(ip4("127.0.0.1")), htons(8080), htonl(ip4("127.0.0.1"))))
    check("sock_addr defaults", {k: SEEN[k] for k in ("user_family", "family", "type", "protocol", "user_ip6")},
          dict(user_family=2, family=2, type=1, protocol=6, user_ip6=[0] * 4))
    v, ctx = pybpf.run_sock_addr(redirect, user_ip4=htonl(ip4("10.0.0.99")), user_port=htons(80))
    check("sock_addr refused", (v, ctx.user_ip4), (0, htonl(ip4("10.0.0.99"))))
    net.uncaught.clear()
    SEEN.clear()
    v, ctx = pybpf.run_sock_addr(sends)
    check("sock_addr exception: allowed", (v, dict(SEEN)), (1, dict(family=10, type=2, protocol=17)))
    check("sock_addr exception counted", [(k[1], k[2], n) for k, n in net.uncaught.items()],
          [(probe_line(sends, "ctx.packet()"), "TypeError", 1)])
    raises("sock_addr no packet", lambda: ctx.packet(), TypeError,
           "a @cgroup_sock_addr program sees the socket call's address (ctx.user_ip4, ctx.user_port), not a packet")
    raises("sock_addr family read-only", lambda: setattr(ctx, "family", 2), AttributeError,
           "a @cgroup_sock_addr program cannot change ctx.family; it may change user_ip4, user_port, msg_src_ip4")
    raises("sock_addr hook", lambda: cgroup_sock_addr("connect5"), ValueError,
           "@cgroup_sock_addr takes the socket call it runs in: connect4, connect6, bind4, bind6, sendmsg4, "
           "sendmsg6, recvmsg4, recvmsg6, getpeername4, getpeername6, getsockname4, getsockname6; not 'connect5'")
    raises("sock_addr run_packet", lambda: pybpf.run_packet(redirect, b""), TypeError,
           "'redirect' runs in a socket call, not on a packet: run_sock_addr(probe, ...)")
    raises("sock_addr of a packet probe", lambda: pybpf.run_sock_addr(firewall), TypeError,
           "'firewall' is not a @cgroup_sock_addr probe")
    check("sock_addr decorator", sends.__pybpf_attach__, ("cgroup_sock_addr", "sendmsg6", {}))

    t = LPMTrie[IPv4, u32](max_entries=4, items={(ip4("10.1.0.0"), 16): 1, (ip4("10.0.0.0"), 8): 2})
    check("items= LPMTrie", (t[ip4("10.1.2.3")], t[ip4("10.9.9.9")], len(t)), (1, 2, 2))
    check("items= Hash", dict(Hash(max_entries=4, items={1: 10, 2: 20})), {1: 10, 2: 20})
    check("items= Array", list(Array(4, items={0: 7, 3: 9})), [7, 0, 0, 9])
    raises("items= Array out of range", lambda: Array(2, items={2: 1}), IndexError)


# ---- @socket_filter, pkt.offset, the packet path's helpers ---------------------------------

@socket_filter
def keep_udp(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr)
    SEEN.update(offset=pkt.offset(pkt.header(udphdr, after=ip)), protocol=ctx.protocol, family=ctx.family)
    return len(pkt) if ip.protocol == 17 else 0


@xdp
def trim(ctx) -> int:
    ctx.adjust_head(14)
    ctx.adjust_tail(-4)
    SEEN.update(data=ctx.data, data_end=ctx.data_end)
    return ctx.redirect(3, 0)


@tc("ingress")
def fix(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    off = pkt.offset(ip)
    old = ip.ttl | ip.protocol << 8   # the 16-bit word of ttl and protocol, as read on x86
    ip.ttl = 1
    bpf.l3_csum_replace(ctx, off + 10, old, 1 | ip.protocol << 8, 2)
    ctx.change_tail(len(pkt) + 3, 0)
    return ctx.redirect(2, 1)


def test_helpers():
    f = P.udp4()
    (v, out), seen = run(keep_udp, f[14:])
    check("socket_filter keeps UDP", (v, out, seen), (33, f[14:], dict(offset=20, protocol=0x0008, family=2)))
    check("socket_filter drops TCP", pybpf.run_packet(keep_udp, P.tcp4()[14:])[0], 0)
    net.uncaught.clear()
    check("socket_filter raises: all of it", pybpf.run_packet(keep_udp, f[14:30])[0], -1)
    check("socket_filter decorator", keep_udp.__pybpf_attach__, ("socket_filter", None, {}))
    ctx = pybpf.packet_context(keep_udp, f[14:])
    raises("socket_filter read-only", lambda: setattr(ctx.packet().header(iphdr), "ttl", 1), PermissionError,
           "a socket_filter probe's packet is read-only")
    raises("socket_filter context read-only", lambda: setattr(ctx, "mark", 1), AttributeError,
           "a @socket_filter program cannot change ctx.mark")
    (v, out), seen = run(trim, f)
    check("xdp adjust_head, adjust_tail, redirect", (v, out, seen), (XDP_REDIRECT, f[14:-4], dict(data=14, data_end=43)))
    ctx = pybpf.packet_context(trim, f)
    raises("adjust_head past the frame's headroom", lambda: ctx.adjust_head(-217), OSError,
           "[Errno 22] bpf.xdp_adjust_head: the packet would start outside its frame")
    check("adjust_head to the headroom's end", (ctx.adjust_head(-216), len(ctx.packet()), ctx.packet()[0:4]),
          (0, 47 + 216, bytes(4)))
    raises("adjust_tail leaving less than an ethernet header", lambda: ctx.adjust_tail(-(47 + 216 - 13)), OSError,
           "[Errno 22] bpf.xdp_adjust_tail: the packet would end outside its frame")
    check("redirect's flags", (ctx.redirect(1, 1), pybpf.packet_context(fix, f).redirect(1, 2)),
          (XDP_ABORTED, TC_ACT_SHOT))
    v, out = pybpf.run_packet(fix, f)
    check("tc l3_csum_replace, change_tail", (v, len(out), fold(out[14:34]), out[22], out[-3:]),
          (TC_ACT_REDIRECT, 50, 0xffff, 1, bytes(3)))
    tctx = pybpf.packet_context(fix, f)
    raises("change_tail flags", lambda: tctx.change_tail(50, 1), OSError,
           "[Errno 22] bpf.skb_change_tail: flags, or a length outside the device's")
    raises("change_tail past SKB_MAX_ALLOC", lambda: tctx.change_tail(16065, 0), OSError)
    check("change_tail to SKB_MAX_ALLOC", (tctx.change_tail(16064, 0), tctx.len), (0, 16064))
    raises("pull_data past the packet", lambda: tctx.pull_data(16065), OSError,
           "[Errno 12] bpf.skb_pull_data: the packet is shorter")
    raises("adjust_room", lambda: tctx.adjust_room(4, 0, 0), NotImplementedError)
    raises("a helper of another kind", lambda: bpf.xdp_adjust_head(tctx, 1), TypeError,
           "bpf.xdp_adjust_head() takes the context of @xdp")
    raises("no such method", lambda: tctx.adjust_head, AttributeError,
           "the context of @tc (__sk_buff) has no field or method 'adjust_head'")
    raises("bpf.redirect outside a probe", lambda: bpf.redirect(1, 0), TypeError,
           "bpf.redirect() is called by an @xdp or @tc probe")
    pkt = net.Packet(bytearray(f))
    raises("offset of another packet's header", lambda: pkt.offset(net.Packet(bytearray(f)).header(ethhdr)),
           TypeError, "pkt.offset(h) takes a header of the packet: where it starts, in bytes")
    # l4_csum_replace with BPF_F_MARK_MANGLED_0: a UDP checksum of 0 (none) stays 0
    z = bytearray(f)
    z[40:42] = b"\0\0"
    zctx = pybpf.packet_context(fix, bytes(z))
    check("l4_csum_replace mangled 0", (bpf.l4_csum_replace(zctx, 40, 1, 2, 0x20 | 4), zctx.packet()[40:42]),
          (0, b"\0\0"))


# ---- tests/pyref.py ----------------------------------------------------------------------

PYREF_PROBE = '''from pybpf import *

seen: Hash[IPv4, u64] = Hash(max_entries=64)
nets: LPMTrie[IPv4, u32] = LPMTrie(max_entries=8, items={(ip4("10.0.0.0"), 8): 5})
drops: Hash[IPv4, Count] = Hash()
sizes: Hash[u32, Stats] = Hash()


@xdp
def fw(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    seen[ntohl(ip.saddr)] += ip.ihl * 4
    sizes[ip.protocol].add(-len(pkt))
    if ip.ttl < 2:
        raise ValueError("ttl")
    drops[ntohl(ip.saddr)].add()
    return XDP_DROP


@begin
def start() -> None:
    print("begin")


@cgroup_sock_addr("bind4")
def binds(ctx) -> int:
    return ctx.user_port != htons(22)
'''


def test_pyref():
    import pyref
    d = tempfile.mkdtemp(prefix="pybpf-shim-packet-")
    path = os.path.join(d, "fw.py")
    try:
        with open(path, "w") as f:
            f.write(PYREF_PROBE)
        p = pyref.Probe(path)
        check("pyref probes", (p.probes(), p.packet_probes()), (["start"], ["fw"]))
        for name in p.probes():
            p.call(name)
        check("pyref sock_addr", (p.call_sock_addr("binds", user_port=htons(22))[0],
                                  p.call_sock_addr("binds", user_port=htons(23))[0]), (0, 1))
        raises("pyref items= checks the types", lambda: p.ns["seen"].__class__(items={-1: 1}), OverflowError)
        got = [p.call_packet("fw", P.udp4(src="10.0.0.9"))[0], p.call_packet("fw", P.ipv4_options(), )[0],
               p.call_packet("fw", P.udp4()[:20])[0]]
        low = bytearray(P.udp4())
        low[22] = 1
        got.append(p.call_packet("fw", bytes(low))[0])
        check("pyref verdicts", got, [XDP_DROP, XDP_DROP, XDP_PASS, XDP_PASS])
        check("pyref output", p.out.getvalue() + p.maps_text(), "begin\nseen[10.0.0.9]: 20\nseen[10.0.0.1]: 48\n\n"
                                                      "nets[10.0.0.0/8]: 5\n\n"
                                                      "drops[10.0.0.1]: 1\ndrops[10.0.0.9]: 1\n\n"
                                                      # -(47 + 54 + 47) / 3 truncated toward zero, as C's /
                                                      "sizes[17]: count 3, average -49, total -148\n")
        check("pyref report", p.report(), f"{path}:12: IndexError in fw: 1 time\n"
                                          f"{path}:16: ValueError: ttl in fw: 1 time\n")
        raises("pyref store checks IPv4 keys", lambda: p.ns["seen"].__setitem__(2**32, 1), OverflowError)
    finally:
        os.unlink(path)
        os.rmdir(d)


def main():
    for t in (test_layouts, test_frames, test_fields, test_offsets, test_writes, test_verdicts, test_sock_addr,
              test_helpers, test_pyref):
        try:
            t()
        except Exception:
            import traceback
            TALLY.report(t.__name__, False, traceback.format_exc())
    return TALLY.summary("shim_packet")


if __name__ == "__main__":
    sys.exit(main())
