#!/usr/bin/env python3
"""XDP drop program: pybpf (bench/xdp/drop.py) against the same program
hand-written in C (bench/xdp/drop.c): drop UDP packets to port 9999, pass
the rest.

Programs (built by bench/c/Makefile, drop.py by `pybpf compile`):
  pass       bench/xdp/pass.c: returns XDP_PASS, reads nothing (the
             harness's own cost, test run only)
  C          drop.c, the port a #define (as C users write it)
  C rodata   drop.c -DPORT_RODATA: the port a const volatile in .rodata,
             which is what pybpf makes of a Final (the same program)
  pybpf      drop.py, `PORT: Final = 9999`

1. BPF_PROG_TEST_RUN (build/bench/xdp_bench run, pinned to one CPU): a
   60-byte UDP frame to port 9999 (XDP_DROP) and one to 9998 (every check,
   then XDP_PASS), REPEAT runs per call, ROUNDS calls per program and
   packet, the programs interleaved round by round. The kernel's duration
   is the mean ns per run in whole ns: the table gives the best round and
   the mean over the rounds (finer than 1 ns: the rounds vary); the ratio
   is the median of the rounds' ratios (pybpf's round i over C's round i).
2. Sizes: xlated instructions (ld_imm64 counts two), JITed bytes, and JITed
   x86-64 instructions (objdump of the JIT image xdp_bench writes).
3. veth: two network namespaces made here (pybpf-xbench-a/b-PID), a veth
   pair between them; each drop program in turn attached (a BPF link) to
   the receiving end, and VETH_COUNT UDP packets to port 9999 sent from the
   other namespace with sendmmsg (pinned, at most VETH_SECONDS). Dropped
   packets = the receiving veth's rx_packets (every packet the XDP program
   saw), checked against the packets sent and the receiving namespace's
   UDP counters (a packet that got past XDP would count there); packets/s
   = dropped / the sender's time (the XDP program runs in the sender's
   softirq, on the same CPU); the ratio is C's packets/s over pybpf's (time
   per packet, like the ns), median of the rounds' ratios; one warm-up
   round first is not counted. The namespaces are deleted at the end
   whatever happens.
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from common import BUILD, PYBPF, ROOT, loadavg, save, stop

REPEAT = int(os.environ.get("XDP_REPEAT", "1000000"))
ROUNDS = int(os.environ.get("XDP_ROUNDS", "61"))
VETH_COUNT = int(os.environ.get("VETH_COUNT", "200000"))
VETH_ROUNDS = int(os.environ.get("VETH_ROUNDS", "15"))
VETH_SECONDS = float(os.environ.get("VETH_SECONDS", "10"))
CPU = os.environ.get("CPU", str((os.cpu_count() or 1) - 1))
XDP_BENCH = os.path.join(BUILD, "xdp_bench")
PY_OBJ = os.path.join(BUILD, "xdp_drop_py.bpf.o")

PROGRAMS = [
    ("pass", os.path.join(BUILD, "xdp_pass.bpf.o")),
    ("C", os.path.join(BUILD, "xdp_drop.bpf.o")),
    ("C rodata", os.path.join(BUILD, "xdp_drop_rodata.bpf.o")),
    ("pybpf", PY_OBJ),
]
DROPPERS = ["C", "C rodata", "pybpf"]
# expected XDP verdicts: XDP_DROP 1, XDP_PASS 2
VERDICTS = {"pass": {"drop": 2, "pass": 2}}
VERDICTS.update({n: {"drop": 1, "pass": 2} for n in DROPPERS})


def jited_insns(path):
    asm = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", path],
                         check=True, capture_output=True, text=True).stdout
    # as bench/codesize.py: a long instruction's bytes continue on a line
    # of their own, with no mnemonic
    return sum(1 for ln in asm.splitlines() if re.match(r"\s*[0-9a-f]+:\t[0-9a-f ]+\t\S", ln))


def test_run():
    """sizes and test-run durations of every program"""
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run(["taskset", "-c", CPU, XDP_BENCH, "run", str(REPEAT), str(ROUNDS), d]
                             + [p for _, p in PROGRAMS], check=True, capture_output=True, text=True).stdout
        res = {}
        for i, (name, _) in enumerate(PROGRAMS):
            m = re.search(rf"^obj {i} \S+ size xlated (\d+) jited (\d+)$", out, re.M)
            res[name] = {"xlated": int(m.group(1)), "jited": int(m.group(2)),
                         "jited_insns": jited_insns(os.path.join(d, f"{i}.bin")),
                         "drop": [], "pass": [], "wall_drop": [], "wall_pass": []}
    for m in re.finditer(r"^test (\d+) (\w+) retval (\d+) kernel_ns (\d+) wall_ns ([\d.]+)$", out, re.M):
        name = PROGRAMS[int(m.group(1))][0]
        pkt, retval = m.group(2), int(m.group(3))
        if retval != VERDICTS[name][pkt]:
            raise SystemExit(f"{name}: {pkt} packet: verdict {retval}, expected {VERDICTS[name][pkt]}")
        res[name][pkt].append(int(m.group(4)))
        res[name]["wall_" + pkt].append(float(m.group(5)))
    return res


def paired(xs, ys):
    """median of x/y over the rounds: round i of every program ran at
    nearly the same time (interleaved), so a slow stretch of the machine
    cancels out"""
    return statistics.median(x / y for x, y in zip(xs, ys))


def sh(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw).stdout


def ns_read(ns, path):
    return sh("ip", "netns", "exec", ns, "cat", path)


def udp_counters(ns):
    """the namespace's Udp: line of /proc/net/snmp, as a dict"""
    lines = [ln.split()[1:] for ln in ns_read(ns, "/proc/net/snmp").splitlines() if ln.startswith("Udp:")]
    return dict(zip(lines[0], map(int, lines[1])))


