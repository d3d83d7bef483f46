"""Runtime tests of packet probes (docs/packets.md, loader/net.c): @xdp and
@tc on a veth pair between two network namespaces each test creates, with
traffic the test makes (ping, UDP sockets) and exact counts; @cgroup_skb on
a cgroup the test creates; pybpf test-run on crafted packets; the errors;
--pin, reload and unload.

Nothing here touches the machine's own interfaces or its network namespace:
the loader runs with `nsenter --net=` (the network namespace only, so
/sys/fs/bpf is the machine's, where pins must live: `ip netns exec` would
give it a mount namespace of its own), traffic with `ip netns exec`.
Everything a test creates is removed in its finally, failed or not.
"""
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time

from runtime import PYBPF, Loader, assert_nothing_left, check, test

PID = os.getpid()


def sh(*cmd, ns=None, check_rc=True, timeout=60):
    if ns:
        cmd = ("ip", "netns", "exec", ns) + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check_rc and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stdout}{p.stderr}")
    return p


class Veth:
    """Two network namespaces joined by a veth pair: va (10.0.0.1/24) in
    self.a, vb (10.0.0.2/24) in self.b; no IPv6, so the only packets are
    ARP and what the test sends."""

    def __init__(self, tag):
        self.a, self.b = f"pybpf-{tag}-{PID}-a", f"pybpf-{tag}-{PID}-b"
        self.va, self.vb = f"pn{PID}a", f"pn{PID}b"

    def __enter__(self):
        try:
            for ns in (self.a, self.b):
                sh("ip", "netns", "add", ns)
                sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1", ns=ns)
                sh("ip", "link", "set", "lo", "up", ns=ns)
            sh("ip", "link", "add", self.va, "netns", self.a, "type", "veth", "peer", "name", self.vb, "netns", self.b)
            sh("ip", "-n", self.a, "addr", "add", "10.0.0.1/24", "dev", self.va)
            sh("ip", "-n", self.b, "addr", "add", "10.0.0.2/24", "dev", self.vb)
            sh("ip", "-n", self.a, "link", "set", self.va, "up")
            sh("ip", "-n", self.b, "link", "set", self.vb, "up")
            self.ping(1)   # ARP resolved before any probe counts
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for ns in (self.a, self.b):
            subprocess.run(["ip", "netns", "delete", ns], capture_output=True)
        return False

    def loader(self, ns, src, args=(), name="probe.py"):
        """pybpf load in network namespace ns (a Loader: killed on exit)"""
        ld = Loader(src, args, name=name)
        ld.cmd = ["nsenter", f"--net=/run/netns/{ns}", PYBPF, "load", ld.path, *args]
        return ld

    def ping(self, n, want_received=None):
        """n pings from a to b, 10 ms apart; returns ping's summary line"""
        p = sh("ping", "-c", str(n), "-i", "0.01", "-W", "1", "10.0.0.2", ns=self.a, check_rc=False)
        summary = next((l for l in p.stdout.splitlines() if "packets transmitted" in l), p.stdout + p.stderr)
        return summary.split(", time")[0]

    def attached(self, ns, dev):
        """what bpftool net shows on dev: ["xdp driver NAME", "tcx/egress NAME"], [] when nothing"""
        out = subprocess.run(["nsenter", f"--net=/run/netns/{ns}", "bpftool", "-j", "net", "show", "dev", dev],
                             capture_output=True, text=True, check=True).stdout
        info = json.loads(out)[0]
        got = []
        for x in info["xdp"]:
            prog = json.loads(subprocess.run(["bpftool", "-j", "prog", "show", "id", str(x["id"])],
                                             capture_output=True, text=True, check=True).stdout)
            got.append(f"xdp {x['mode']} {prog['name']}")
        got += [f"{t['kind']} {t['name']}" for t in info["tc"]]
        return got + [f"{k} {x}" for k in ("flow_dissector", "netfilter") for x in info[k]]


