"""Packet probes in the kernel against the CPython shim (python/pybpf/net.py).

A probe file of @xdp, @tc and @cgroup_skb probes is compiled by pybpf
(`pybpf compile -o X.o`), loaded and pinned by bpftool (`prog loadall`, in
/sys/fs/bpf/pybpf-shimpkt-PID, removed at the end), its __pyb_init run
(the items= of its maps), and each probe run on each frame of
tests/packets.py with BPF_PROG_TEST_RUN (`bpftool prog run ... data_in
data_out`). tests/pyref.py runs the same probes on the same frames in
CPython (call_packet). Both must give the same verdict and the same packet
bytes afterwards for every (probe, frame), and the same map contents at
the end.

A cgroup_skb program's and a socket filter's packet starts at the IP
header: the kernel's test run strips the ethernet header (and gives it back
zeroed), so CPython gets frame[14:] and the kernel's bytes are compared
from byte 14. Frames
shorter than an ethernet header are not run in the kernel (the test run
refuses them: EINVAL), nor, for @tc and @cgroup_skb, frames cut inside
the IP header (the skb test run pulls the whole header first: EINVAL).
"""
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from runtime import PYBPF, ROOT, test

sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "python"))
from pybpf import net  # noqa: E402

PROBES = '''from pybpf import *

obs: Hash[u32, u64] = Hash(max_entries=256)
nets: LPMTrie[IPv4, u32] = LPMTrie(max_entries=8, items={(ip4("10.0.0.0"), 8): 8, (ip4("10.0.0.2"), 32): 32})


@xdp
def parse(ctx) -> int:
    pkt = ctx.packet()
    obs[0] += len(pkt)
    obs[8] += ctx.ingress_ifindex + ctx.rx_queue_index * 10
    eth = pkt.header(ethhdr)
    proto = ntohs(eth.h_proto)
    obs[1] += proto
    if proto == 0x8100:
        v = pkt.header(vlan_hdr, after=eth)
        obs[2] += ntohs(v.h_vlan_TCI)
        ip = pkt.header(iphdr, after=v)
    elif proto == 0x86DD:
        h = pkt.header(ipv6hdr, after=eth)
        obs[3] += h.priority * 1000 + h.version * 100 + h.nexthdr
        obs[4] += ntohs(h.payload_len) + h.hop_limit
        if h.saddr == ip6("fe80::1"):
            obs[5] += 1
        if h.nexthdr == 58:
            i6 = pkt.header(icmp6hdr, after=h)
            obs[6] += i6.icmp6_type + ntohs(i6.icmp6_dataun.u_echo.identifier)
            return XDP_DROP
        u6 = pkt.header(udphdr, after=h)
        obs[7] += ntohs(u6.dest)
        u6.dest = htons(7777)
        return XDP_TX
    else:
        ip = pkt.header(iphdr, after=eth)
    obs[10] += ip.ihl * 100 + ip.version
    obs[11] += ntohs(ip.tot_len) + ip.ttl + ip.protocol + ip.tos
    obs[12] += ntohl(ip.saddr) & 0xFFFF
    obs[13] += nets.get(ntohl(ip.saddr), 0)
    obs[14] += ip.check + ntohs(ip.id) + ntohs(ip.frag_off)
    obs[15] += ip.addrs.daddr
    ip.ttl = ip.ttl - 1
    if ip.protocol == 6:
        tcp = pkt.header(tcphdr, after=ip)
        obs[20] += tcp.syn + tcp.ack * 2 + tcp.fin * 4 + tcp.rst * 8 + tcp.psh * 16 + tcp.urg * 32
        obs[21] += tcp.ece + tcp.cwr * 2 + tcp.ae * 4 + tcp.res1 * 8 + tcp.doff * 100
        obs[22] += ntohl(tcp.seq) + ntohl(tcp.ack_seq) + ntohs(tcp.window)
        after = pkt.header(udphdr, after=tcp)   # where the payload starts: its first 8 bytes
        obs[23] += after.source
        tcp.window = htons(1234)
        return XDP_DROP
    if ip.protocol == 1:
        icmp = pkt.header(icmphdr, after=ip)
        obs[30] += icmp.type + icmp.code + ntohs(icmp.un.echo.id) + ntohs(icmp.un.echo.sequence)
        obs[31] += icmp.un.gateway + ntohs(icmp.un.frag.mtu)
        return XDP_ABORTED
    udp = pkt.header(udphdr, after=ip)
    obs[40] += ntohs(udp.source) + ntohs(udp.dest) + ntohs(udp.len)
    if pkt[0:6] == b"\\x02\\x00\\x00\\x00\\x00\\x02":
        obs[41] += 1
    udp.dest = htons(ntohs(udp.dest) + 1)
    return XDP_TX


@tc("ingress")
def shape(ctx) -> int:
    pkt = ctx.packet()
    obs[100] += ctx.len
    obs[101] += ctx.protocol
    obs[102] += ctx.mark + ctx.priority
    obs[104] += (ctx.pkt_type + ctx.queue_mapping * 10 + ctx.vlan_present * 100 + ctx.vlan_tci + ctx.vlan_proto
                 + ctx.ingress_ifindex * 1000 + ctx.ifindex * 10000 + ctx.tc_index + ctx.hash + ctx.tc_classid
                 + ctx.napi_id + ctx.wire_len + ctx.gso_segs + ctx.gso_size)
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return TC_ACT_UNSPEC
    ip = pkt.header(iphdr, after=eth)
    ip.tos = 0x28
    if ip.protocol == 17:
        udp = pkt.header(udphdr, after=ip)
        obs[103] += ntohs(udp.dest)
        ctx.mark = 7
        return TC_ACT_SHOT
    return TC_ACT_OK


@cgroup_skb("egress")
def guard(ctx) -> int:
    pkt = ctx.packet()
    obs[200] += len(pkt)
    obs[201] += ctx.len + ctx.protocol
    obs[204] += (ctx.pkt_type + ctx.ifindex * 10 + ctx.ingress_ifindex * 100 + ctx.gso_segs + ctx.family * 1000
                 + ctx.mark + ctx.priority)
    ip = pkt.header(iphdr)
    if ip.version != 4:
        return 1
    obs[202] += ip.ihl + ip.ttl
    udp = pkt.header(udphdr, after=ip)
    obs[203] += ntohs(udp.dest)
    return 0


@socket_filter
def sieve(ctx) -> int:
    pkt = ctx.packet()
    obs[300] += len(pkt) + ctx.len + ctx.protocol + ctx.pkt_type * 1000 + ctx.ifindex * 10000
    ip = pkt.header(iphdr)
    if ip.version != 4:
        return len(pkt)
    udp = pkt.header(udphdr, after=ip)
    obs[301] += ntohs(udp.dest) + pkt.offset(udp) + ip.ttl
    return 0 if udp.dest == htons(53) else 20
'''


