#!/usr/bin/env python3
"""Editor support: every example is a typed Python program.

(a) every probe in examples/*.py, examples/{tools,net,sched}/*.py and tests/semantics/*.py
    parses with CPython's ast;
(b) `MYPYPATH=python mypy --strict` over all of them (from the repository
    root, so mypy.ini enables python/pybpf/mypy_plugin.py) reports nothing:
    one check per file;
(c) the stub is not vacuous: small probes that pybpf rejects are rejected by
    mypy too, each with the expected message, and a probe whose own names
    shadow kernel struct names (a map named `filename`) passes.

Prints "typing: N passed, M failed" and exits 1 on any failure.
"""
import ast
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

from tally import Tally

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATTERNS = ("examples/*.py", "examples/tools/*.py", "examples/net/*.py", "examples/sched/*.py", "tests/semantics/*.py")

TALLY = Tally()
report = TALLY.report


def mypy(args, cwd=ROOT):
    env = dict(os.environ, MYPYPATH=os.path.join(ROOT, "python"))
    cmd = ["mypy", "--strict", "--config-file", os.path.join(ROOT, "mypy.ini"),
           "--cache-dir", os.devnull] + args   # no cache: runs may be concurrent
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


# (c): probe source -> messages mypy must report (each a regex, in order of lines)
NEGATIVE = {
    "str_without_capacity": ('counts: Hash[str, u64] = Hash()\n',
                             [r":3: error: 'str' needs a capacity in pybpf"]),
    "str_capacity_range": ('counts: Hash[str[0], u64] = Hash()\n',
                           [r":3: error: str capacity must be between 1 and 4096 bytes, not 0"]),
    "lhist_buckets": ('lat: Hash[u32, LHist[0, 100, 7]] = Hash()\nl2: LHist[0, 100] = LHist()\n',
                      [r":3: error: LHist\[lo, hi, step\] needs lo < hi", r":4: error: LHist needs its buckets"]),
    "hash_keywords_only": ('h: Hash[u32, u64] = Hash(100)\n', [r":3: error: Too many positional arguments for \"Hash\""]),
    "struct_fields": ('class E(Struct):\n    pid: u32\n    comm: str[16]\n\n'
                      'ev: RingBuf[E] = RingBuf(size=4096)\n\n'
                      '@begin\ndef b() -> None:\n    ev.output(E(1, "x", 3))\n    ev.output(E(pid=1, comm=2))\n'
                      '    ev.output(3)\n',
                      [r":11: error: Too many arguments for \"E\"",
                       r":12: error: Argument \"comm\" to \"E\" has incompatible type \"int\"; expected \"str\"",
                       r":13: error: Argument 1 to \"output\" of \"RingBuf\" has incompatible type \"int\""]),
    "probe_returns_none": ('@tracepoint("syscalls/sys_enter_getppid")\ndef p(args: TracepointArgs) -> int:\n    return 1\n',
                           [r":3: error: Value of type variable \"_F\" of function cannot be"]),
    "map_items_are_pairs": ('h: Hash[u32, u64] = Hash()\n\n@begin\ndef b() -> None:\n    for k, v in sorted(h.items()):\n        x: str[4] = v\n',
                            [r":8: error: Incompatible types in assignment \(expression has type \"int\", variable has type \"str\"\)"]),
    "count_add_no_args": ('c: Hash[u32, Count] = Hash()\n\n@begin\ndef b() -> None:\n    c[1].add(2)\n',
                          [r":7: error: Too many arguments for \"add\" of \"Count\""]),
    "kernel_field_types": ('@begin\ndef b() -> None:\n    t = current_task()\n    x: str[16] = t.pid\n',
                           [r":6: error: Incompatible types in assignment \(expression has type \"int\", variable has type \"str\"\)"]),
    "final_tuple_items": ('NAMES: Final = ("read", "write")\n\n@begin\ndef b() -> None:\n    NAMES[0] = "open"\n'
                          '    x: int = NAMES[1]\n',
                          [r":7: error: Unsupported target for indexed assignment",
                           r":8: error: Incompatible types in assignment \(expression has type \"str\", variable has type \"int\"\)"]),
    "kfunc_args": ('@struct_ops("tcp_congestion_ops", name="x")\nclass X:\n'
                   '    def ssthresh(self, sk: sock) -> u32:\n        return tcp_reno_ssthresh(tcp_sk(sk))\n',
                   [r":6: error: Argument 1 to \"tcp_reno_ssthresh\" has incompatible type \"tcp_sock\"; expected \"sock\""]),
    # packet probes (docs/packets.md): the context's type comes from the decorator
    "packet_fields": ('@xdp\ndef a(ctx) -> int:\n    pkt = ctx.packet()\n    eth = pkt.header(ethhdr)\n'
                      '    ip = pkt.header(iphdr, after=eth)\n    x: str[4] = ip.saddr\n    ctx.ingress_ifindex = 3\n'
                      '    print(eth.h_prot)\n    pkt.header(int)\n    return ip.protocol\n',
                      [r":8: error: Incompatible types in assignment \(expression has type \"int\", variable has type \"str\"\)",
                       r":9: error: Property \"ingress_ifindex\" defined in \"xdp_md\" is read-only",
                       r":10: error: \"ethhdr\" has no attribute \"h_prot\"; maybe \"h_proto\"\?",
                       r":11: error: Value of type variable \"_H\" of \"header\" of \"Packet\" cannot be \"int\""]),
    # pybpf assigns a header's own integer fields only
    "packet_readonly_fields": ('@tc("egress")\ndef w(ctx) -> int:\n    pkt = ctx.packet()\n    eth = pkt.header(ethhdr)\n'
                               '    ip = pkt.header(iphdr, after=eth)\n    tcp = pkt.header(tcphdr, after=ip)\n'
                               '    tcp.syn = 0\n    eth.h_dest = eth.h_source\n    ip.addrs.daddr = 1\n    ip.ihl = 5\n'
                               '    ip.ttl = 1\n    return TC_ACT_OK\n',
                               [r":9: error: Property \"syn\" defined in \"tcphdr\" is read-only",
                                r":11: error: Property \"daddr\" defined in \"_iphdr_addrs\" is read-only",
                                r":12: error: Property \"ihl\" defined in \"iphdr\" is read-only"]),
    "packet_probe_kinds": ('@tc("sideways")\ndef b(ctx) -> int:\n    return TC_ACT_OK\n\n'
                           '@xdp\ndef n(ctx) -> None:\n    pass\n\n'
                           '@cgroup_skb("egress")\ndef c(ctx) -> int:\n    ctx.packet().header(udphdr, after=ctx)\n'
                           '    return ctx.packet().header(udphdr).dest\n\n'
                           '@cgroup_sock_addr("bind4")\ndef d(ctx) -> int:\n    ctx.family = 2\n    ctx.packet()\n'
                           '    return 1\n',
                           [r":3: error: Argument 1 to \"tc\" has incompatible type \"Literal\['sideways'\]\"",
                            r":18: error: Property \"family\" defined in \"bpf_sock_addr\" is read-only",
                            r":19: error: \"bpf_sock_addr\" has no attribute \"packet\"",
                            r":7: error: Value of type variable \"_P\" of \"xdp\" cannot be \"Callable\[\[xdp_md\], None\]\"",
                            r":13: error: Argument \"after\" to \"header\" of \"Packet\" has incompatible type \"__sk_buff\"; "
                            r"expected \"Optional\[_PacketHeader\]\""]),
}