def udp_send(ns, sends):
    """From namespace ns: sends = [(port, count, size)] of UDP datagrams to
    10.0.0.2; returns what the sender saw: 'PORT: sent N, refused M' lines
    (refused: sendto failed with EPERM)"""
    code = f'''
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, n, size in {sends!r}:
    ok = refused = 0
    for i in range(n):
        try:
            s.sendto(b"x" * size, ("10.0.0.2", port))
            ok += 1
        except PermissionError:
            refused += 1
    print(f"{{port}}: sent {{ok}}, refused {{refused}}")
'''
    return sh("python3", "-c", code, ns=ns).stdout


# ---- (a) @xdp: exactly the pings dropped, counted by source address --------

FIREWALL = '''from pybpf import *

icmp_drops: Hash[IPv4, Count] = Hash(max_entries=64)
passed: Count = Count()


@xdp
def xdp_icmp(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return XDP_PASS
    ip = pkt.header(iphdr, after=eth)
    if ip.protocol == 1 and ntohl(ip.saddr) == ip4("10.0.0.1"):
        icmp = pkt.header(icmphdr, after=ip)
        if icmp.type == 8:
            icmp_drops[ntohl(ip.saddr)].add()
            return XDP_DROP
    passed.add()
    return XDP_PASS
'''


@test
def xdp_drops_pings_on_a_veth():
    """@xdp on the veth end in namespace b drops every echo request from
    10.0.0.1 (ping sees 100% loss) and counts them by address; UDP passes
    (counted); at exit nothing is left on the interface."""
    with Veth("xdp") as v:
        with v.loader(v.b, FIREWALL, ["--iface", v.vb]) as ld:
            check(v.attached(v.b, v.vb), ["xdp driver xdp_icmp"], "the XDP program on vb")
            got = v.ping(17)
            sent = udp_send(v.a, [(9999, 5, 10)])
            out, err = ld.finish()
        check(got, "17 packets transmitted, 0 received, 100% packet loss", "ping")
        check(sent, "9999: sent 5, refused 0\n", "the UDP sender")
        check(out, "icmp_drops[10.0.0.1]: 17\n\npassed: 5\n")
        assert ld.rc == 0, err
        check(v.attached(v.b, v.vb), [], "the interface after the loader ended")
        check(v.ping(3), "3 packets transmitted, 3 received, 0% packet loss", "ping with the loader gone")
    assert_nothing_left(["xdp_icmp"], ["icmp_drops", "passed"])


# ---- (b) @tc("egress"): packets and bytes of the test's datagrams --------------

TC_EGRESS = '''from pybpf import *

packets: Hash[u16, Count] = Hash(max_entries=16)
wire_bytes: Hash[u16, Sum] = Hash(max_entries=16)
payload: Hash[u16, Sum] = Hash(max_entries=16)
shot: Hash[u16, Count] = Hash(max_entries=16)


@tc("egress")
def tc_udp_out(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return TC_ACT_UNSPEC
    ip = pkt.header(iphdr, after=eth)
    if ip.protocol != 17:
        return TC_ACT_UNSPEC
    udp = pkt.header(udphdr, after=ip)
    port = ntohs(udp.dest)
    if port == 9998:
        shot[port].add()
        return TC_ACT_SHOT
    packets[port].add()
    wire_bytes[port].add(ctx.len)
    payload[port].add(ntohs(udp.len) - 8)
    return TC_ACT_OK
'''

RECEIVER = '''
import select, socket, sys
socks = {}
for port in (9997, 9998):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.0.2", port))
    socks[s] = port
got = {9997: 0, 9998: 0}
print("ready", flush=True)
while True:
    r, _, _ = select.select(list(socks), [], [], 1.0)   # 1 s of quiet: all came
    if not r:
        break
    for s in r:
        s.recv(65536)
        got[socks[s]] += 1
print(f"9997: {got[9997]}, 9998: {got[9998]}")
'''


