"""Runtime tests of examples/net/ (docs/packets.md): each example loaded as
a user would, on a veth pair between two network namespaces the test
creates (runtime_net.Veth) or on a cgroup it creates, with traffic the test
makes and the exact counts it expects; and items=, the maps' first items.
"""
import os
import socket
import subprocess
import threading

from runtime import PYBPF, Loader, assert_nothing_left, check, free_port, test
from runtime_net import PID, Veth, cgroup2_root, sh, udp_send

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "net")


def example(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return f.read()


def ping_from(v, src, n):
    """n pings from address src of namespace a to 10.0.0.2: the summary"""
    p = sh("ping", "-c", str(n), "-i", "0.01", "-W", "1", "-I", src, "10.0.0.2", ns=v.a, check_rc=False)
    line = next((l for l in p.stdout.splitlines() if "packets transmitted" in l), p.stdout + p.stderr)
    return line.split(", time")[0]


@test
def example_xdp_firewall_on_a_veth():
    """examples/net/xdp_firewall.py on vb: pings from 10.0.0.1 (in the
    blocked 10.0.0.0/8) and from 192.168.7.5 (192.168.7.0/24) are dropped
    and counted under their prefixes; those from 192.168.50.1 pass."""
    with Veth("fw") as v:
        for a in ("192.168.7.5/32", "192.168.50.1/32"):
            sh("ip", "-n", v.a, "addr", "add", a, "dev", v.va)
        sh("ip", "-n", v.b, "route", "add", "192.168.0.0/16", "dev", v.vb)
        with v.loader(v.b, example("xdp_firewall.py"), ["--iface", v.vb], name="xdp_firewall.py") as ld:
            got = [ping_from(v, "10.0.0.1", 7), ping_from(v, "192.168.7.5", 4), ping_from(v, "192.168.50.1", 5)]
            out, err = ld.finish()
        check(got, ["7 packets transmitted, 0 received, 100% packet loss",
                    "4 packets transmitted, 0 received, 100% packet loss",
                    "5 packets transmitted, 5 received, 0% packet loss"], "ping")
        # the trie in the kernel's order; counts smallest first, as pybpf shows them
        check(out, "blocked[10.0.0.0/8]: 8\nblocked[192.168.7.0/24]: 24\nblocked[172.16.9.9/32]: 32\n\n"
                   "drops[192.168.7.0, 24]: 4\ndrops[10.0.0.0, 8]: 7\n")
        assert ld.rc == 0, err
    assert_nothing_left(["firewall", "py___pyb_init"], ["blocked", "drops"])


@test
def example_tc_port_counter_on_a_veth():
    """examples/net/tc_port_counter.py on va's egress: the bytes (Ethernet
    frames: 42 bytes of headers each) and packets of the test's datagrams,
    by destination port; the pings are not UDP or TCP and are not counted."""
    with Veth("tcp") as v:
        with v.loader(v.a, example("tc_port_counter.py"), ["--iface", v.va], name="tc_port_counter.py") as ld:
            sent = udp_send(v.a, [(5000, 3, 100), (6000, 2, 58)])
            v.ping(2)
            out, err = ld.finish()
        check(sent, "5000: sent 3, refused 0\n6000: sent 2, refused 0\n", "the UDP sender")
        check(out, "sent_bytes[6000]: 200\nsent_bytes[5000]: 426\n\nsent_packets[6000]: 2\nsent_packets[5000]: 3\n")
        assert ld.rc == 0, err
    assert_nothing_left(["count"], ["sent_bytes", "sent_packets"])


@test
def example_udp_port_filter_on_a_veth():
    """examples/net/udp_port_filter.py on vb with -D PORT=5353: of the
    datagrams to 5353 and 5354 and the pings, only the first reach its
    socket, counted by source and reported at exit (packets, bytes)."""
    with Veth("sf") as v:
        with v.loader(v.b, example("udp_port_filter.py"), ["--iface", v.vb, "-D", "PORT=5353"],
                      name="udp_port_filter.py") as ld:
            udp_send(v.a, [(5353, 6, 12), (5354, 3, 12)])
            v.ping(2)
            out, err = ld.finish()
        check(out, "passed[10.0.0.1]: 6\n")
        assert "pybpf: socket filter 'only_udp_port' on %s let through 6 packets (240 bytes)\n" % v.vb in err, err
        assert ld.rc == 0, err
    assert_nothing_left(["only_udp_port"], ["passed"])


def serve_once(port, reply):
    """A TCP server on 127.0.0.1:port that answers one connection with reply"""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)

    def run():
        c, _ = srv.accept()
        c.sendall(reply)
        c.close()
        srv.close()
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