POSITIVE = {
    # a probe's own names come first: maps named like kernel structs
    "own_names_shadow_kernel": (
        'filename: Hash[u32, str[256]] = Hash()\nfile: Hash[u32, u64] = Hash()\n\n'
        '@tp_btf("sched_switch")\ndef sw(preempt: bool, prev: task_struct, next: task_struct) -> None:\n'
        '    filename[prev.pid] = prev.comm\n    file[next.pid] += prev.se.vruntime\n'
        '    path = filename[next.pid]\n    print(path, next.mm.arg_start, prev.real_parent.tgid)\n'),
    "maps_and_builtins": (
        'lat: LHist[0, 100, 10] = LHist()\nq: Queue[u32] = Queue(4)\nst: Stack[u32] = Stack(max_entries=4)\n'
        'a: Array[u64] = Array(8)\nw: Hash[tuple[str[16], KStack], Count] = Hash()\n\n'
        '@profile(hz=99)\ndef prof() -> None:\n    w[comm(), kstack()].add()\n    lat.add(u32(pid() % 100))\n'
        '    q.append(1)\n    st.append(q.popleft() + st.pop())\n    a[0] += 1\n\n'
        '@interval(seconds=1)\ndef tick() -> None:\n    show(w)\n    w.clear()\n    lat.clear()\n\n'
        '@uprobe("libc:malloc")\ndef m(size: u64, p: ptr) -> None:\n    try:\n        print(user_str(p, 16))\n'
        '    except (FaultError, MapFullError):\n        pass\n'),
    # docs/packets.md's example, and every header, context and address of the packet path
    "packet_probes": (
        'drops: Hash[IPv4, Count] = Hash(max_entries=1024)\nnets: LPMTrie[IPv4, u32] = LPMTrie(max_entries=16)\n'
        'peers: Hash[IPv6, u64] = Hash()\n\n'
        '@xdp\ndef firewall(ctx) -> int:\n    pkt = ctx.packet()\n    eth = pkt.header(ethhdr)\n'
        '    if ntohs(eth.h_proto) != 0x0800:\n        return XDP_PASS\n    ip = pkt.header(iphdr, after=eth)\n'
        '    if ntohl(ip.saddr) == ip4("10.0.0.2") or ntohl(ip.saddr) in nets:\n'
        '        drops[ntohl(ip.saddr)].add()\n        return XDP_DROP\n'
        '    if ip.protocol == 6:\n        tcp = pkt.header(tcphdr, after=ip)\n        tcp.window = htons(512)\n'
        '        return XDP_TX if tcp.doff > 5 and tcp.ae == 0 else XDP_ABORTED\n'
        '    icmp = pkt.header(icmphdr, after=ip)\n    ip.daddr = ip.addrs.saddr\n'
        '    return XDP_REDIRECT if ntohs(icmp.un.echo.id) == ctx.ingress_ifindex else XDP_PASS\n\n'
        '@tc("ingress")\ndef t(ctx) -> int:\n    pkt = ctx.packet()\n'
        '    v = pkt.header(vlan_hdr, after=pkt.header(ethhdr))\n    h = pkt.header(ipv6hdr, after=v)\n'
        '    peers[h.saddr] += 1\n    if h.saddr == ip6("fe80::1") and len(pkt) > 60 and pkt[0:6] == h.daddr[:6]:\n'
        '        ctx.mark = ctx.len\n        return TC_ACT_SHOT\n    u = pkt.header(udphdr, after=h)\n'
        '    u.dest = htons(53)\n    i6 = pkt.header(icmp6hdr, after=h)\n'
        '    return TC_ACT_REDIRECT if i6.icmp6_dataun.u_echo.identifier == i6.icmp6_dataun.un_data16[0] else TC_ACT_OK\n\n'
        '@tc("egress")\ndef t2(skb: __sk_buff) -> int:\n    return TC_ACT_UNSPEC if skb.protocol == 8 else TC_ACT_OK\n\n'
        '@cgroup_skb("egress")\ndef c(ctx) -> int:\n    ip = ctx.packet().header(iphdr)\n'
        '    return ip.version == 4 and ctx.protocol == 8\n\n'
        'routes: LPMTrie[IPv4, u32] = LPMTrie(max_entries=8, items={(ip4("10.1.0.0"), 16): 1})\n'
        'ports: Hash[u32, u32] = Hash(items={80: 8080})\nslots: Array[u64] = Array(4, items={0: 1})\n\n'
        '@cgroup_sock_addr("connect4")\ndef conn(ctx) -> int:\n    if ntohl(ctx.user_ip4) in routes:\n'
        '        ctx.user_port = htons(ports[ntohs(ctx.user_port)])\n    return ctx.family == 2\n\n'
        '@socket_filter\ndef sf(ctx) -> int:\n    pkt = ctx.packet()\n    ip = pkt.header(iphdr)\n'
        '    return len(pkt) if ip.protocol == 17 and pkt.offset(ip) == 0 else 0\n\n'
        '@xdp\ndef moves(ctx) -> int:\n    ctx.adjust_head(14)\n    bpf.xdp_adjust_tail(ctx, -4)\n'
        '    return ctx.redirect(3, 0)\n\n'
        '@tc("egress")\ndef sums(ctx) -> int:\n    pkt = ctx.packet()\n    ip = pkt.header(iphdr, after=pkt.header(ethhdr))\n'
        '    off = pkt.offset(ip)\n    old = ip.id\n    ip.id = 7\n    bpf.l3_csum_replace(ctx, off + 10, old, 7, 2)\n'
        '    ctx.change_tail(100, 0)\n    ctx.pull_data(60)\n    return ctx.redirect(2, 0)\n'),
}


