"""pybpf.net: packet probes in CPython (docs/packets.md).

@xdp, @tc("ingress"|"egress") and @cgroup_skb("ingress"|"egress") mark a
packet probe; run_packet(probe, data, **ctx_fields) calls it with a context
over a copy of data and gives (verdict, the packet's bytes afterwards), as
the kernel's BPF_PROG_TEST_RUN does.

A header (pkt.header(iphdr)) is a view of the packet's bytes laid out as
the kernel's struct (x86-64, little-endian; tests/unit/shim_packet.py
checks every layout against the running kernel's BTF): a multi-byte field
reads the bytes in the packet as a little-endian int, as C reads __be16 on
x86 (so ntohs(eth.h_proto) == 0x0800); a bitfield is its bits of the
little-endian storage unit; an array of bytes, and an in6_addr, is bytes.
Assigning a field writes the packet's bytes in the same encoding
(OverflowError when the value does not fit the field, as a typed store).
"""
import builtins
import collections
import errno
import ipaddress
import traceback

from . import _Int, bytes as _Bytes

# ---- verdicts (the kernel's UAPI numbers) ------------------------------------

XDP_ABORTED = 0
XDP_DROP = 1
XDP_PASS = 2
XDP_TX = 3
XDP_REDIRECT = 4
TC_ACT_UNSPEC = -1
TC_ACT_OK = 0
TC_ACT_SHOT = 2
TC_ACT_REDIRECT = 7

# the verdict when the probe raises: the packet goes on as if no program were attached
_NO_PROGRAM = {"xdp": XDP_PASS, "tc": TC_ACT_UNSPEC, "cgroup_skb": 1, "socket_filter": -1}   # -1: keep it all
_NO_PROGRAM_ALL = dict(_NO_PROGRAM, cgroup_sock_addr=1)


# ---- addresses -----------------------------------------------------------------

class IPv4(_Int):
    """A u32 holding an IPv4 address in host order (ip4("10.0.0.2") == 0x0a000002)."""
    bits = 32
    signed = False


class IPv6(_Bytes):
    """bytes[16]: an IPv6 address as it is in the packet (ip6("fe80::1"))."""
    n = 16
    bits = 128


def ip4(text):
    """The IPv4 address text as a host-order int (ValueError when malformed)."""
    return int(ipaddress.IPv4Address(text))


def ip6(text):
    """The IPv6 address text as its 16 bytes (ValueError when malformed)."""
    return _Bytes(ipaddress.IPv6Address(text).packed)


# ---- probe decorators ------------------------------------------------------------

def xdp(fn):
    """@xdp: an XDP probe (section xdp, context xdp_md)."""
    fn.__pybpf_attach__ = ("xdp", None, {})
    return fn


def socket_filter(fn):
    """@socket_filter: a socket filter (section socket, context __sk_buff): its packet starts at
    the network header, its headers are read-only copies, its verdict the bytes to keep."""
    fn.__pybpf_attach__ = ("socket_filter", None, {})
    return fn


def _directed(kind):
    def deco(direction):
        if direction not in ("ingress", "egress"):
            raise ValueError(f'@{kind} takes "ingress" or "egress", not {direction!r}')

        def wrap(fn):
            fn.__pybpf_attach__ = (kind, direction, {})
            return fn
        return wrap
    deco.__name__ = kind
    deco.__doc__ = f'@{kind}("ingress") / @{kind}("egress"): a {kind} probe (context __sk_buff).'
    return deco


tc = _directed("tc")
cgroup_skb = _directed("cgroup_skb")
PACKET_KINDS = tuple(_NO_PROGRAM)
NET_KINDS = PACKET_KINDS + ("cgroup_sock_addr",)   # the kinds a network event runs, not a getppid() call

# @cgroup_sock_addr's hooks: the socket calls a program runs in (pyc/check_packet.c)
SOCK_ADDR_HOOKS = ("connect4", "connect6", "bind4", "bind6", "sendmsg4", "sendmsg6", "recvmsg4", "recvmsg6",
                   "getpeername4", "getpeername6", "getsockname4", "getsockname6")


def cgroup_sock_addr(hook):
    """@cgroup_sock_addr("connect4"): a probe run in a socket call (context bpf_sock_addr);
    it returns 1 to let the call go on, 0 to refuse it (EPERM)."""
    if hook not in SOCK_ADDR_HOOKS:
        raise ValueError(f"@cgroup_sock_addr takes the socket call it runs in: {', '.join(SOCK_ADDR_HOOKS)}; "
                         f"not {hook!r}")

    def wrap(fn):
        fn.__pybpf_attach__ = ("cgroup_sock_addr", hook, {})
        return fn
    return wrap


# ---- header layouts ----------------------------------------------------------------