@test
def example_connect_redirect_in_a_cgroup():
    """examples/net/connect_redirect.py on a cgroup the test creates: a
    process in it that connects to 127.0.0.1:FROM (where nothing listens)
    reaches the server on :TO; a process outside the cgroup is refused."""
    cg = os.path.join(cgroup2_root(), f"pybpf-redirect-{PID}")
    a, b = free_port(), free_port()
    client = ("import socket, sys\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', %d))\n"
              "    print(s.recv(16).decode())\nexcept ConnectionRefusedError:\n    print('refused')\n") % a
    os.mkdir(cg)
    try:
        with Loader(example("connect_redirect.py"), ["--cgroup", cg, "-D", f"FROM={a}", "-D", f"TO={b}"],
                    name="connect_redirect.py") as ld:
            t = serve_once(b, b"port B")
            inside = subprocess.run(["sh", "-c", f'echo $$ > {cg}/cgroup.procs && exec python3 -c "$0"', client],
                                    capture_output=True, text=True, timeout=30)
            t.join(5)
            outside = subprocess.run(["python3", "-c", client], capture_output=True, text=True, timeout=30)
            out, err = ld.finish()
        check(inside.stdout, "port B\n", "the client in the cgroup")
        check(outside.stdout, "refused\n", "the client outside it")
        check(out, f"redirected[{a}]: 1\n")
        assert ld.rc == 0, err
    finally:
        os.rmdir(cg)
    assert_nothing_left(["redirect"], ["redirected"])


ITEMS = '''from pybpf import *

blocked: LPMTrie[IPv4, u32] = LPMTrie(max_entries=8, items={(ip4("10.1.0.0"), 16): 1, (ip4("192.168.7.0"), 24): 2})
names: Hash[u32, u64] = Hash(max_entries=8, items={1: 100, 2: 200 + 2})
hosts: Hash[IPv6, u8] = Hash(max_entries=4, items={ip6("fe80::1"): 1})


@begin
def show_items() -> None:
    print(f"{names[1]} {names[2]}")
'''


@test
def map_items_are_there_before_begin():
    """items= of a Hash, an LPMTrie and a Hash keyed by IPv6: stored before
    @begin runs (it reads two), shown at exit with their addresses."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="pybpf-test-") as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(ITEMS)
        p = subprocess.run([PYBPF, "run", path], capture_output=True, text=True, timeout=60)
    out, err = p.stdout, p.stderr
    check(out, "100 202\nblocked[10.1.0.0/16]: 1\nblocked[192.168.7.0/24]: 2\n\nnames[1]: 100\nnames[2]: 202\n\n"
               "hosts[fe80::1]: 1\n")
    assert p.returncode == 0, err
    assert_nothing_left(["show_items", "py___pyb_init"], ["blocked", "names", "hosts"])


@test
def example_xdp_forward_by_the_kernels_routes():
    """examples/net/xdp_forward.py under pybpf test-run in a namespace of
    the test's, with a route to 10.9.0.0/24 on fx and one neighbour: a
    packet to that neighbour is redirected to fx with the TTL one less, the
    header checksum right and the next hop's MACs (what ctx.fib_lookup()
    found); one to an address with no neighbour, and one whose TTL is 1,
    go on (XDP_PASS, unchanged)."""
    import sys
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import packets
    ns = f"pybpf-fwd-{PID}"
    sh("ip", "netns", "add", ns)
    try:
        for cmd in (("link", "set", "lo", "up"),
                    ("link", "add", "fx", "address", "02:00:00:00:00:11", "type", "veth", "peer", "name", "fy"),
                    ("addr", "add", "10.9.0.1/24", "dev", "fx"), ("link", "set", "fx", "up"), ("link", "set", "fy", "up"),
                    ("neigh", "add", "10.9.0.2", "lladdr", "02:00:00:00:00:99", "dev", "fx")):
            sh("ip", "-n", ns, *cmd)
        sh("sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.lo.forwarding=1", ns=ns)
        fx = int(sh("cat", "/sys/class/net/fx/ifindex", ns=ns).stdout)
        to_neigh = packets.udp4(src="10.8.0.5", dst="10.9.0.2")
        no_neigh = packets.udp4(src="10.8.0.5", dst="10.9.0.7")
        ttl1 = bytearray(to_neigh)
        ttl1[22] = 1
        ttl1[24:26] = b"\0\0"
        ttl1[24:26] = packets.checksum(bytes(ttl1[14:34])).to_bytes(2, "big")
        want = bytearray(to_neigh)
        want[0:12] = bytes.fromhex("020000000099" "020000000011")
        want[22] = 63
        want[24:26] = b"\0\0"
        want[24:26] = packets.checksum(bytes(want[14:34])).to_bytes(2, "big")
        with tempfile_dir() as d:
            path = os.path.join(d, "xdp_forward.py")
            with open(path, "w") as f:
                f.write(example("xdp_forward.py"))
            p = subprocess.run(["nsenter", f"--net=/run/netns/{ns}", PYBPF, "test-run", path, "--packet", to_neigh.hex(),
                                "--packet", no_neigh.hex(), "--packet", bytes(ttl1).hex()],
                               capture_output=True, text=True, timeout=120)
        check(p.stdout, f"forward: packet 1: XDP_REDIRECT (4) data {want.hex()}\nforward: packet 2: XDP_PASS (2)\n"
                        f"forward: packet 3: XDP_PASS (2)\nforwarded[{fx}]: 1\n")
        assert p.returncode == 0, p.stderr
    finally:
        subprocess.run(["ip", "netns", "delete", ns], capture_output=True)
    assert_nothing_left(["forward"], ["forwarded"])


def tempfile_dir():
    import tempfile
    return tempfile.TemporaryDirectory(prefix="pybpf-test-")