@test
def tc_egress_counts_and_shoots_udp():
    """@tc("egress") on va counts exactly the packets and bytes (skb len:
    Ethernet + IP + UDP headers + payload) of the datagrams the test sends,
    and TC_ACT_SHOT stops the ones to port 9998: the receiver in namespace
    b gets the others only."""
    with Veth("tc") as v:
        rx = subprocess.Popen(["ip", "netns", "exec", v.b, "python3", "-c", RECEIVER], stdout=subprocess.PIPE,
                              text=True)
        try:
            assert rx.stdout.readline() == "ready\n"
            with v.loader(v.a, TC_EGRESS, ["--iface", v.va]) as ld:
                check(v.attached(v.a, v.va), ["tcx/egress tc_udp_out"], "the tcx program on va")
                sent = udp_send(v.a, [(9997, 11, 100), (9997, 2, 1000), (9998, 4, 50)])
                received = rx.communicate(timeout=30)[0]
                out, err = ld.finish()
        finally:
            if rx.poll() is None:
                rx.kill()
                rx.wait()
        check(sent, "9997: sent 11, refused 0\n9997: sent 2, refused 0\n9998: sent 4, refused 0\n", "the sender")
        check(received, "9997: 13, 9998: 0\n", "the receiver")
        check(out, f"packets[9997]: 13\n\nwire_bytes[9997]: {11 * (42 + 100) + 2 * (42 + 1000)}\n\n"
                   f"payload[9997]: {11 * 100 + 2 * 1000}\n\nshot[9998]: 4\n")
        assert ld.rc == 0, err
        check(v.attached(v.a, v.va), [], "the interface after the loader ended")
    assert_nothing_left(["tc_udp_out"], ["packets", "wire_bytes", "payload", "shot"])


# ---- (c) @cgroup_skb("egress"): a child process's packets ----------------------------

CGROUP_EGRESS = '''from pybpf import *

allowed: Hash[u16, Count] = Hash(max_entries=16)
refused: Hash[u16, Count] = Hash(max_entries=16)
peers: Hash[IPv4, Count] = Hash(max_entries=16)


@cgroup_skb("egress")
def cg_udp_out(ctx) -> int:
    pkt = ctx.packet()
    ip = pkt.header(iphdr)
    if ip.protocol != 17:
        return 1
    udp = pkt.header(udphdr, after=ip)
    peers[ntohl(ip.daddr)].add()
    if ntohs(udp.dest) == 9998:
        refused[ntohs(udp.dest)].add()
        return 0
    allowed[ntohs(udp.dest)].add()
    return 1
'''


def cgroup2_root():
    for line in open("/proc/self/mounts"):
        f = line.split()
        if f[2] == "cgroup2":
            return f[1]
    raise AssertionError("no cgroup2 mounted")


@test
def cgroup_skb_egress_of_a_cgroup():
    """@cgroup_skb("egress") on a cgroup the test creates sees the packets
    of the process the test moves into it (and only those: the test's own
    datagrams outside it are not counted); returning 0 drops a datagram,
    which its sender sees as EPERM."""
    cg = os.path.join(cgroup2_root(), f"pybpf-net-{PID}")
    os.mkdir(cg)
    try:
        with Veth("cg") as v:
            with Loader(CGROUP_EGRESS, ["--cgroup", cg]) as ld:
                outside = udp_send(v.a, [(9997, 3, 10)])   # not in the cgroup: not seen
                child = subprocess.run(["ip", "netns", "exec", v.a, "python3", "-c", f'''
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ok = eperm = 0
for port, n in ((9997, 6), (9998, 4)):
    for i in range(n):
        try:
            s.sendto(b"y" * 20, ("10.0.0.2", port))
            ok += 1
        except PermissionError:
            eperm += 1
print(f"sent {{ok}}, EPERM {{eperm}}")
'''], preexec_fn=lambda: open(os.path.join(cg, "cgroup.procs"), "w").write("0"), capture_output=True,
                    text=True, timeout=60)
                out, err = ld.finish()
        check(outside, "9997: sent 3, refused 0\n", "the sender outside the cgroup")
        check(child.stdout, "sent 6, EPERM 4\n", "the sender in the cgroup")
        check(out, "allowed[9997]: 6\n\nrefused[9998]: 4\n\npeers[10.0.0.2]: 10\n")
        assert ld.rc == 0, err
    finally:
        os.rmdir(cg)
    assert_nothing_left(["cg_udp_out"], ["allowed", "refused", "peers"])