class _Field:
    """A field of a header: a descriptor reading and writing the packet's bytes."""

    def __init__(self, off):
        self.off = off

    def __set_name__(self, owner, name):
        self.name = name

    def _at(self, h):
        return h._off + self.off

    def __set__(self, h, v):
        h._pkt._check_writable()
        self.write(h._pkt._buf, self._at(h), v)

    def write(self, buf, at, v):
        raise AttributeError(f"{self.name} cannot be assigned (assign its fields)")


class _U(_Field):
    """An unsigned int of size bytes (__u8, __be16, __sum16, __be32, ...)."""

    def __init__(self, off, size):
        super().__init__(off)
        self.size = size

    def __get__(self, h, owner=None):
        if h is None:
            return self
        at = self._at(h)
        return int.from_bytes(h._pkt._buf[at:at + self.size], "little")

    def write(self, buf, at, v):
        buf[at:at + self.size] = _fits(v, self.size * 8, self.name).to_bytes(self.size, "little")


class _Bits(_Field):
    """A bitfield: nbits bits from bit `bit` of the little-endian unit of size bytes at off."""

    def __init__(self, off, size, bit, nbits):
        super().__init__(off)
        self.size, self.bit, self.nbits = size, bit, nbits

    def __get__(self, h, owner=None):
        if h is None:
            return self
        at = self._at(h)
        unit = int.from_bytes(h._pkt._buf[at:at + self.size], "little")
        return unit >> self.bit & ((1 << self.nbits) - 1)

    def write(self, buf, at, v):
        v = _fits(v, self.nbits, self.name)
        mask = ((1 << self.nbits) - 1) << self.bit
        unit = int.from_bytes(buf[at:at + self.size], "little")
        buf[at:at + self.size] = (unit & ~mask | v << self.bit).to_bytes(self.size, "little")


class _Raw(_Field):
    """An array of bytes (unsigned char h_dest[6]), or an in6_addr: bytes[n]."""

    def __init__(self, off, n):
        super().__init__(off)
        self.n = n

    def __get__(self, h, owner=None):
        if h is None:
            return self
        at = self._at(h)
        return _Bytes(h._pkt._buf[at:at + self.n])

    def write(self, buf, at, v):
        if not isinstance(v, (builtins.bytes, bytearray)) or len(v) != self.n:
            raise ValueError(f"{self.name} is bytes[{self.n}]: it takes {self.n} bytes, not {v!r}")
        buf[at:at + self.n] = v


class _Sub(_Field):
    """A nested struct or union (iphdr.addrs, icmphdr.un.echo): a view at its offset."""

    def __init__(self, off, cls):
        super().__init__(off)
        self.cls = cls

    def __get__(self, h, owner=None):
        if h is None:
            return self
        return self.cls(h._pkt, self._at(h))


class _IntArray:
    """An array of ints (icmp6hdr.icmp6_dataun.un_data16): a[i], a[i] = v, len(a)."""

    def __init__(self, pkt, at, size, count):
        self._pkt, self._at, self._size, self._count = pkt, at, size, count

    def _pos(self, i):
        if not -self._count <= i < self._count:
            raise IndexError(f"index {i} is outside an array of {self._count}")
        return self._at + (i % self._count) * self._size

    def __len__(self):
        return self._count

    def __getitem__(self, i):
        at = self._pos(i)
        return int.from_bytes(self._pkt._buf[at:at + self._size], "little")

    def __setitem__(self, i, v):
        self._pkt._check_writable()
        at = self._pos(i)
        self._pkt._buf[at:at + self._size] = _fits(v, self._size * 8, "an array item").to_bytes(self._size, "little")


class _Arr(_Field):
    def __init__(self, off, size, count):
        super().__init__(off)
        self.size, self.count = size, count

    def __get__(self, h, owner=None):
        if h is None:
            return self
        return _IntArray(h._pkt, self._at(h), self.size, self.count)


def _fits(v, bits, name):
    if isinstance(v, bool):
        v = int(v)
    if not isinstance(v, int):
        raise TypeError(f"{name} takes an int, not {type(v).__name__}")
    if not 0 <= v < 1 << bits:
        raise OverflowError(f"{v} does not fit in {name} ({bits} bits)")
    return v


class _Header:
    """A view of a kernel struct in the packet, at byte _off."""
    __slots__ = ("_pkt", "_off")
    _size = 0
    _top = False   # a header pkt.header() takes (not a nested part of one)

    def __init__(self, pkt, off):
        self._pkt, self._off = pkt, off

    def __repr__(self):
        return f"<{type(self).__name__} at {self._off}>"


def _struct(name, size, fields, top=True):
    """A header class: fields is [(field name, _Field)], as the kernel's BTF has them."""
    ns = {"__slots__": (), "_size": size, "_top": top, "__qualname__": name}
    for fname, f in fields:
        ns[fname] = f
    ns["_fields"] = tuple(fname for fname, _ in fields)
    return type(name, (_Header,), ns)


ethhdr = _struct("ethhdr", 14, [
    ("h_dest", _Raw(0, 6)), ("h_source", _Raw(6, 6)), ("h_proto", _U(12, 2))])

