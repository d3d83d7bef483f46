#!/usr/bin/env python3
"""Per-event overhead: build/bench/loop makes N getppid() calls through
syscall(2) (timed with clock_gettime, pinned to one CPU with taskset) while

  none      nothing is attached
  C         a hand-written libbpf probe (bench/c/count.bpf.c + build/bench/loader)
  pybpf     bench/probes/count.py: counts[pid()] += 1 on syscalls/sys_enter_getppid
  bpftrace  tracepoint:syscalls:sys_enter_getppid { @[pid] = count(); }

Each round starts each tracer in turn, waits until it is attached, runs
PASSES passes of the loop, checks that the probe counted the loop's calls,
and ends the tracer. Medians over ROUNDS x PASSES passes; added ns/event =
median(tracer) - median(none).
"""
import os
import re
import statistics
import subprocess
import sys
import time

from common import BUILD, PROBES, PYBPF, REPEAT, ROOT, loadavg, save, stop

N = int(os.environ.get("N", "2000000"))
PASSES = int(os.environ.get("PASSES", "3"))
ROUNDS = REPEAT
CPU = os.environ.get("CPU", str((os.cpu_count() or 1) - 1))
BT = 'BEGIN { printf("ready\\n"); } tracepoint:syscalls:sys_enter_getppid { @[pid] = count(); }'

TRACERS = {
    "none": None,
    "C": ([os.path.join(BUILD, "loader"), os.path.join(BUILD, "count.bpf.o")], "ready"),
    "pybpf": ([PYBPF, "load", os.path.join(PROBES, "count.py")], "Attached"),
    "bpftrace": (["bpftrace", "-B", "line", "-e", BT], "ready"),
}


def run_loop():
    p = subprocess.run(["taskset", "-c", CPU, os.path.join(BUILD, "loop"), str(N), str(PASSES)],
                       check=True, capture_output=True, text=True)
    # taskset execs the loop: the pid the probes see is this child's pid
    return [float(l.split()[2]) for l in p.stdout.split("\n") if l.strip()]


def counted(name, out, n_expected):
    """the tracer's own count of getppid calls (the loop's, plus strays)"""
    if name == "C":
        m = re.search(r"^map counts keys \d+ sum (\d+)", out, re.M)
        return int(m.group(1)) if m else 0
    vals = [int(v) for v in re.findall(r"^(?:counts|@)\[\d+\]: (\d+)", out, re.M)]
    return max(vals) if vals else 0


def one_round(name):
    if TRACERS[name] is None:
        return run_loop(), None
    cmd, ready = TRACERS[name]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        t0 = time.time()
        while True:
            line = p.stdout.readline()
            if not line or time.time() - t0 > 60:
                raise SystemExit(f"{name}: not attached: {line!r}")
            if ready in line:
                break
        time.sleep(0.2)
        ns = run_loop()
    finally:
        out = stop(p)
    c = counted(name, out, N * PASSES)
    if c < N * PASSES:
        raise SystemExit(f"{name}: counted {c} getppid calls, expected >= {N * PASSES}")
    return ns, c


def main():
    if not os.path.exists(os.path.join(BUILD, "loop")):
        subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "bench", "c")], check=True)
    raw = {k: [] for k in TRACERS}
    loads = []
    for r in range(ROUNDS):
        loads.append(loadavg()[0])
        for name in TRACERS:
            ns, _ = one_round(name)
            raw[name].extend(ns)
    med = {k: statistics.median(v) for k, v in raw.items()}
    mins = {k: min(v) for k, v in raw.items()}
    add = {k: med[k] - med["none"] for k in TRACERS}
    addmin = {k: mins[k] - mins["none"] for k in TRACERS}
    print(f"{N} getppid calls per pass, {ROUNDS} rounds x {PASSES} passes, pinned to CPU {CPU}; "
          f"load average {min(loads)}..{max(loads)}")
    print(f"  {'':<9} {'ns/call median':>15} {'added ns/event':>15} {'(from minima)':>14}   raw ns/call")
    for k in TRACERS:
        print(f"  {k:<9} {med[k]:>15.1f} {add[k]:>15.1f} {addmin[k]:>14.1f}   "
              f"[{' '.join(f'{x:.0f}' for x in raw[k])}]")
    r_c = add["pybpf"] / add["C"] if add["C"] > 0 else float("nan")
    r_bt = add["pybpf"] / add["bpftrace"] if add["bpftrace"] > 0 else float("nan")
    print(f"ratio: added ns pybpf/C {r_c:.2f} (target <= 1.05), pybpf/bpftrace {r_bt:.2f} (target < 1); "
          f"from minima pybpf/C {addmin['pybpf'] / addmin['C']:.2f}")
    path = save("overhead", {"n": N, "passes": PASSES, "rounds": ROUNDS, "cpu": CPU, "loadavg": loads,
                             "ns_per_call": raw, "median": med, "added_ns": add,
                             "added_ns_from_min": addmin, "ratio_pybpf_c": r_c,
                             "ratio_pybpf_bpftrace": r_bt})
    print(f"raw: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