def frames():
    import packets as P
    bad_ihl = bytearray(P.udp4())
    bad_ihl[14] = 0x44
    bad_doff = bytearray(P.tcp4(b"x" * 12))
    bad_doff[46] = 0x30
    out = {"udp4": P.udp4(), "tcp4_sa": P.tcp4(b"data", flags="SAN", seq=7, ack=9),
           "tcp4_fpru": P.tcp4(b"more", flags="FPRUEC", tcp_options=b"\x02\x04\x05\xb4"),
           "icmp4": P.icmp4_echo(), "ipv4_options": P.ipv4_options(), "udp6": P.udp6(tclass=0xab, flow=0x12345),
           "icmp6": P.icmp6_echo(), "vlan": P.vlan(P.udp4(src="10.0.0.2"), vid=100, pcp=5),
           "ihl_4": bytes(bad_ihl), "doff_3": bytes(bad_doff)}
    for name, (f, _) in P.TRUNCATIONS.items():
        out["cut_" + name] = f
    return out


def _kernel_run(pin, name, data, d):
    din, dout = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
    with open(din, "wb") as f:
        f.write(data)
    p = subprocess.run(["bpftool", "-j", "prog", "run", "pinned", os.path.join(pin, name), "data_in", din,
                        "data_out", dout], capture_output=True, text=True)
    if p.returncode != 0:
        if "Invalid argument" in p.stdout:
            return None   # the test run refuses the frame
        raise AssertionError(f"bpftool prog run {name} failed: {p.stdout}{p.stderr}")
    retval = json.loads(p.stdout)["retval"]
    retval = retval - (1 << 32) if retval >= 1 << 31 else retval   # the u32 of a negative verdict
    with open(dout, "rb") as f:
        return retval, f.read()


def _map_raw(pinmaps, name):
    p = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", os.path.join(pinmaps, name)],
                       capture_output=True, text=True, check=True)
    return [(bytes(int(x, 16) for x in e["key"]), bytes(int(x, 16) for x in e["value"])) for e in json.loads(p.stdout)]