vlan_hdr = _struct("vlan_hdr", 4, [
    ("h_vlan_TCI", _U(0, 2)), ("h_vlan_encapsulated_proto", _U(2, 2))])

_ip_addrs = _struct("iphdr.addrs", 8, [("saddr", _U(0, 4)), ("daddr", _U(4, 4))], top=False)
iphdr = _struct("iphdr", 20, [
    ("ihl", _Bits(0, 1, 0, 4)), ("version", _Bits(0, 1, 4, 4)), ("tos", _U(1, 1)), ("tot_len", _U(2, 2)),
    ("id", _U(4, 2)), ("frag_off", _U(6, 2)), ("ttl", _U(8, 1)), ("protocol", _U(9, 1)), ("check", _U(10, 2)),
    ("saddr", _U(12, 4)), ("daddr", _U(16, 4)), ("addrs", _Sub(12, _ip_addrs))])

_ip6_addrs = _struct("ipv6hdr.addrs", 32, [("saddr", _Raw(0, 16)), ("daddr", _Raw(16, 16))], top=False)
ipv6hdr = _struct("ipv6hdr", 40, [
    ("priority", _Bits(0, 1, 0, 4)), ("version", _Bits(0, 1, 4, 4)), ("flow_lbl", _Raw(1, 3)),
    ("payload_len", _U(4, 2)), ("nexthdr", _U(6, 1)), ("hop_limit", _U(7, 1)),
    ("saddr", _Raw(8, 16)), ("daddr", _Raw(24, 16)), ("addrs", _Sub(8, _ip6_addrs))])

tcphdr = _struct("tcphdr", 20, [
    ("source", _U(0, 2)), ("dest", _U(2, 2)), ("seq", _U(4, 4)), ("ack_seq", _U(8, 4)),
    ("ae", _Bits(12, 2, 0, 1)), ("res1", _Bits(12, 2, 1, 3)), ("doff", _Bits(12, 2, 4, 4)),
    ("fin", _Bits(12, 2, 8, 1)), ("syn", _Bits(12, 2, 9, 1)), ("rst", _Bits(12, 2, 10, 1)),
    ("psh", _Bits(12, 2, 11, 1)), ("ack", _Bits(12, 2, 12, 1)), ("urg", _Bits(12, 2, 13, 1)),
    ("ece", _Bits(12, 2, 14, 1)), ("cwr", _Bits(12, 2, 15, 1)),
    ("window", _U(14, 2)), ("check", _U(16, 2)), ("urg_ptr", _U(18, 2))])

udphdr = _struct("udphdr", 8, [
    ("source", _U(0, 2)), ("dest", _U(2, 2)), ("len", _U(4, 2)), ("check", _U(6, 2))])

_icmp_echo = _struct("icmphdr.un.echo", 4, [("id", _U(0, 2)), ("sequence", _U(2, 2))], top=False)
_icmp_frag = _struct("icmphdr.un.frag", 4, [("__unused", _U(0, 2)), ("mtu", _U(2, 2))], top=False)
_icmp_un = _struct("icmphdr.un", 4, [
    ("echo", _Sub(0, _icmp_echo)), ("gateway", _U(0, 4)), ("frag", _Sub(0, _icmp_frag)),
    ("reserved", _Raw(0, 4))], top=False)
icmphdr = _struct("icmphdr", 8, [
    ("type", _U(0, 1)), ("code", _U(1, 1)), ("checksum", _U(2, 2)), ("un", _Sub(4, _icmp_un))])

icmpv6_echo = _struct("icmpv6_echo", 4, [("identifier", _U(0, 2)), ("sequence", _U(2, 2))], top=False)
icmpv6_nd_advt = _struct("icmpv6_nd_advt", 4, [
    ("reserved", _Bits(0, 4, 0, 5)), ("override", _Bits(0, 4, 5, 1)), ("solicited", _Bits(0, 4, 6, 1)),
    ("router", _Bits(0, 4, 7, 1)), ("reserved2", _Bits(0, 4, 8, 24))], top=False)
icmpv6_nd_ra = _struct("icmpv6_nd_ra", 4, [
    ("hop_limit", _U(0, 1)), ("reserved", _Bits(1, 1, 0, 3)), ("router_pref", _Bits(1, 1, 3, 2)),
    ("home_agent", _Bits(1, 1, 5, 1)), ("other", _Bits(1, 1, 6, 1)), ("managed", _Bits(1, 1, 7, 1)),
    ("rt_lifetime", _U(2, 2))], top=False)
_icmp6_dataun = _struct("icmp6hdr.icmp6_dataun", 4, [
    ("un_data32", _Arr(0, 4, 1)), ("un_data16", _Arr(0, 2, 2)), ("un_data8", _Raw(0, 4)),
    ("u_echo", _Sub(0, icmpv6_echo)), ("u_nd_advt", _Sub(0, icmpv6_nd_advt)), ("u_nd_ra", _Sub(0, icmpv6_nd_ra))],
    top=False)
