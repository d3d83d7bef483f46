#!/usr/bin/env python3
"""Startup benchmark: wall time from command start to the first event printed,
and resident memory while tracing, pybpf vs bpftrace, in the same run.

A background process calls getppid() in a tight loop; both tools print one
line per sys_enter_getppid. For each tool the clock starts just before the
command is spawned and stops when its first output line arrives on a pipe.

  cold  pybpf with an empty object cache (clang runs)
  warm  pybpf with the cached object from the previous run
  bpftrace  Debian's bpftrace with the equivalent -e one-liner

Medians of REPEAT runs (default 7); the raw numbers are printed too.
"""
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYBPF = os.path.join(ROOT, "pybpf")
REPEAT = int(os.environ.get("REPEAT", "7"))

PROBE = '''from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def first_event() -> None:
    print(f"{pid()} {comm()}")
'''
BT = 'tracepoint:syscalls:sys_enter_getppid { printf("%d %s\\n", pid, comm); }'


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def first_event(cmd, env=None):
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    line = p.stdout.readline()
    t = time.perf_counter() - t0
    if not line:
        p.wait()
        raise SystemExit(f"no event from {cmd}")
    time.sleep(0.3)            # tracing steadily: measure resident memory now
    rss = rss_kb(p.pid)
    p.send_signal(signal.SIGINT)
    try:
        p.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    return t * 1000, rss


def main():
    d = tempfile.mkdtemp(prefix="pybpf-bench-")
    probe = os.path.join(d, "first_event.py")
    with open(probe, "w") as f:
        f.write(PROBE)
    gen = subprocess.Popen([sys.executable, "-c",
                            "import os\nwhile True: os.getppid()"])
    try:
        cold, warm, bt = [], [], []
        mem_py, mem_bt = [], []
        for i in range(REPEAT):
            env = dict(os.environ, PYBPF_CACHE=os.path.join(d, f"cache{i}"))
            t, _ = first_event([PYBPF, "load", probe], env)
            cold.append(t)
            t, m = first_event([PYBPF, "load", probe], env)
            warm.append(t)
            mem_py.append(m)
            t, m = first_event(["bpftrace", "-B", "line", "-e", BT])
            bt.append(t)
            mem_bt.append(m)
    finally:
        gen.kill()
        gen.wait()
    med = statistics.median
    fmt = lambda xs: " ".join(f"{x:.1f}" for x in xs)
    print(f"runs: {REPEAT} (medians; raw values in ms / KB follow)")
    print(f"  pybpf cold   first event {med(cold):7.1f} ms   [{fmt(cold)}]")
    print(f"  pybpf warm   first event {med(warm):7.1f} ms   [{fmt(warm)}]")
    print(f"  bpftrace     first event {med(bt):7.1f} ms   [{fmt(bt)}]")
    print(f"  pybpf RSS while tracing  {med(mem_py) / 1024:7.1f} MB   [{fmt(mem_py)}]")
    print(f"  bpftrace RSS             {med(mem_bt) / 1024:7.1f} MB   [{fmt(mem_bt)}]")
    print(f"ratios: cold/bpftrace {med(cold) / med(bt):.2f} (target <= 1.0), "
          f"warm/bpftrace {med(warm) / med(bt):.2f} (target <= 0.5), "
          f"RSS pybpf/bpftrace {med(mem_py) / med(mem_bt):.2f} (target <= 0.2)")


if __name__ == "__main__":
    main()