def main():
    if shutil.which("mypy") is None:
        report("mypy", False, "mypy is not installed (Debian: apt-get install mypy; 'make deps' installs it)")
        return TALLY.summary("typing")
    files = sorted(f for p in PATTERNS for f in glob.glob(os.path.join(ROOT, p)))
    rel = [os.path.relpath(f, ROOT) for f in files]

    # (a) CPython's parser
    for f, r in zip(files, rel):
        try:
            ast.parse(open(f).read(), f)
            report("ast " + r, True)
        except SyntaxError as e:
            report("ast " + r, False, str(e))

    # (b) mypy --strict over every example at once; errors counted per file
    p = mypy(rel)
    errors = {}
    for line in p.stdout.splitlines():
        m = re.match(r"(.+?):\d+: (error|note):", line)
        if m:
            errors.setdefault(os.path.normpath(m.group(1)), []).append(line)
    for r in rel:
        report("mypy " + r, r not in errors, "\n".join(errors.get(r, [])))
    unexplained = p.returncode != 0 and not errors
    if unexplained or p.stderr.strip():
        report("mypy run", False, "exit status %d\n%s%s" % (p.returncode, p.stdout, p.stderr))

    # (c) what mypy must reject, and what it must accept
    d = tempfile.mkdtemp(prefix="pybpf-typing-")
    try:
        head = '"""typing check"""\nfrom pybpf import *\n'
        names = []
        for name, (src, _) in list(NEGATIVE.items()) + [(k, (v, None)) for k, v in POSITIVE.items()]:
            open(os.path.join(d, name + ".py"), "w").write(head + src)
            names.append(name + ".py")
        p = mypy(names, cwd=d)
        out = p.stdout.splitlines()
        for name, (src, want) in NEGATIVE.items():
            got = [l for l in out if l.startswith(name + ".py:")]
            missing = [w for w in want if not any(re.search(w, l) for l in got)]
            extra = [l for l in got if not any(re.search(w, l) for w in want)]
            report("reject " + name, not missing and not extra,
                   "".join("missing: %s\n" % w for w in missing) + "".join("unexpected: %s\n" % l for l in extra))
        for name in POSITIVE:
            got = [l for l in out if l.startswith(name + ".py:")]
            report("accept " + name, not got, "\n".join(got))
    finally:
        shutil.rmtree(d, ignore_errors=True)

    return TALLY.summary("typing")


if __name__ == "__main__":
    sys.exit(main())