icmp6hdr = _struct("icmp6hdr", 8, [
    ("icmp6_type", _U(0, 1)), ("icmp6_code", _U(1, 1)), ("icmp6_cksum", _U(2, 2)),
    ("icmp6_dataun", _Sub(4, _icmp6_dataun))])

HEADERS = (ethhdr, vlan_hdr, iphdr, ipv6hdr, tcphdr, udphdr, icmphdr, icmp6hdr)


def sizeof(t):
    """The size of a header struct in bytes (sizeof(struct T))."""
    return t._size


# ---- the packet --------------------------------------------------------------------

class Packet:
    """ctx.packet(): the bytes the program reaches directly (a bytearray)."""
    __slots__ = ("_buf", "_writable", "_kind")

    def __init__(self, buf, writable=True, kind="xdp"):
        self._buf, self._writable, self._kind = buf, writable, kind

    def _check_writable(self):
        if not self._writable:
            raise PermissionError(f"a {self._kind} probe's packet is read-only")

    def offset(self, h):
        """Where header h starts, in bytes from the packet's start."""
        if not isinstance(h, _Header) or not type(h)._top or h._pkt is not self:
            raise TypeError("pkt.offset(h) takes a header of the packet: where it starts, in bytes")
        return h._off

    def __len__(self):
        return len(self._buf)

    def __getitem__(self, k):
        """pkt[a:b] with 0 <= a < b, at most 256 bytes apart (pybpf's rule: a, b are constants
        there): bytes[b - a] (IndexError when the packet is shorter than b)"""
        if not isinstance(k, slice) or k.step is not None:
            raise TypeError("a packet is read by pkt[a:b] (or through its headers), not pkt[i]")
        a, b = k.start if k.start is not None else 0, k.stop
        if not isinstance(a, int) or not isinstance(b, int) or not 0 <= a < b or b - a > 256:
            raise ValueError(f"pkt[a:b] takes 0 <= a < b, at most 256 bytes apart, not [{k.start}:{k.stop}]")
        if b > len(self._buf):
            raise IndexError(f"pkt[{a}:{b}] reads past the packet's {len(self._buf)} bytes")
        return _Bytes(self._buf[a:b])

    def header(self, t, *, after=None):
        """The kernel's struct t at the start of the packet, or right after header `after`:
        after an iphdr at ihl * 4 bytes, after a tcphdr at doff * 4 (ValueError when
        ihl / doff is below 5), after any other header at its size. IndexError when the packet ends
        before the header does."""
        if not (isinstance(t, type) and issubclass(t, _Header) and t._top):
            raise TypeError(f"pkt.header() takes a header struct (ethhdr, iphdr, ...), not {t!r}")
        if after is None:
            off = 0
        else:
            if not isinstance(after, _Header) or not type(after)._top or after._pkt is not self:
                raise TypeError("pkt.header(T, after=h) takes a header h of this packet")
            off = after._off + _length(after)
        if off + t._size > len(self._buf):
            raise IndexError(f"the packet's {len(self._buf)} bytes end before {t.__name__}'s {t._size} "
                             f"bytes at {off} do")
        return t(self, off)


def _length(h):
    """The bytes header h takes in the packet: an iphdr's ihl * 4, a tcphdr's doff * 4 (ValueError
    below 5, as pybpf raises), else its size."""
    if isinstance(h, iphdr):
        if h.ihl < 5:
            raise ValueError(f"the iphdr's ihl is {h.ihl}, below 5 (20 bytes)")
        return h.ihl * 4
    if isinstance(h, tcphdr):
        if h.doff < 5:
            raise ValueError(f"the tcphdr's doff is {h.doff}, below 5 (20 bytes)")
        return h.doff * 4
    return type(h)._size


# ---- contexts -------------------------------------------------------------------------

class _Context:
    """A packet probe's context: its fields as attributes, ctx.packet()."""
    _FIELDS = ()
    _WRITABLE = ()

    def __init__(self, data, kind, writable, fields):
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_packet", Packet(bytearray(data), writable, kind))
        for name, v in fields.items():
            if name not in self._FIELDS:
                raise TypeError(f"{type(self).__name__} has no field {name!r} (it has {', '.join(self._FIELDS)})")
            object.__setattr__(self, name, v)

    def packet(self):
        return self._packet

    def __getattr__(self, name):
        """ctx.adjust_head(n), ctx.redirect(ifindex, flags), ...: the packet path's helpers"""
        if name == "redirect" and self._kind in ("xdp", "tc"):
            return lambda ifindex, flags: _redirect(self, ifindex, flags)
        f = _CTX_METHODS.get(self._kind, {}).get(name)
        if f is None:
            raise AttributeError(f"the context of @{self._kind} ({type(self).__name__}) has no field or method {name!r}")
        return lambda *args: f(self, *args)

    def __setattr__(self, name, v):
        if name not in self._WRITABLE:
            may = f"; it may change {', '.join(self._WRITABLE)}" if self._WRITABLE else ""
            raise AttributeError(f"a @{self._kind} program cannot change ctx.{name}{may}")
        object.__setattr__(self, name, _fits(v, 32, f"ctx.{name}"))

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._FIELDS)})"