# ---- (d) pybpf test-run ------------------------------------------------------------------

def ipv4_packet(src, dst, proto, payload, ttl=64, ihl=5):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(payload), 1, 0, ttl, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + bytes(4 * ihl - 20)
    return bytes.fromhex("020000000002" "020000000001" "0800") + h + payload


ECHO = bytes([8, 0, 0, 0, 0, 1, 0, 1])   # ICMP echo request
REPLY = bytes([0, 0, 0, 0, 0, 1, 0, 1])
ARP = bytes.fromhex("ffffffffffff" "020000000001" "0806") + bytes(28)

TEST_RUN = FIREWALL + '''

@tc("ingress")
def tc_ttl(ctx) -> int:
    pkt = ctx.packet()
    eth = pkt.header(ethhdr)
    if ntohs(eth.h_proto) != 0x0800:
        return TC_ACT_UNSPEC
    ip = pkt.header(iphdr, after=eth)
    if ip.ttl <= 1:
        print(f"ttl ran out: {len(pkt)} bytes")
        return TC_ACT_SHOT
    ip.ttl = ip.ttl - 1
    return TC_ACT_OK


@cgroup_skb("ingress")
def cg_icmp(ctx) -> int:
    ip = ctx.packet().header(iphdr)
    return 0 if ip.protocol == 1 else 1


@begin
def start() -> None:
    print("begin")


@end
def stop() -> None:
    print("end")
'''


