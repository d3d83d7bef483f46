#!/usr/bin/env python3
"""Scrape cost of pybpf load --metrics for a map of 10,000 keys, side by
side with reading the same map through bpftool in the same run.

The probe fills `bench_metrics: Hash[u32, u64]` with 10,000 keys in @begin.
pybpf: M scrapes of http://127.0.0.1:PORT/metrics (a new connection each,
as Prometheus does), their latency (median, p99) and the loader's CPU time
per scrape (/proc/PID/stat utime+stime over the M scrapes, less what the
idle loader used over as long: its 100 ms poll). bpftool: N runs of
`bpftool -j map dump id ID` of the same map, wall time and the child's CPU
(getrusage). Both read every key with one lookup each; the exposition
also formats, bpftool also prints JSON.
    M=SCRAPES (default 200), N=DUMPS (default 20)
"""
import http.client
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from common import PYBPF, loadavg, save, stop

KEYS = 10000
SCRAPES = int(os.environ.get("SCRAPES", "200"))
DUMPS = int(os.environ.get("DUMPS", "20"))
SRC = f'''from pybpf import *

bench_metrics: Hash[u32, u64] = Hash(max_entries={KEYS})


@begin
def fill() -> None:
    for i in range({KEYS}):
        bench_metrics[i] = i * 3
'''


def cpu_s(pid, which=(11, 12)):
    """user + system (or which=(12,): system) CPU seconds of pid"""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(fields[i]) for i in which) / os.sysconf("SC_CLK_TCK")


def map_id(pid):
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                info = f.read()
        except OSError:
            continue
        m = re.search(r"^map_id:\s*(\d+)", info, re.M)
        if m and f"max_entries:\t{KEYS}" in info:
            return int(m.group(1))
    raise SystemExit("the loader's map was not found")


def scrape(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/metrics")
    body = c.getresponse().read()
    c.close()
    return body


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def start(d):
    path = os.path.join(d, "bench_metrics.py")
    with open(path, "w") as f:
        f.write(SRC)
    p = subprocess.Popen([PYBPF, "load", path, "--metrics", "127.0.0.1:0"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = p.stderr.readline()
        if not line:
            break
        m = re.search(r"metrics at http://127\.0\.0\.1:(\d+)/", line)
        port = int(m.group(1)) if m else port
        if line.startswith("Attached"):
            return p, port
    stop(p)
    raise SystemExit("pybpf load did not start")


def measure_pybpf(p, port):
    body = scrape(port)
    assert body.count(b"\npybpf_bench_metrics{") == KEYS, "not every key exported"
    t = time.monotonic()
    c0 = cpu_s(p.pid)
    time.sleep(2)
    idle_rate = (cpu_s(p.pid) - c0) / (time.monotonic() - t)
    lat = []
    c0, s0, t0 = cpu_s(p.pid), cpu_s(p.pid, (12,)), time.monotonic()
    for _ in range(SCRAPES):
        t = time.perf_counter()
        scrape(port)
        lat.append(time.perf_counter() - t)
    cpu = cpu_s(p.pid) - c0 - idle_rate * (time.monotonic() - t0)
    sys_share = (cpu_s(p.pid, (12,)) - s0) / max(cpu, 1e-9)
    return {"median_ms": statistics.median(lat) * 1e3, "p99_ms": pct(lat, 99) * 1e3,
            "cpu_ms_per_scrape": cpu / SCRAPES * 1e3, "system_share": sys_share, "bytes": len(body), "idle_cpu_per_s": idle_rate}


def measure_bpftool(mid):
    lat = []
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(DUMPS):
        t = time.perf_counter()
        out = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(mid)], capture_output=True, check=True).stdout
        lat.append(time.perf_counter() - t)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert out.count(b'"formatted"') == KEYS, "bpftool did not dump every key"
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return {"median_ms": statistics.median(lat) * 1e3, "p99_ms": pct(lat, 99) * 1e3,
            "cpu_ms_per_dump": cpu / DUMPS * 1e3, "bytes": len(out)}


def main():
    la = loadavg()
    with tempfile.TemporaryDirectory() as d:
        p, port = start(d)
        try:
            mine = measure_pybpf(p, port)
            tool = measure_bpftool(map_id(p.pid))
        finally:
            stop(p)
    print(f"map of {KEYS} keys; load average {la[0]}")
    print(f"  pybpf scrape   median {mine['median_ms']:.2f} ms  p99 {mine['p99_ms']:.2f} ms  "
          f"loader CPU {mine['cpu_ms_per_scrape']:.2f} ms/scrape ({mine['system_share']:.0%} in the kernel)  ({mine['bytes']} bytes, {SCRAPES} scrapes)")
    print(f"  bpftool dump   median {tool['median_ms']:.2f} ms  p99 {tool['p99_ms']:.2f} ms  "
          f"CPU {tool['cpu_ms_per_dump']:.2f} ms/dump  ({tool['bytes']} bytes, {DUMPS} dumps)")
    print(f"  ratio pybpf/bpftool: latency {mine['median_ms'] / tool['median_ms']:.2f}, "
          f"CPU {mine['cpu_ms_per_scrape'] / tool['cpu_ms_per_dump']:.2f}")
    save("metrics", {"keys": KEYS, "scrapes": SCRAPES, "dumps": DUMPS, "pybpf": mine, "bpftool": tool,
                     "loadavg_start": la})
    return 0


if __name__ == "__main__":
    sys.exit(main())