class xdp_md(_Context):
    """The context of an @xdp probe: data / data_end / data_meta are offsets here
    (data_end - data is the packet's length)."""
    _FIELDS = ("data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex")


class __sk_buff(_Context):   # noqa: N801  (the kernel's name)
    """The context of a @tc or @cgroup_skb probe (struct __sk_buff)."""
    _FIELDS = ("len", "pkt_type", "mark", "queue_mapping", "protocol", "vlan_present", "vlan_tci", "vlan_proto",
               "priority", "ingress_ifindex", "ifindex", "tc_index", "cb", "hash", "tc_classid", "data", "data_end",
               "napi_id", "family", "remote_ip4", "local_ip4", "remote_ip6", "local_ip6", "remote_port",
               "local_port", "data_meta", "tstamp", "wire_len", "gso_segs", "gso_size", "tstamp_type", "hwtstamp")


sk_buff_ctx = __sk_buff


class bpf_sock_addr(_Context):
    """The context of a @cgroup_sock_addr probe: the socket call's address (user_ip4 a
    __be32 and user_port a __be16, read as little-endian ints: ntohl(ctx.user_ip4))."""
    _FIELDS = ("user_family", "user_ip4", "user_ip6", "user_port", "family", "type", "protocol", "msg_src_ip4",
               "msg_src_ip6")
    _WRITABLE = ("user_ip4", "user_port", "msg_src_ip4")

    def packet(self):
        raise TypeError("a @cgroup_sock_addr program sees the socket call's address (ctx.user_ip4, ctx.user_port), "
                        "not a packet")


def sock_addr_context(probe, /, **fields):
    """The context run_sock_addr passes probe. The fields not given: user_family and family
    the hook's (AF_INET for ...4, AF_INET6 for ...6), type and protocol a TCP socket's
    (SOCK_STREAM, 6) for connect, bind, getpeername and getsockname, a UDP one's
    (SOCK_DGRAM, 17) for sendmsg and recvmsg, the rest 0 (user_ip6, msg_src_ip6: 4 zeros)."""
    kind, hook = _kind(probe)
    if kind != "cgroup_sock_addr":
        raise TypeError(f"{probe.__name__!r} is not a @cgroup_sock_addr probe")
    udp = hook.startswith(("sendmsg", "recvmsg"))
    fam = 10 if hook.endswith("6") else 2
    base = dict.fromkeys(bpf_sock_addr._FIELDS, 0)
    base.update(user_family=fam, family=fam, type=2 if udp else 1, protocol=17 if udp else 6, user_ip6=[0] * 4,
                msg_src_ip6=[0] * 4)
    base.update(fields)
    return bpf_sock_addr(b"", kind, False, base)


def run_sock_addr(probe, /, **ctx_fields):
    """Runs a @cgroup_sock_addr probe: (verdict, its context afterwards: ctx.user_ip4, ...)."""
    ctx = sock_addr_context(probe, **ctx_fields)
    return _call(probe, ctx, None), ctx

# what a program of each kind may write in its context (pyc/check_packet.c's ctx_writable)
_SKB_WRITABLE = {"tc": ("mark", "priority", "tc_index", "tc_classid", "queue_mapping"),
                 "cgroup_skb": ("mark", "priority"), "socket_filter": ()}

# __sk_buff's protocol: skb->protocol, the __be16 ethertype read on x86
_ETH_P = {4: 0x0008, 6: 0xdd86}


def eth_protocol(frame):
    """skb->protocol as the kernel's eth_type_trans() sets it from an ethernet frame, read
    as __sk_buff.protocol is on x86: the ethertype when it is one (0x0600 and above),
    else ETH_P_802_3 for a raw 802.3 frame (its payload starts 0xFFFF), ETH_P_802_2 for
    the rest."""
    proto = int.from_bytes(frame[12:14], "big")
    if proto < 0x600:
        proto = 0x0001 if frame[14:16] == b"\xff\xff" else 0x0004
    return int.from_bytes(proto.to_bytes(2, "big"), "little")


