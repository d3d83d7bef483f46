#!/usr/bin/env python3
"""packets_wire.py — the crafted frames of tests/packets.py, checked by the kernel.

Each frame is sent on one end of a veth pair in a network namespace this
test creates (pybpf-shimpkt-PID, removed at the end); the other end,
02:00:00:00:00:02 with 10.0.0.2/24 and fe80::2, receives it. (The 802.1Q
frame is not sent: this kernel has no VLAN devices, CONFIG_VLAN_8021Q; its
inner IPv4/UDP headers are udp4's.) The kernel
verifies every checksum: a frame is right when its payload reaches a
socket bound to its destination (UDP), or the stack answers it (a TCP
SYN to a closed port: a RST; an echo request: a reply) with no checksum
error counted in /proc/net/snmp and snmp6. A frame with a broken UDP
checksum, the control, must be counted as one.

Run as root: python3 tests/unit/packets_wire.py (it re-runs itself inside
the namespace with --inside). Prints "packets_wire: N passed, M failed".
"""
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import packets as P  # noqa: E402
from tally import Tally  # noqa: E402


def snmp():
    """{'Udp.InCsumErrors': n, ...} of this namespace (snmp and snmp6)."""
    out = {}
    lines = open("/proc/net/snmp").read().splitlines()
    for head, vals in zip(lines[::2], lines[1::2]):
        proto, names = head.split(":")
        for n, v in zip(names.split(), vals.split(":")[1].split()):
            out[f"{proto}.{n}"] = int(v)
    for line in open("/proc/net/snmp6"):
        n, v = line.split()
        out[n] = int(v)
    return out


COUNTERS = ("Ip.InHdrErrors", "Ip.InDelivers", "Udp.InDatagrams", "Udp.InCsumErrors", "Udp.NoPorts",
            "Tcp.InSegs", "Tcp.InCsumErrors", "Tcp.OutRsts", "Icmp.InEchos", "Icmp.InCsumErrors",
            "Icmp6InEchos", "Icmp6InCsumErrors", "Udp6InDatagrams", "Udp6InCsumErrors", "Ip6InHdrErrors")


def inside():
    """In the namespace: send each frame on va, report what vb's stack did."""
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind(("va", 0))
    ifindex = socket.if_nametoindex("vb")
    bad = bytearray(P.udp4(b"broken", dport=53))
    bad[40] ^= 0x55
    frames = {"udp4": (P.udp4(b"hello", dport=53), ("udp4", 53)),
              "ipv4_options": (P.ipv4_options(b"opts", dport=6000), ("udp4", 6000)),
              "udp6": (P.udp6(b"hello6", dport=2222), ("udp6", 2222)),
              "tcp4_syn": (P.tcp4(flags="S", dport=80), None),
              "tcp4_options": (P.tcp4(flags="S", dport=81, tcp_options=b"\x02\x04\x05\xb4"), None),
              "icmp4_echo": (P.icmp4_echo(), None),
              "icmp6_echo": (P.icmp6_echo(), None),
              "udp4_bad_checksum": (bytes(bad), ("udp4", 53))}
    result = {}
    for name, (frame, listen) in frames.items():
        rx = None
        if listen:
            fam = socket.AF_INET6 if listen[0] == "udp6" else socket.AF_INET
            rx = socket.socket(fam, socket.SOCK_DGRAM)
            rx.bind(("10.0.0.2", listen[1]) if fam == socket.AF_INET else ("fe80::2", listen[1], 0, ifindex))
            rx.settimeout(0.5)
        before = snmp()
        tx.send(frame)
        got = None
        if rx:
            try:
                got = rx.recv(100).decode()
            except socket.timeout:
                got = None
            rx.close()
        else:
            time.sleep(0.3)
        after = snmp()
        result[name] = {"received": got, **{c: after.get(c, 0) - before.get(c, 0) for c in COUNTERS}}
    print(json.dumps(result))


def main():
    tally = Tally()
    ns = f"pybpf-shimpkt-{os.getpid()}"

    def ip(*args):
        subprocess.run(["ip", "-n", ns, *args], check=True, capture_output=True)

    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        ip("link", "add", "va", "address", P.MAC_SRC, "type", "veth", "peer", "name", "vb", "address", P.MAC_DST)
        ip("addr", "add", "10.0.0.2/24", "dev", "vb")
        ip("-6", "addr", "add", "fe80::2/64", "dev", "vb", "nodad")
        ip("-6", "addr", "add", "fe80::1/64", "dev", "va", "nodad")
        for d in ("lo", "va", "vb"):
            ip("link", "set", d, "up")
        p = subprocess.run(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "--inside"],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            tally.report("inside the namespace", False, p.stdout + p.stderr)
            return tally.summary("packets_wire")
        r = json.loads(p.stdout)

        def check(name, got, want):
            tally.report(name, got == want, f"  got:  {got!r}\n  want: {want!r}")

        def errors(d):
            return {c: d[c] for c in COUNTERS if ("Err" in c or "Csum" in c) and d[c]}

        for name, text in (("udp4", "hello"), ("ipv4_options", "opts"),
                           ("udp6", "hello6")):
            check(f"wire {name} delivered", (r[name]["received"], errors(r[name])), (text, {}))
        for name in ("tcp4_syn", "tcp4_options"):
            check(f"wire {name} answered with a RST",
                  (r[name]["Tcp.InSegs"], r[name]["Tcp.OutRsts"], errors(r[name])), (1, 1, {}))
        check("wire icmp4_echo answered", (r["icmp4_echo"]["Icmp.InEchos"], errors(r["icmp4_echo"])), (1, {}))
        check("wire icmp6_echo answered", (r["icmp6_echo"]["Icmp6InEchos"], errors(r["icmp6_echo"])), (1, {}))
        bad = r["udp4_bad_checksum"]
        check("wire the control: a broken UDP checksum is an error",
              (bad["received"], bad["Udp.InCsumErrors"]), (None, 1))
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    return tally.summary("packets_wire")


if __name__ == "__main__":
    if "--inside" in sys.argv:
        inside()
    else:
        sys.exit(main())