def rx_packets(ns):
    return int(ns_read(ns, "/sys/class/net/xb1/statistics/rx_packets"))


def veth_round(ns_a, ns_b, obj):
    att = subprocess.Popen(["ip", "netns", "exec", ns_b, XDP_BENCH, "attach", obj, "xb1"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = att.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"xdp_bench attach {obj}: {line.strip()} {att.stdout.read()}")
        rx0, udp0 = rx_packets(ns_b), udp_counters(ns_b)
        out = sh("ip", "netns", "exec", ns_a, "taskset", "-c", CPU, XDP_BENCH, "send",
                 "10.201.0.1", "10.201.0.2", "9999", str(VETH_COUNT), str(VETH_SECONDS))
        # until the receiving side has seen everything (it normally has)
        rx1, t0 = rx_packets(ns_b), time.time()
        while True:
            time.sleep(0.05)
            rx = rx_packets(ns_b)
            if rx == rx1 or time.time() - t0 > 5:
                break
            rx1 = rx
        udp1 = udp_counters(ns_b)
    finally:
        att.stdin.close()  # xdp_bench detaches when its stdin closes
        att.stdin = None
        stop(att)
    m = re.match(r"sent (\d+) ns (\d+)", out)
    sent, ns = int(m.group(1)), int(m.group(2))
    passed = sum(udp1[k] - udp0[k] for k in ("InDatagrams", "NoPorts", "InErrors"))
    dropped = rx1 - rx0 - passed
    return {"sent": sent, "ns": ns, "rx": rx1 - rx0, "udp_passed": passed, "dropped": dropped,
            "pps": dropped / (ns / 1e9)}


def veth():
    pid = os.getpid()
    ns_a, ns_b = f"pybpf-xbench-a-{pid}", f"pybpf-xbench-b-{pid}"
    made = []
    try:
        for ns in (ns_a, ns_b):
            sh("ip", "netns", "add", ns)
            made.append(ns)
        for ns in made:
            # no IPv6 neighbour or router messages on the link: every
            # packet the receiving end sees is one of ours
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
               "net.ipv6.conf.default.disable_ipv6=1")
        sh("ip", "link", "add", "xb0", "netns", ns_a, "type", "veth", "peer", "name", "xb1", "netns", ns_b)
        sh("ip", "-n", ns_a, "addr", "add", "10.201.0.1/24", "dev", "xb0")
        sh("ip", "-n", ns_b, "addr", "add", "10.201.0.2/24", "dev", "xb1")
        sh("ip", "-n", ns_a, "link", "set", "xb0", "up")
        sh("ip", "-n", ns_b, "link", "set", "xb1", "up")
        mac = json.loads(sh("ip", "-n", ns_b, "-j", "link", "show", "xb1"))[0]["address"]
        # no ARP: every packet sent is a UDP packet to port 9999
        sh("ip", "-n", ns_a, "neigh", "add", "10.201.0.2", "lladdr", mac, "dev", "xb0", "nud", "permanent")
        res = {n: [] for n in DROPPERS}
        veth_round(ns_a, ns_b, PROGRAMS[1][1])  # warm-up, not counted: the first round ran ~40% slower
        for _ in range(VETH_ROUNDS):
            for name, obj in PROGRAMS:
                if name in res:
                    r = veth_round(ns_a, ns_b, obj)
                    if r["dropped"] != r["sent"] or r["udp_passed"]:
                        raise SystemExit(f"veth, {name}: sent {r['sent']}, the XDP program saw {r['rx']}, "
                                         f"{r['udp_passed']} reached UDP")
                    res[name].append(r)
        return res
    finally:
        for ns in made:
            subprocess.run(["ip", "netns", "del", ns])