def packet_context(probe, data, /, **fields):
    """The context run_packet passes probe for the packet data. The fields not
    given are those the kernel's BPF_PROG_TEST_RUN gives the same frame (checked by
    tests/runtime_packet_shim.py), so that a probe computes the same here and there:
    xdp_md: data 0, data_end len(data), ingress_ifindex 1 (the loopback device),
    the rest 0. __sk_buff: len len(data), data 0, data_end len(data), ifindex 1,
    protocol skb->protocol (tc: eth_protocol(data), from the ethertype; cgroup_skb,
    whose packet starts at the IP header: from the IP version), pkt_type
    eth_type_trans's against the loopback device (tc: PACKET_HOST 0 for the zero
    MAC, PACKET_MULTICAST 2 for a multicast one, else PACKET_OTHERHOST 3; cgroup_skb,
    which has no ethernet header here: 3), family (cgroup_skb) AF_INET 2 / AF_INET6
    10 by protocol, the rest 0 (cb, remote_ip6, local_ip6: zeros)."""
    kind, direction = _kind(probe)
    if kind not in _NO_PROGRAM:
        raise TypeError(f"{probe.__name__!r} runs in a socket call, not on a packet: run_sock_addr(probe, ...)")
    n = len(data)
    if kind == "xdp":
        base = dict.fromkeys(xdp_md._FIELDS, 0)
        base.update(data_end=n, ingress_ifindex=1)
        base.update(fields)
        if "data_end" not in fields:
            base["data_end"] = base["data"] + n
        ctx = xdp_md(data, kind, True, base)
        object.__setattr__(ctx, "_head", 256)   # XDP_PACKET_HEADROOM: where the data starts in its frame
        return ctx
    base = dict.fromkeys(__sk_buff._FIELDS, 0)
    if kind == "tc":
        proto = eth_protocol(data) if n >= 14 else 0
        dst = data[:6]
        pkt_type = 0 if dst == b"\0" * 6 else 2 if dst and dst[0] & 1 else 3
    else:   # cgroup_skb, socket_filter: from the network header on
        proto = _ETH_P.get(data[0] >> 4, 0) if n else 0
        pkt_type = 3
    base.update(len=n, data_end=n, protocol=proto, pkt_type=pkt_type, ifindex=1, cb=[0] * 5,
                remote_ip6=[0] * 4, local_ip6=[0] * 4)
    base.update(fields)
    if kind != "tc" and "family" not in fields:
        base["family"] = {0x0008: 2, 0xdd86: 10}.get(base["protocol"], 0)
    if "data_end" not in fields:
        base["data_end"] = base["data"] + n
    ctx = __sk_buff(data, kind, kind == "tc", base)
    object.__setattr__(ctx, "_WRITABLE", _SKB_WRITABLE[kind])
    return ctx


def _kind(probe):
    attach = getattr(probe, "__pybpf_attach__", None)
    if attach is None or attach[0] not in _NO_PROGRAM_ALL:
        raise TypeError(f"{getattr(probe, '__name__', probe)!r} is not a packet probe (@xdp, @tc, @cgroup_skb)")
    return attach[0], attach[1]


# ---- the packet path's helpers (ctx.adjust_head(n) is bpf.xdp_adjust_head(ctx, n)) -------
# Their limits are those of the kernel's BPF_PROG_TEST_RUN, which the runtime tests compare
# with: an XDP frame of 4096 bytes whose data starts 256 bytes in (XDP_PACKET_HEADROOM), a
# struct xdp_frame (40 bytes) before it and a struct skb_shared_info (320) after it; an skb
# of at most SKB_MAX_ALLOC bytes (16064; on a device the limit is its MTU and link header).
# Each raises OSError where the helper returns an errno.

_XDP_FRAME, _XDP_FRAME_SZ, _SHINFO, _ETH_HLEN = 40, 4096, 320, 14
_SKB_MAX_LEN = 4 * 4096 - _SHINFO   # SKB_MAX_ALLOC: the longest skb_change_tail makes in a test run (16064)
_current = [None]   # the context of the probe running (bpf.redirect takes none)


def _ctx_of(ctx, kinds, helper):
    if not isinstance(ctx, _Context) or ctx._kind not in kinds:
        raise TypeError(f"bpf.{helper}() takes the context of {' or '.join('@' + k for k in kinds)}")
    return ctx


def xdp_adjust_head(ctx, delta):
    """bpf_xdp_adjust_head: the packet starts delta bytes later (earlier when negative: zeros)."""
    ctx = _ctx_of(ctx, ("xdp",), "xdp_adjust_head")
    buf, head = ctx._packet._buf, ctx._head
    new = head + delta
    if new < _XDP_FRAME or new > head + len(buf) - _ETH_HLEN:
        raise OSError(errno.EINVAL, "bpf.xdp_adjust_head: the packet would start outside its frame")
    if delta > 0:
        del buf[:delta]
    else:
        buf[:0] = builtins.bytes(-delta)
    object.__setattr__(ctx, "_head", new)
    object.__setattr__(ctx, "data", ctx.data + delta)
    return 0