def _map(pinmaps, name):
    return {int.from_bytes(k, "little"): int.from_bytes(v, "little") for k, v in _map_raw(pinmaps, name)}


def _uncaught(pinmaps):
    """The uncaught exceptions the programs counted, per raise site (sorted counts):
    __pyb_counters in .bss.pyb, whose item j (from 1: 0 counts lost records) counts
    its site's in steps of 8 * (j + 1) (pyc's emitter; the loader knows which site is
    which line)"""
    (_, v), = _map_raw(pinmaps, "_bss_pyb")
    counters = [int.from_bytes(v[i:i + 8], "little") for i in range(0, len(v), 8)]
    assert all(c % (8 * (j + 1)) == 0 for j, c in enumerate(counters)), counters
    return sorted(c // (8 * (j + 1)) for j, c in enumerate(counters) if j and c)


@contextlib.contextmanager
def _pinned(d, src):
    """src compiled by pybpf and its programs and maps pinned by bpftool (under
    /sys/fs/bpf/pybpf-shimpkt-PID and -maps), its __pyb_init run (the items=, as the
    loader runs them): yields (pin, pinmaps); both removed at the end, failed or not"""
    pin = f"/sys/fs/bpf/pybpf-shimpkt-{os.getpid()}"
    pinmaps = pin + "-maps"
    obj = os.path.join(d, os.path.basename(src)[:-3] + ".o")
    try:
        subprocess.run([PYBPF, "compile", src, "-o", obj], check=True, capture_output=True, text=True)
        os.mkdir(pinmaps)
        p = subprocess.run(["bpftool", "prog", "loadall", obj, pin, "pinmaps", pinmaps], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
        if os.path.exists(os.path.join(pin, "py___pyb_init")):
            _kernel_run(pin, "py___pyb_init", bytes(64), d)
        yield pin, pinmaps
    finally:
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(pinmaps, ignore_errors=True)


def _written(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


@test
def packet_probes_kernel_vs_shim():
    """Every (probe, frame): the kernel's verdict and packet bytes (BPF_PROG_TEST_RUN)
    are the CPython shim's (pyref.call_packet), and so are the map's contents."""
    import pyref
    with tempfile.TemporaryDirectory(prefix="pybpf-shimpkt-") as d, \
            _pinned(d, _written(d, "probes.py", PROBES)) as (pin, pinmaps):
        src = os.path.join(d, "probes.py")
        progs = sorted(os.listdir(pin))
        assert progs == ["guard", "parse", "py___pyb_init", "shape", "sieve"], progs
        ref = pyref.Probe(src)
        mismatches, refused = [], []
        ran = 0
        for fname, frame in frames().items():
            for probe in ("parse", "shape", "guard", "sieve"):
                if len(frame) < 14:
                    continue   # the kernel's test run needs an ethernet header
                got = _kernel_run(pin, probe, frame, d)
                if got is None:
                    refused.append((fname, probe))
                    continue
                kv, kout = got
                if probe in ("guard", "sieve"):
                    # skb->protocol: the test run's eth_type_trans takes the frame's ethertype (0x8100
                    # for the VLAN frame), which CPython, given the packet from the IP header on, is told
                    cv, cout = ref.call_packet(probe, frame[14:], protocol=net.eth_protocol(frame))
                    kout = kout[14:]
                else:
                    cv, cout = ref.call_packet(probe, frame)
                ran += 1
                if (kv, kout) != (cv, cout):
                    mismatches.append(f"{probe} on {fname}: kernel {kv} {kout.hex()}\n"
                                      f"{' ' * len(probe + fname)}     CPython {cv} {cout.hex()}")
        assert not mismatches, "\n".join(mismatches)
        # an skb's test run needs the whole IP header (its pskb_may_pull): EINVAL
        assert refused == [(f, p) for f in ("cut_ip", "cut_ipv6") for p in ("shape", "guard", "sieve")], refused
        assert ran == 4 * 17 - 6, ran
        kmap = _map(pinmaps, "obs")
        cmap = {int(k): int(v) for k, v in ref.ns["obs"].items()}
        diff = {k: (kmap.get(k), cmap.get(k)) for k in sorted(set(kmap) | set(cmap)) if kmap.get(k) != cmap.get(k)}
        assert not diff, f"obs differs (kernel, CPython): {diff}"
        # every slot some frame reaches (23, the bytes after a TCP header, none: their payloads are 4 bytes,
        # an IndexError on both sides)
        assert sorted(kmap) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 20, 21, 22, 30, 31, 40, 41,
                                100, 101, 102, 103, 104, 200, 201, 202, 203, 204, 300, 301], sorted(kmap)
        # the uncaught exceptions CPython saw: one per cut frame and probe that reads past it, the bad ihl / doff
        lines = ref.report()
        assert "IndexError in parse" in lines and "ValueError in parse" in lines, lines
        # the same uncaught exceptions in the kernel: as many at each raise site (each line and
        # exception of these probes has one site) as CPython counts at its line
        assert _uncaught(pinmaps) == sorted(ref.uncaught.values()), (_uncaught(pinmaps), lines)
        assert sum(ref.uncaught.values()) == 22, lines


def _formatted(pinmaps, name):
    """A map's items by bpftool's BTF view: a struct key as the tuple of its fields, a
    per-CPU value (an aggregation's) summed over the CPUs"""
    p = subprocess.run(["bpftool", "-j", "map", "dump", "pinned", os.path.join(pinmaps, name)],
                       capture_output=True, text=True, check=True)
    out = {}
    for e in json.loads(p.stdout):
        f = e["formatted"]
        k = tuple(f["key"].values()) if isinstance(f["key"], dict) else f["key"]
        out[k] = sum(x["value"] for x in f["values"]) if "values" in f else f["value"]
    return out


def _shim_items(m):
    """A pyref map's items as numbers (an aggregation's as the loader shows it)"""
    return {tuple(int(x) for x in k) if isinstance(k, tuple) else int(k): int(str(v)) for k, v in m.items()}


@test
def packet_examples_kernel_vs_shim():
    """examples/net/xdp_firewall.py, tc_port_counter.py and udp_port_filter.py on crafted
    frames: the kernel's verdicts, packet bytes and maps (BPF_PROG_TEST_RUN) are the shim's."""
    import packets as P
    import pyref
    cases = {
        "xdp_firewall": ("firewall", ["drops"], [
            P.udp4(src="10.1.2.3"), P.udp4(src="10.200.0.1"), P.tcp4(src="192.168.7.77"), P.udp4(src="192.168.8.1"),
            P.icmp4_echo(src="172.16.9.9"), P.icmp4_echo(src="172.16.9.8"), P.udp6(), P.vlan(P.udp4()),
            P.TRUNCATIONS["ip"][0], P.ipv4_options()]),
        "tc_port_counter": ("count", ["sent_bytes", "sent_packets"], [
            P.udp4(), P.udp4(b"x" * 100, dport=53), P.tcp4(dport=443), P.tcp4(b"abc", dport=443), P.icmp4_echo(),
            P.udp6(), P.ipv4_options(dport=6000), P.TRUNCATIONS["udp"][0], P.TRUNCATIONS["tcp"][0]]),
        # a socket filter's packet starts at the IP header (see packet_probes_kernel_vs_shim)
        "udp_port_filter": ("only_udp_port", ["passed"], [
            P.udp4(dport=53), P.udp4(dport=54), P.udp4(dport=53, src="10.9.9.9"), P.tcp4(dport=53), P.udp6(dport=53),
            P.ipv4_options(dport=53), P.TRUNCATIONS["udp"][0], P.udp4(b"x" * 300, dport=53)]),
    }
    for example, (probe, maps, frames_) in cases.items():
        src = os.path.join(ROOT, "examples", "net", example + ".py")
        with tempfile.TemporaryDirectory(prefix="pybpf-shimpkt-") as d, _pinned(d, src) as (pin, pinmaps):
            ref = pyref.Probe(src)
            l3 = example == "udp_port_filter"
            for i, frame in enumerate(frames_):
                got = _kernel_run(pin, probe, frame, d)
                if l3:
                    got = got[0], got[1][14:]
                    want = ref.call_packet(probe, frame[14:], protocol=net.eth_protocol(frame))
                else:
                    want = ref.call_packet(probe, frame)
                assert got == want, f"{example} frame {i}: kernel {got}, CPython {want}"
            for m in maps:
                k, c = _formatted(pinmaps, m), _shim_items(ref.ns[m])
                assert k == c, f"{example} {m}: kernel {k}, CPython {c}"
                assert k, f"{example} {m} is empty"
            assert _uncaught(pinmaps) == sorted(ref.uncaught.values()), (_uncaught(pinmaps), ref.report())


def _mutants(n, seed=1):
    """n frames made from the crafted ones: up to 4 random bytes from the ethertype on
    (the version / ihl byte and a TCP doff byte more often), one in 20 an IPv4 TTL of 0,
    cut at a random length"""
    import random
    rng = random.Random(seed)
    bases = [f for f in frames().values() if len(f) >= 14]
    out = []
    for _ in range(n):
        f = bytearray(rng.choice(bases))
        for _ in range(rng.randint(0, 4)):
            at = rng.choice([12, 13, 14, 14, 18, 20, 22, 23, 46, 46, rng.randrange(12, min(len(f), 80))])
            if at < len(f):
                f[at] = rng.randrange(256)
        if rng.random() < 0.05 and len(f) > 22:
            f[22] = 0   # an IPv4 TTL of 0: ip.ttl - 1 does not fit the u8
        out.append(bytes(f[:rng.randint(14, len(f))]))
    return out


@test
def packet_probes_kernel_vs_shim_mutants():
    """600 mutated and cut frames through the same probes: the kernel and the shim agree
    on each verdict and packet, the map and the uncaught exceptions (bad ihl / doff,
    short headers, a TTL of 0 that ttl - 1 cannot store)."""
    import pyref
    with tempfile.TemporaryDirectory(prefix="pybpf-shimpkt-") as d, \
            _pinned(d, _written(d, "probes.py", PROBES)) as (pin, pinmaps):
        src = os.path.join(d, "probes.py")
        ref = pyref.Probe(src)
        mismatches, ran, refused = [], 0, 0
        for i, frame in enumerate(_mutants(600)):
            for probe in ("parse", "shape", "guard", "sieve"):
                got = _kernel_run(pin, probe, frame, d)
                if got is None:
                    assert probe != "parse", f"XDP's test run refused frame {i}: {frame.hex()}"
                    refused += 1
                    continue
                kv, kout = got
                if probe in ("guard", "sieve"):
                    cv, cout = ref.call_packet(probe, frame[14:], protocol=net.eth_protocol(frame))
                    kout = kout[14:]
                else:
                    cv, cout = ref.call_packet(probe, frame)
                ran += 1
                if (kv, kout) != (cv, cout):
                    mismatches.append(f"{probe} on {frame.hex()}: kernel {kv} {kout.hex()}, CPython {cv} {cout.hex()}")
        assert not mismatches, f"{len(mismatches)} of {ran}:\n" + "\n".join(mismatches[:10])
        assert ran > 1300, (ran, refused)
        kmap = _map(pinmaps, "obs")
        cmap = {int(k): int(v) for k, v in ref.ns["obs"].items()}
        assert kmap == cmap, {k: (kmap.get(k), cmap.get(k)) for k in set(kmap) | set(cmap) if kmap.get(k) != cmap.get(k)}
        assert _uncaught(pinmaps) == sorted(ref.uncaught.values()), (_uncaught(pinmaps), ref.report())
        kinds = {exc for (_, exc, _) in ref.uncaught}
        assert kinds == {"IndexError", "ValueError", "OverflowError"}, ref.report()


HELPER_PROBES = """from pybpf import *

obs: Hash[u32, u64] = Hash(max_entries=64)


@xdp
def grow(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    udp = pkt.header(udphdr, after=ip)
    hd = ntohs(udp.source) - 5000
    td = ntohs(udp.dest) - 5000
    flags = ip.tos
    try:
        ctx.adjust_head(hd)
    except OSError:
        obs[1] += 1
    try:
        ctx.adjust_tail(td)
    except OSError:
        obs[2] += 1
    obs[3] += len(ctx.packet())
    return ctx.redirect(5, flags)


@tc("ingress")
def csum(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    udp = pkt.header(udphdr, after=ip)
    ipoff = pkt.offset(ip)
    uoff = pkt.offset(udp)
    old_id = ip.id
    new_id = udp.dest
    old_src = ip.saddr
    new_src = (old_src * 7 + udp.source) & 0xFFFFFFFF
    ip.id = new_id
    ip.saddr = new_src
    bpf.l3_csum_replace(ctx, ipoff + 10, old_id, new_id, 2)
    bpf.l3_csum_replace(ctx, ipoff + 10, old_src, new_src, 4)
    bpf.l4_csum_replace(ctx, uoff + 6, old_src, new_src, 0x10 | 0x20 | 4)
    return TC_ACT_OK


@tc("egress")
def resize(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr, after=pkt.header(ethhdr))
    udp = pkt.header(udphdr, after=ip)
    n = ntohs(udp.source) - 5000 + len(pkt) + (ip.ttl - 64) * 1000
    pull = ntohs(udp.dest) - 5000 + len(pkt)
    flags = ip.tos
    try:
        ctx.pull_data(pull)
    except OSError:
        obs[10] += 1
    try:
        ctx.change_tail(n, 0)
    except OSError:
        obs[11] += 1
    obs[12] += ctx.len
    return ctx.redirect(3, flags)
"""


def _helper_frames():
    """UDP frames whose ports carry the helpers' arguments (5000 + delta) and whose tos the
    redirect flags: adjust_head / adjust_tail at and past the test run's frame limits,
    pull_data / change_tail past the packet and the device, checksums of many addresses"""
    import packets as P
    import random
    rng = random.Random(7)
    out = []
    for hd, td in ((0, 0), (-216, 0), (-217, 0), (33, 0), (34, 0), (-10, 10), (20, -20), (0, -33), (0, -34),
                   (0, 3473), (0, 3474), (-216, 3689), (-216, 3690), (33, -19), (-100, -10)):
        out.append(("xdp", hd, td, P.udp4(b"x" * 5, sport=5000 + hd, dport=5000 + td)))
    for tos in (0, 1, 2):
        f = bytearray(P.udp4(b"x" * 5, sport=5000, dport=5000))
        f[15] = tos
        out.append(("xdp", 0, 0, bytes(f)))
    for n, pull in ((0, 0), (10, 0), (-10, 0), (-33, 0), (-34, 0), (0, 1), (0, -47), (0, 100), (16017, 0),
                    (16018, 0), (2000, 3)):
        k, r = divmod(n, 1000) if n > 1000 else (0, n)
        for tos in (0, 1, 2):
            f = bytearray(P.udp4(b"x" * 5, sport=5000 + r, dport=5000 + pull))
            f[15] = tos
            f[22] = 64 + k   # the TTL: 1000s more
            out.append(("resize", n, pull, bytes(f)))
    for _ in range(40):
        src = ".".join(str(rng.randrange(256)) for _ in range(4))
        out.append(("csum", 0, 0, P.udp4(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20))), src=src,
                                         sport=rng.randrange(65536), dport=rng.randrange(65536))))
    zero = bytearray(P.udp4(b"zz", sport=1, dport=2))
    zero[40:42] = b"\0\0"   # no UDP checksum: BPF_F_MARK_MANGLED_0 leaves it 0
    out.append(("csum", 0, 0, bytes(zero)))
    return out


