#!/usr/bin/env python3
"""Long probes (issue 19): the verifier's cost against the number of
straight-line statements. A one-shot @begin probe of N try statements
(tests/long/gen.py: each prints an integer expression of a local the
verifier cannot know, with ZeroDivisionError and OverflowError handlers),
N = 50, 200, 1000 (LONG_SIZES). For each N:

  processed  instructions the verifier processed (the kernel's count,
             bpf_prog_info.verified_insns, shown by `pybpf run -v`)
  insns      instructions in the program
  load_ms    `pybpf run` wall time with the object cached (open, load,
             verify, run, exit): the part the verifier's cost is in
  clang_s    the first, uncached compile (clang -O2)

and, side by side, bpftrace running a BEGIN probe of N printf statements of
the same local (`$z + i`; bpftrace has no exceptions, so it has no
handlers to check) to exit: its wall time. The growth per x5 statements
is the ratio of successive sizes' processed counts (linear: 5; the issue's
bound: 6).
"""
import os
import re
import subprocess
import sys
import tempfile
import time

from common import PYBPF, ROOT, loadavg, save

sys.path.insert(0, os.path.join(ROOT, "tests", "long"))
import gen as long_gen  # noqa: E402

SIZES = [int(x) for x in os.environ.get("LONG_SIZES", "50,200,1000").split(",")]


def pybpf_run(path, cache):
    env = dict(os.environ, PYBPF_CACHE=cache)
    t0 = time.time()
    p = subprocess.run([PYBPF, "run", "-v", path], capture_output=True, text=True, env=env, timeout=1200)
    dt = time.time() - t0
    if p.returncode != 0:
        raise SystemExit(f"longprobe: pybpf run {path} failed:\n{p.stderr[-2000:]}")
    m = re.search(r"the verifier processed (\d+) instructions \((\d+) in the program\)", p.stderr)
    return dt, int(m.group(1)), int(m.group(2))


def bpftrace_run(n):
    body = "$z = pid - pid; " + " ".join(f'printf("%d %d\\n", {i}, $z + {i % 150});' for i in range(n))
    t0 = time.time()
    p = subprocess.run(["bpftrace", "-e", "BEGIN { " + body + " exit(); }"], capture_output=True, text=True,
                       timeout=1200)
    return time.time() - t0, p.returncode


def main():
    rows = []
    with tempfile.TemporaryDirectory(prefix="pybpf-bench-") as d:
        for n in SIZES:
            path = os.path.join(d, f"long{n}.py")
            with open(path, "w") as f:
                f.write(long_gen.generate(n))
            cache = os.path.join(d, f"cache{n}")
            clang_s, processed, insns = pybpf_run(path, cache)    # uncached: clang
            load_s = min(pybpf_run(path, cache)[0] for _ in range(3))
            bt_s, bt_rc = bpftrace_run(n)
            rows.append({"n": n, "processed": processed, "insns": insns, "load_ms": round(load_s * 1000, 1),
                         "clang_s": round(clang_s, 2), "bpftrace_ms": round(bt_s * 1000, 1), "bpftrace_rc": bt_rc})
    print(f"{'statements':>10} {'processed':>10} {'x per x5':>8} {'insns':>7} {'load ms':>8} {'bpftrace ms':>11}"
          f" {'ratio':>6} {'first compile s':>15}")
    prev = None
    for r in rows:
        growth = f"{r['processed'] / prev['processed']:.2f}" if prev else "-"
        ratio = r["load_ms"] / r["bpftrace_ms"] if r["bpftrace_ms"] else 0
        print(f"{r['n']:>10} {r['processed']:>10} {growth:>8} {r['insns']:>7} {r['load_ms']:>8} {r['bpftrace_ms']:>11}"
              f" {ratio:>6.2f} {r['clang_s']:>15}")
        prev = r
    print(f"load average at end: {loadavg()}")
    save("longprobe", {"rows": rows})
    bad = [b for a, b in zip(rows, rows[1:]) if b["processed"] > a["processed"] * 6 * (b["n"] / a["n"]) / 5]
    if bad:
        raise SystemExit(f"longprobe: verifier cost grows faster than linear: {bad}")


if __name__ == "__main__":
    main()