def xdp_adjust_tail(ctx, delta):
    """bpf_xdp_adjust_tail: the packet ends delta bytes later (zeros) or earlier."""
    ctx = _ctx_of(ctx, ("xdp",), "xdp_adjust_tail")
    buf, head = ctx._packet._buf, ctx._head
    end = head + len(buf) + delta
    if end > _XDP_FRAME_SZ - _SHINFO or end < head + _ETH_HLEN:
        raise OSError(errno.EINVAL, "bpf.xdp_adjust_tail: the packet would end outside its frame")
    if delta > 0:
        buf += builtins.bytes(delta)
    else:
        del buf[len(buf) + delta:]
    object.__setattr__(ctx, "data_end", ctx.data_end + delta)
    return 0


def redirect(ifindex, flags):
    """bpf_redirect: the probe's verdict to send the packet to ifindex (XDP_REDIRECT,
    TC_ACT_REDIRECT), or XDP_ABORTED / TC_ACT_SHOT for flags the kernel refuses."""
    return _redirect(_current[0], ifindex, flags)


def _redirect(ctx, ifindex, flags):
    if ctx is None or ctx._kind not in ("xdp", "tc"):
        raise TypeError("bpf.redirect() is called by an @xdp or @tc probe")
    if ctx._kind == "xdp":
        return XDP_ABORTED if flags else XDP_REDIRECT
    return TC_ACT_SHOT if flags & ~1 else TC_ACT_REDIRECT   # BPF_F_INGRESS


def skb_pull_data(ctx, length):
    """bpf_skb_pull_data: the first length bytes linear and writable (here they all are)."""
    ctx = _ctx_of(ctx, ("tc",), "skb_pull_data")
    if length > len(ctx._packet._buf):
        raise OSError(errno.ENOMEM, "bpf.skb_pull_data: the packet is shorter")
    return 0


def skb_change_tail(ctx, new_len, flags):
    """bpf_skb_change_tail: the packet new_len bytes long (cut, or zeros added)."""
    ctx = _ctx_of(ctx, ("tc",), "skb_change_tail")
    buf = ctx._packet._buf
    if flags or new_len > _SKB_MAX_LEN or new_len < _ETH_HLEN:
        raise OSError(errno.EINVAL, "bpf.skb_change_tail: flags, or a length outside the device's")
    if new_len > len(buf):
        buf += builtins.bytes(new_len - len(buf))
    else:
        del buf[new_len:]
    object.__setattr__(ctx, "len", new_len)
    object.__setattr__(ctx, "data_end", ctx.data + new_len)
    return 0


def skb_adjust_room(ctx, len_diff, mode, flags):
    raise NotImplementedError("bpf.skb_adjust_room() (ctx.adjust_room) is not modelled by the CPython shim yet: "
                              "it runs only in the kernel (pybpf load)")


def fib_lookup(ctx, ip, flags=0):
    raise NotImplementedError("ctx.fib_lookup() (bpf_fib_lookup) asks the kernel's routing and neighbour tables, which the "
                              "CPython shim does not have: it runs only in the kernel (pybpf load, pybpf test-run)")


def _csum_add(a, b):
    r = (a + b) & 0xffffffff
    return (r + (r < b)) & 0xffffffff


def _csum_fold(c):
    c = (c & 0xffff) + (c >> 16)
    c = (c & 0xffff) + (c >> 16)
    return ~c & 0xffff


def _csum16_add(a, b):
    r = (a + b) & 0xffff
    return (r + (r < b)) & 0xffff


def _sum_at(ctx, offset, helper):
    buf = ctx._packet._buf
    if offset > 0xffff or offset & 1 or offset + 2 > len(buf):
        raise OSError(errno.EFAULT, f"bpf.{helper}: the checksum's offset")
    return int.from_bytes(buf[offset:offset + 2], "little")


def _put_sum(ctx, offset, v):
    ctx._packet._buf[offset:offset + 2] = v.to_bytes(2, "little")


def l3_csum_replace(ctx, offset, from_, to, flags):
    """bpf_l3_csum_replace: the checksum at offset updated for a field changed from from_ to
    to (flags: its size, 2 or 4; 0: to is a csum_diff), as the kernel's csum_replace2/4."""
    ctx = _ctx_of(ctx, ("tc",), "l3_csum_replace")
    if flags & ~0xf:
        raise OSError(errno.EINVAL, "bpf.l3_csum_replace: flags")
    s = _sum_at(ctx, offset, "l3_csum_replace")
    size = flags & 0xf
    if size == 2:
        s = ~_csum16_add(_csum16_add(~s & 0xffff, ~from_ & 0xffff), to & 0xffff) & 0xffff
    elif size == 4:
        s = _csum_fold(_csum_add(_csum_add(~s & 0xffffffff, ~from_ & 0xffffffff), to & 0xffffffff))
    elif size == 0 and from_ == 0:
        s = _csum_fold(_csum_add(to & 0xffffffff, ~s & 0xffffffff))
    else:
        raise OSError(errno.EINVAL, "bpf.l3_csum_replace: the field's size is 2 or 4")
    _put_sum(ctx, offset, s)
    return 0