@test
def packet_helpers_kernel_vs_shim():
    """The packet path's helpers as the shim models them (ctx.adjust_head/adjust_tail/redirect,
    ctx.pull_data/change_tail, bpf.l3_csum_replace/l4_csum_replace, pkt.offset): on frames
    at and past each limit the kernel's test run gives the same verdicts, bytes, errno
    counts, and the checksums it computes are the shim's (and right)."""
    import packets as P
    import pyref
    with tempfile.TemporaryDirectory(prefix="pybpf-shimpkt-") as d, \
            _pinned(d, _written(d, "helpers.py", HELPER_PROBES)) as (pin, pinmaps):
        src = os.path.join(d, "helpers.py")
        ref = pyref.Probe(src)
        bad = []
        for probe, a, b, frame in _helper_frames():
            probe = "grow" if probe == "xdp" else probe
            got = _kernel_run(pin, probe, frame, d)
            want = ref.call_packet(probe, frame)
            if got != want:
                bad.append(f"{probe}({a}, {b}) on {frame.hex()}:\n  kernel  {got[0]} {got[1].hex()}\n"
                           f"  CPython {want[0]} {want[1].hex()}")
            if probe == "csum":
                out = got[1]
                assert P.checksum(out[14:34]) == 0, out.hex()
                if out[40:42] != b"\0\0":
                    pseudo = out[26:34] + b"\0\x11" + out[38:40]
                    assert P.checksum(pseudo + out[34:]) == 0, out.hex()
        assert not bad, f"{len(bad)} differ:\n" + "\n".join(bad[:8])
        kmap = _map(pinmaps, "obs")
        cmap = {int(k): int(v) for k, v in ref.ns["obs"].items()}
        assert kmap == cmap, (kmap, cmap)
        assert sorted(kmap) == [1, 2, 3, 10, 11, 12], kmap
        assert _uncaught(pinmaps) == sorted(ref.uncaught.values()) == [], ref.report()