def test_run(src, packets, extra=()):
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    try:
        path = os.path.join(d, "probe.py")
        open(path, "w").write(src)
        args = [a for p in packets for a in ("--packet", p.hex())]
        p = subprocess.run([PYBPF, "test-run", path, *args, *extra], capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr.replace(path, "probe.py")
    finally:
        shutil.rmtree(d)


@test
def test_run_verdicts_of_crafted_packets():
    """pybpf test-run: one line per packet and packet probe with the
    verdict's name and number, the packet when the program changed it (tc's
    TTL), @begin/@end prints in order, maps and exceptions at exit."""
    pkts = [ipv4_packet("10.0.0.1", "10.0.0.2", 1, ECHO),          # dropped by xdp and cgroup_skb
            ipv4_packet("10.0.0.1", "10.0.0.2", 1, REPLY, ttl=1),  # not an echo request; tc: ttl runs out
            ipv4_packet("10.0.0.3", "10.0.0.2", 17, bytes(8)),     # UDP
            ARP,
            bytes.fromhex("020000000002" "020000000001" "0800") + bytes([0x45, 0])]   # too short: IndexError
    rc, out, err = test_run(TEST_RUN, pkts[:4])
    ttl63 = ipv4_packet("10.0.0.1", "10.0.0.2", 1, ECHO, ttl=63).hex()
    udp63 = ipv4_packet("10.0.0.3", "10.0.0.2", 17, bytes(8), ttl=63).hex()
    check(out, "begin\n"
               "xdp_icmp: packet 1: XDP_DROP (1)\n"
               f"tc_ttl: packet 1: TC_ACT_OK (0) data {ttl63}\n"
               "cg_icmp: packet 1: drop (0)\n"
               "xdp_icmp: packet 2: XDP_PASS (2)\n"
               "ttl ran out: 42 bytes\n"
               "tc_ttl: packet 2: TC_ACT_SHOT (2)\n"
               "cg_icmp: packet 2: drop (0)\n"
               "xdp_icmp: packet 3: XDP_PASS (2)\n"
               f"tc_ttl: packet 3: TC_ACT_OK (0) data {udp63}\n"
               "cg_icmp: packet 3: allow (1)\n"
               "xdp_icmp: packet 4: XDP_PASS (2)\n"
               "tc_ttl: packet 4: TC_ACT_UNSPEC (-1)\n"
               "cg_icmp: packet 4: allow (1)\n"
               "end\n"
               "icmp_drops[10.0.0.1]: 1\n"
               "\n"
               "passed: 2\n")
    check(err, "", "stderr")
    assert rc == 0

    # the short packet: xdp raises IndexError (counted, the packet passes);
    # the kernel refuses an IPv4 skb without its whole header (explained)
    rc, out, err = test_run(FIREWALL, [pkts[4], pkts[0]])
    check(out, "xdp_icmp: packet 1: XDP_PASS (2)\nxdp_icmp: packet 2: XDP_DROP (1)\nicmp_drops[10.0.0.1]: 1\n")
    check(err, "probe.py:13: IndexError in xdp_icmp: 1 time\n", "stderr")
    rc, out, err = test_run(TEST_RUN, [pkts[4]])
    check(out, "begin\nxdp_icmp: packet 1: XDP_PASS (2)\n")
    check(err, "probe.py:23:1: error: cannot run probe 'tc_ttl' (@tc(\"ingress\")) on packet 1 (16 bytes): Invalid "
               "argument\n    @tc(\"ingress\")\n    ^\n"
               "note: the kernel runs @tc probes on packets of 14 (an Ethernet header) to "
               f"{os.sysconf('SC_PAGESIZE') - 384} bytes; one of ethertype 0x0800 (IPv4) must hold the whole IP "
               "header (34 bytes at least), one of 0x86dd (IPv6) its 40 (54 bytes at least)\n", "stderr")
    assert rc == 1

    # --repeat: the kernel's time per run; the map saw every run
    rc, out, err = test_run(FIREWALL, [pkts[0]], ["--repeat", "1000"])
    assert re.fullmatch(r"xdp_icmp: packet 1: XDP_DROP \(1\) \d+ ns/run\nicmp_drops\[10\.0\.0\.1\]: 1000\n", out), out
    rc, out, err = test_run(TEST_RUN, pkts[:1], ["--repeat", "3", "--format", "json"])
    got = [json.loads(l) for l in out.splitlines()]
    for o in got:
        if o.get("ns_per_run") is not None:
            assert isinstance(o["ns_per_run"], int) and o["ns_per_run"] >= 0, o
            o["ns_per_run"] = "N"
    ttl61 = ipv4_packet("10.0.0.1", "10.0.0.2", 1, ECHO, ttl=61).hex()   # three runs on one buffer
    check(got, [
        {"type": "print", "probe": "start", "text": "begin"},
        {"type": "test_run", "probe": "xdp_icmp", "packet": 1, "verdict": "XDP_DROP", "retval": 1, "data": None,
         "ns_per_run": "N"},
        {"type": "test_run", "probe": "tc_ttl", "packet": 1, "verdict": "TC_ACT_OK", "retval": 0, "data": ttl61,
         "ns_per_run": "N"},
        {"type": "test_run", "probe": "cg_icmp", "packet": 1, "verdict": "drop", "retval": 0, "data": None,
         "ns_per_run": "N"},
        {"type": "print", "probe": "stop", "text": "end"},
        {"type": "map", "name": "icmp_drops", "entries": [{"key": "10.0.0.1", "value": 3}]},
    ], "JSON lines")   # passed: unused, not shown
    assert_nothing_left(["xdp_icmp", "tc_ttl", "cg_icmp"], ["icmp_drops", "passed"])


@test
def test_run_refusals():
    """test-run's usage errors and the probes it cannot run, whole messages."""
    def usage_line(*args):
        p = subprocess.run([PYBPF, "test-run", *args], capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr.splitlines()[0]
    check(usage_line("x.py"), (2, "pybpf: error: test-run needs packets to run: --packet HEX (an Ethernet frame), "
                                  "once or more"))
    check(usage_line("x.py", "--packet", "0800"), (2, "pybpf: error: --packet 0800: 2 bytes: a packet starts with "
                                                      "an Ethernet header (14 bytes)"))
    check(usage_line("x.py", "--packet", "08:00:zz"), (2, "pybpf: error: --packet 08:00:zz: expected pairs of hex "
                                                          "digits (':' or spaces may separate them)"))
    check(usage_line("x.py", "--packet", ARP.hex(), "--pin", "x"),
          (2, "pybpf: error: --pin: pybpf test-run attaches nothing and ends when the packets have run"))
    check(usage_line("x.py", "--packet", ARP.hex(), "--repeat", "0"),
          (2, "pybpf: error: --repeat 0: expected a number of runs, 1 to 100000000"))
    rc, out, err = test_run('''from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def t_tr_tp() -> None:
    pass
''', [ARP])
    check((rc, err), (1, "probe.py:3:1: error: pybpf test-run runs a file's packet probes on the packets given (and "
                         "its @begin and @end probes once); 't_tr_tp' is a @tracepoint probe, which needs pybpf "
                         "load\n    @tracepoint(\"syscalls/sys_enter_getppid\")\n    ^\n"))
    rc, out, err = test_run('''from pybpf import *

@begin
def t_tr_b() -> None:
    pass
''', [ARP])
    check((rc, err), (1, "pybpf: error: probe.py has no packet probe (@xdp, @tc, @cgroup_skb, @socket_filter) for pybpf test-run to "
                         "run; pybpf run runs @begin and @end probes\n"))


# ---- (e) errors ------------------------------------------------------------------------------

def load_err(src, args=(), ns=None):
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    try:
        path = os.path.join(d, "probe.py")
        open(path, "w").write(src)
        cmd = [PYBPF, "load", path, *args, "--duration", "0.1"]
        if ns:
            cmd = ["nsenter", f"--net=/run/netns/{ns}"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stderr.replace(path, "probe.py")
    finally:
        shutil.rmtree(d)


@test
def packet_probe_errors():
    """Missing --iface / --cgroup, an unknown interface, a directory that
    is no cgroup, options no probe uses, and the kernel's EBUSY for a
    second XDP program on one interface: whole messages."""
    check(load_err(FIREWALL), (1, "probe.py:7:1: error: probe 'xdp_icmp' (@xdp) needs an interface: pybpf load "
                                  "--iface NAME\n    @xdp\n    ^\n"))
    check(load_err(TC_EGRESS), (1, "probe.py:9:1: error: probe 'tc_udp_out' (@tc(\"egress\")) needs an interface: "
                                   "pybpf load --iface NAME\n    @tc(\"egress\")\n    ^\n"))
    where = f"cgroup2 is mounted at {cgroup2_root()} here"
    check(load_err(CGROUP_EGRESS), (1, "probe.py:8:1: error: probe 'cg_udp_out' (@cgroup_skb(\"egress\")) needs a "
                                       "cgroup: pybpf load --cgroup PATH (a cgroup v2 directory; " + where + ")\n"
                                       "    @cgroup_skb(\"egress\")\n    ^\n"))
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    try:
        check(load_err(CGROUP_EGRESS, ["--cgroup", d]),
              (1, f"pybpf: error: --cgroup {d}: not a cgroup v2 directory ({where})\n"))
        check(load_err(CGROUP_EGRESS, ["--cgroup", d + "/none"]),
              (1, f"pybpf: error: --cgroup {d}/none: No such file or directory (a cgroup v2 directory; {where})\n"))
    finally:
        os.rmdir(d)
    check(load_err(CGROUP_EGRESS, ["--iface", "lo", "--cgroup", cgroup2_root()]),
          (1, "pybpf: error: --iface lo: no probe of probe.py attaches to an interface (@xdp, @tc and @socket_filter probes do)\n"))
    with Veth("err") as v:
        check(load_err(FIREWALL, ["--iface", v.va], ns=v.b),
              (1, f"pybpf: error: --iface {v.va}: no such network interface here (ip link lists this network "
                  "namespace's)\n"))
        with v.loader(v.b, FIREWALL, ["--iface", v.vb]) as ld:
            check(load_err(FIREWALL, ["--iface", v.vb], ns=v.b),
                  (1, f"probe.py:7:1: error: cannot attach probe 'xdp_icmp' (@xdp) to interface {v.vb}: Device or "
                      f"resource busy\n    @xdp\n    ^\nnote: interface {v.vb} already has an XDP program (bpftool "
                      f"net show dev {v.vb} lists it), and an interface runs one at a time; detach that one first, "
                      "or use @tc(\"ingress\"), whose programs run side by side\n"))
            check(v.ping(2), "2 packets transmitted, 0 received, 100% packet loss", "the first one still runs")
            out, err = ld.finish()
        check(out, "icmp_drops[10.0.0.1]: 2\n")
    assert_nothing_left(["xdp_icmp"], ["icmp_drops", "passed"])


# ---- (f) --pin, reload, unload ----------------------------------------------------------------

@test
def xdp_pinned_reloaded_and_unloaded():
    """--pin keeps the XDP program attached after its loader ends (its
    link pinned); reload swaps in a version that lets pings through, the
    map kept; unload leaves nothing: no pins, no XDP on the interface, no
    program or map in the kernel."""
    name = f"t-xdp-{PID}"
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    v1, v2 = os.path.join(d, "v1.py"), os.path.join(d, "v2.py")
    open(v1, "w").write(FIREWALL.replace("icmp_drops", "pin_drops").replace("passed", "pin_passed"))
    open(v2, "w").write(open(v1).read().replace("return XDP_DROP", "return XDP_PASS"))
    try:
        with Veth("pin") as v:
            netns = ["nsenter", f"--net=/run/netns/{v.b}"]
            p = subprocess.run(netns + [PYBPF, "load", "--pin", name, "--iface", v.vb, v1, "--duration", "0.1"],
                               capture_output=True, text=True, timeout=120)
            check((p.returncode, p.stdout, p.stderr), (0, "", "Attached 1 probe. Ctrl-C to end.\n"), "load --pin")
            check(sorted(os.listdir(f"/sys/fs/bpf/pybpf/{name}")),
                  ["counters", "data", "events", "jmp_xdp_icmp", "link_xdp_icmp_0", "map_pin_drops", "map_pin_passed"])
            check(v.attached(v.b, v.vb), ["xdp driver xdp_icmp"], "the dispatcher on vb")
            check(v.ping(6), "6 packets transmitted, 0 received, 100% packet loss", "ping, version 1")
            p = subprocess.run([PYBPF, "reload", name, v2], capture_output=True, text=True, timeout=120)
            check((p.returncode, p.stderr), (0, ""), "reload")
            check(v.ping(4), "4 packets transmitted, 4 received, 0% packet loss", "ping, version 2")
            dump = json.loads(subprocess.run(["bpftool", "-j", "map", "dump", "pinned",
                                              f"/sys/fs/bpf/pybpf/{name}/map_pin_drops"],
                                             capture_output=True, text=True, check=True).stdout)
            check([(e["formatted"]["key"], sum(c["value"] for c in e["formatted"]["values"])) for e in dump],
                  [(0x0A000001, 10)],
                  "pin_drops: 6 dropped by version 1, 4 counted by version 2")
            p = subprocess.run([PYBPF, "unload", name], capture_output=True, text=True, timeout=60)
            check((p.returncode, p.stdout, p.stderr), (0, "", ""), "unload")
            check(v.attached(v.b, v.vb), [], "the interface after unload")
            assert not os.path.exists(f"/sys/fs/bpf/pybpf/{name}") and not os.path.exists(f"/run/pybpf/{name}")
            check(v.ping(2), "2 packets transmitted, 2 received, 0% packet loss", "ping after unload")
    finally:
        subprocess.run([PYBPF, "unload", name], capture_output=True)
        shutil.rmtree(d)
    assert_nothing_left(["xdp_icmp", "xdp_icmp__impl"], ["pin_drops", "pin_passed", "__pyb_jmp_xdp_i"])