def main():
    subprocess.run([PYBPF, "compile", os.path.join(ROOT, "bench", "xdp", "drop.py"), "-o", PY_OBJ], check=True)
    load0 = loadavg()
    tr = test_run()
    vr = veth()
    mean = {n: {k: statistics.mean(tr[n][k]) for k in ("drop", "pass")} for n in tr}
    print(f"load average {load0[0]}; test run: {REPEAT} runs per call, {ROUNDS} rounds, CPU {CPU}")
    print(f"  {'program':<9} {'xlated':>6} {'JITed insns':>11} {'JITed bytes':>11}"
          f" {'drop ns best/mean':>18} {'Mpps':>6} {'pass ns best/mean':>18} {'Mpps':>6} {'veth Mpps':>10}")
    for name, _ in PROGRAMS:
        r = tr[name]
        v = (f"{statistics.median(x['pps'] for x in vr[name]) / 1e6:>10.3f}" if name in vr else f"{'':>10}")
        print(f"  {name:<9} {r['xlated']:>6} {r['jited_insns']:>11} {r['jited']:>11}"
              f" {min(r['drop']):>8} {mean[name]['drop']:>9.2f} {1e3 / mean[name]['drop']:>6.2f}"
              f" {min(r['pass']):>8} {mean[name]['pass']:>9.2f} {1e3 / mean[name]['pass']:>6.2f} {v}")
    base = mean["pass"]
    ratios = {}
    for ref in ("pass", "C", "C rodata"):
        ratios[ref] = {
            "drop_ns": paired(tr["pybpf"]["drop"], tr[ref]["drop"]),
            "pass_ns": paired(tr["pybpf"]["pass"], tr[ref]["pass"]),
            "drop_ns_means": mean["pybpf"]["drop"] / mean[ref]["drop"],
            "pass_ns_means": mean["pybpf"]["pass"] / mean[ref]["pass"],
            "drop_ns_best": min(tr["pybpf"]["drop"]) / min(tr[ref]["drop"]),
            "pass_ns_best": min(tr["pybpf"]["pass"]) / min(tr[ref]["pass"]),
        }
        if ref == "pass":
            continue
        ratios[ref].update({
            # time per packet, as the ns: C's packets/s over pybpf's
            "veth_time": paired([x["pps"] for x in vr[ref]], [x["pps"] for x in vr["pybpf"]]),
            "jited_insns": tr["pybpf"]["jited_insns"] / tr[ref]["jited_insns"],
            "jited_bytes": tr["pybpf"]["jited"] / tr[ref]["jited"],
            "xlated": tr["pybpf"]["xlated"] / tr[ref]["xlated"],
        })
    for ref, r in ratios.items():
        print(f"pybpf/{ref}: test-run ns, median of the rounds' ratios: drop {r['drop_ns']:.3f}, "
              f"pass {r['pass_ns']:.3f} (of the means {r['drop_ns_means']:.3f}, {r['pass_ns_means']:.3f}; "
              f"of the best {r['drop_ns_best']:.3f}, {r['pass_ns_best']:.3f})"
              + (f"; veth time/packet {r['veth_time']:.3f} (target <= 1.05); JITed insns "
                 f"{r['jited_insns']:.2f}, bytes {r['jited_bytes']:.2f}, xlated {r['xlated']:.2f}"
                 if ref != "pass" else " (against a program that does nothing)"))
    own = {n: {k: mean[n][k] - base[k] for k in ("drop", "pass")} for n in DROPPERS}
    print("  above the pass baseline (the program's own ns, mean): "
          + "; ".join(f"{n} drop {own[n]['drop']:.2f} pass {own[n]['pass']:.2f}" for n in DROPPERS))
    path = save("xdp", {"loadavg_start": load0, "repeat": REPEAT, "rounds": ROUNDS, "veth_count": VETH_COUNT,
                        "test_run": tr, "mean_ns": mean, "veth": vr, "ratios": ratios})
    print(f"raw: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
