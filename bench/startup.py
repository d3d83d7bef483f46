#!/usr/bin/env python3
"""Startup benchmark: wall time from command start to the first event seen,
and resident memory while tracing, pybpf vs bpftrace, in the same run, for
three programs:

  oneliner  print one line per sys_enter_getppid (a background process calls
            getppid() every half millisecond); the first event is the first
            such line
  runqlat   examples/tools/runqlat.py (bench/probes/runqlat.py if the former
            is missing, or with PROBES=bench) vs runqlat.bt
            (bench/probes/runqlat.bt: /usr/sbin/runqlat.bt without its
            #include of linux/sched.h, which bpftrace 0.17 cannot parse here)
  syscount  examples/tools/syscount.py (or bench/probes/syscount.py, as
            above) vs /usr/sbin/syscount.bt

runqlat and syscount print nothing per event: their first line is the BEGIN
message, which both tools print once every probe is attached (bpftrace
triggers BEGIN after attaching; pybpf runs @begin after attaching). Their
tracepoints (sched_switch, raw_syscalls/sys_enter) fire continuously, so
that line marks "tracing". bpftrace's "Attaching N probes..." line comes
before it attaches and is skipped.

For each tool the clock starts just before the command is spawned and stops
when that line arrives on a pipe; RSS (VmRSS) is read 0.5 s later.

  cold  pybpf with an empty object cache (PYBPF_CACHE=<new dir>: clang runs)
  warm  pybpf again with that cache (the cached object)
  bpftrace  Debian's bpftrace 0.17

Medians of REPEAT runs (default 7), interleaved; the raw numbers are printed
and written to bench/results/startup.json.
"""
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from common import PROBES, PYBPF, REPEAT, ROOT, loadavg, med_fmt, save, stop

ONELINER = '''from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def first_event() -> None:
    print(f"{pid()} {comm()}")
'''
BT_ONELINER = ["-e", 'tracepoint:syscalls:sys_enter_getppid { printf("%d %s\\n", pid, comm); }']
GENERATOR = "import os, time\nwhile True:\n    os.getppid()\n    time.sleep(0.0005)\n"


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def first_event(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        while True:
            r, _, _ = select.select([p.stdout], [], [], 60)
            line = p.stdout.readline() if r else b""
            if not line:
                raise SystemExit(f"no event from {' '.join(cmd)}")
            if not line.startswith(b"Attaching "):
                break
        t = time.perf_counter() - t0
        time.sleep(0.5)            # tracing steadily: measure resident memory now
        rss = rss_kb(p.pid)
    finally:
        stop(p)
    return t * 1000, rss


def tool(name):
    """examples/tools/NAME.py when present (the project's tools), else the
    minimal port in bench/probes/"""
    ex = os.path.join(ROOT, "examples", "tools", f"{name}.py")
    if os.path.exists(ex) and os.environ.get("PROBES") != "bench":
        return ex
    return os.path.join(PROBES, f"{name}.py")


def bench(name, probe, bt_args, d):
    cold, warm, bt, mem_py, mem_bt, loads = [], [], [], [], [], []
    for i in range(REPEAT):
        loads.append(loadavg()[0])
        cache = os.path.join(d, f"cache-{name}-{i}")
        env = dict(os.environ, PYBPF_CACHE=cache)
        t, _ = first_event([PYBPF, "load", probe], env)
        cold.append(t)
        t, m = first_event([PYBPF, "load", probe], env)
        warm.append(t)
        mem_py.append(m)
        t, m = first_event(["bpftrace", "-B", "line", *bt_args])
        bt.append(t)
        mem_bt.append(m)
        shutil.rmtree(cache, ignore_errors=True)
    med = statistics.median
    res = {"cold_ms": cold, "warm_ms": warm, "bpftrace_ms": bt, "pybpf_rss_kb": mem_py,
           "bpftrace_rss_kb": mem_bt, "loadavg": loads}
    res["median"] = {k: med(v) for k, v in res.items() if k != "loadavg"}
    m = res["median"]
    res["ratios"] = {"cold": m["cold_ms"] / m["bpftrace_ms"], "warm": m["warm_ms"] / m["bpftrace_ms"],
                     "rss": m["pybpf_rss_kb"] / m["bpftrace_rss_kb"]}
    res["probe"] = os.path.relpath(probe, ROOT) if probe.startswith(ROOT) else "(generated one-liner)"
    print(f"{name} ({res['probe']}): {REPEAT} runs, load average {min(loads)}..{max(loads)} (medians; raw values follow)")
    print(f"  pybpf cold   first event {m['cold_ms']:7.1f} ms   [{med_fmt(cold)}]")
    print(f"  pybpf warm   first event {m['warm_ms']:7.1f} ms   [{med_fmt(warm)}]")
    print(f"  bpftrace     first event {m['bpftrace_ms']:7.1f} ms   [{med_fmt(bt)}]")
    print(f"  pybpf RSS while tracing  {m['pybpf_rss_kb'] / 1024:7.1f} MB   [{med_fmt(mem_py, 0)}] KB")
    print(f"  bpftrace RSS             {m['bpftrace_rss_kb'] / 1024:7.1f} MB   [{med_fmt(mem_bt, 0)}] KB")
    r = res["ratios"]
    print(f"  ratios: cold/bpftrace {r['cold']:.2f} (target <= 1.0), warm/bpftrace {r['warm']:.2f} "
          f"(target <= 0.5), RSS pybpf/bpftrace {r['rss']:.2f} (target <= 0.2)")
    return res


def main():
    d = tempfile.mkdtemp(prefix="pybpf-bench-")
    try:
        oneliner = os.path.join(d, "first_event.py")
        with open(oneliner, "w") as f:
            f.write(ONELINER)
        out = {}
        gen = subprocess.Popen([sys.executable, "-c", GENERATOR])
        try:
            out["oneliner"] = bench("oneliner", oneliner, BT_ONELINER, d)
        finally:
            gen.kill()
            gen.wait()
        out["runqlat"] = bench("runqlat", tool("runqlat"),
                               [os.path.join(PROBES, "runqlat.bt")], d)
        out["syscount"] = bench("syscount", tool("syscount"),
                                ["/usr/sbin/syscount.bt"], d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    path = save("startup-bench-probes" if os.environ.get("PROBES") == "bench" else "startup",
                {"repeat": REPEAT, "results": out})
    print(f"raw: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