def l4_csum_replace(ctx, offset, from_, to, flags):
    """bpf_l4_csum_replace: as l3_csum_replace for a TCP/UDP checksum; flags also
    BPF_F_PSEUDO_HDR 0x10 (no effect on a packet whose checksum is not offloaded, as
    here), BPF_F_MARK_MANGLED_0 0x20 (a 0 checksum stays 0, a result of 0 becomes
    0xffff), BPF_F_MARK_ENFORCE 0x40, BPF_F_IPV6 0x80."""
    ctx = _ctx_of(ctx, ("tc",), "l4_csum_replace")
    if flags & ~(0x10 | 0x20 | 0x40 | 0x80 | 0xf):
        raise OSError(errno.EINVAL, "bpf.l4_csum_replace: flags")
    s = _sum_at(ctx, offset, "l4_csum_replace")
    mmzero, mforce = flags & 0x20, flags & 0x40
    if mmzero and not mforce and not s:
        return 0
    size = flags & 0xf
    if size in (2, 4):
        s = _csum_fold(_csum_add(_csum_add(~s & 0xffffffff, ~from_ & 0xffffffff), to & 0xffffffff))
    elif size == 0 and from_ == 0:
        s = _csum_fold(_csum_add(to & 0xffffffff, ~s & 0xffffffff))
    else:
        raise OSError(errno.EINVAL, "bpf.l4_csum_replace: the field's size is 2 or 4")
    if mmzero and not s:
        s = 0xffff
    _put_sum(ctx, offset, s)
    return 0


# ctx.NAME(args) of each kind: the helper with the context first (redirect takes none)
_CTX_METHODS = {"xdp": {"adjust_head": xdp_adjust_head, "adjust_tail": xdp_adjust_tail, "fib_lookup": fib_lookup},
                "tc": {"pull_data": skb_pull_data, "change_tail": skb_change_tail, "adjust_room": skb_adjust_room,
                       "fib_lookup": fib_lookup}}


# ---- running a probe ----------------------------------------------------------------------

# uncaught exceptions of packet probes run here: (file, line, exception, probe) -> times,
# as tests/pyref.py counts them and pybpf load reports them
uncaught = collections.Counter()


def exception_key(exc, probe):
    """(file, line, exception, probe name) of an uncaught exception, as pybpf
    reports it: the innermost line of the probe's file, the exception's name,
    with its message when that line is a raise or an assert."""
    path = probe.__code__.co_filename
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    fr = frames[-1] if frames else traceback.extract_tb(exc.__traceback__)[-1]
    name = type(exc).__name__
    if (fr.line or "").startswith(("raise ", "assert ")) and str(exc):
        name += f": {exc}"
    return fr.filename, fr.lineno, name, probe.__name__


def uncaught_report():
    """The uncaught-exception lines pybpf load prints at exit, for uncaught."""
    return "".join(f"{path}:{line}: {exc} in {fn}: {n} time{'s' if n != 1 else ''}\n"
                   for (path, line, exc, fn), n in sorted(uncaught.items()))


def run_context(probe, ctx, on_exception=None):
    """Calls probe(ctx): (verdict, the packet's bytes afterwards). An uncaught
    exception is counted (on_exception(exc), else in uncaught) and the verdict is
    the one as if no program were attached: XDP_PASS, TC_ACT_UNSPEC, 1."""
    if _kind(probe)[0] not in _NO_PROGRAM:
        raise TypeError(f"{probe.__name__!r} runs in a socket call, not on a packet: run_sock_addr(probe, ...)")
    return _call(probe, ctx, on_exception), builtins.bytes(ctx.packet()._buf)


def _call(probe, ctx, on_exception):
    kind, _ = _kind(probe)
    _current[0] = ctx
    try:
        v = probe(ctx)
    except Exception as exc:
        if on_exception is not None:
            on_exception(exc)
        else:
            uncaught[exception_key(exc, probe)] += 1
        return _NO_PROGRAM_ALL[kind]
    finally:
        _current[0] = None
    if isinstance(v, bool):
        v = int(v)
    if not isinstance(v, int):
        raise TypeError(f"the packet probe {probe.__name__} returned {v!r}, not an int verdict")
    return v


def run_packet(probe, data, /, **ctx_fields):
    """Runs a packet probe on the packet data: (verdict, packet bytes after it).
    ctx_fields set the context's fields (packet_context gives the others)."""
    return run_context(probe, packet_context(probe, data, **ctx_fields))


__all__ = [
    "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
    "TC_ACT_UNSPEC", "TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT",
    "IPv4", "IPv6", "ip4", "ip6", "xdp", "tc", "cgroup_skb", "socket_filter", "cgroup_sock_addr", "bpf_sock_addr",
    "ethhdr", "vlan_hdr", "iphdr", "ipv6hdr", "tcphdr", "udphdr", "icmphdr", "icmp6hdr",
    "xdp_md", "__sk_buff",
]
