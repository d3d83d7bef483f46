#!/usr/bin/env python3
"""Compiler scale: time of `pybpf compile P.py -o P.bpf.c` (the front end:
parse, check, emit) and of `pybpf compile P.py -o P.bpf.o` (the same plus
clang -O2 -g) for generated probe files of about 1k, 10k and 50k lines.

realistic  many small probes: each unit is a helper function and a probe
           (maps, arithmetic, if/elif, a for loop, try/except, print)
           of 24 lines; a 50k-line file holds ~2,000 probes
one-function  the case that hurts: a single probe whose body is N statements
           `x = x * 3 - x * 2` (three raise sites each); run at smaller N
           because clang is superlinear there (see docs/performance.md)

Wall time and CPU time (user+sys of the children) are recorded; the CPU time
is the one to compare on a busy machine. Medians of SCALE_REPEAT runs
(default 3). The growth factor per 10x lines shows linearity (10 = linear).
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from common import PYBPF, ROOT, loadavg, save

REPEAT = int(os.environ.get("SCALE_REPEAT", "3"))
SIZES = [int(x) for x in os.environ.get("SCALE_LINES", "1000,10000,50000").split(",")]
ONE_FN = [int(x) for x in os.environ.get("SCALE_ONE_FN", "100,200,400").split(",")]

HEAD = '''from pybpf import *

counts: Hash[u32, u64] = Hash(max_entries=10240)
names: Hash[str[16], u64] = Hash(max_entries=10240)
lat: Hist = Hist()
LIMIT: Final[int] = 100

'''
TPS = ["sys_enter_getppid", "sys_enter_getpid", "sys_enter_openat", "sys_enter_read",
       "sys_enter_write", "sys_enter_close", "sys_enter_mmap", "sys_enter_futex"]

UNIT = '''def scale{i}(x: int, y: int) -> int:
    if x > y:
        return (x - y) // {k} + {i}
    elif x == y:
        return x % {k}
    return (y - x) * {k}


@tracepoint("syscalls/{tp}")
def probe{i}(args) -> None:
    p = pid()
    v = scale{i}(p, tid() + {i})
    counts[p % {m}] += 1
    if v > LIMIT:
        names[comm()] += v % 7
    total = 0
    for j in range({k}):
        total += j + v
    try:
        lat.add(ktime_ns() // (total + 1))
    except ZeroDivisionError:
        pass
    if counts[p % {m}] % 1000 == 0:
        print(f"{{p}} {{comm()}} probe {i}: {{v}}")
'''


def realistic(lines):
    n = max(1, (lines - HEAD.count("\n")) // (UNIT.count("\n") + 1))
    parts = [HEAD]
    for i in range(n):
        parts.append(UNIT.format(i=i, k=i % 13 + 2, m=i % 97 + 1, tp=TPS[i % len(TPS)]))
        parts.append("\n")
    return "".join(parts), n


def one_function(stmts):
    body = "".join("    x = x * 3 - x * 2\n" for _ in range(stmts))
    return ('from pybpf import *\n\n\n@tracepoint("syscalls/sys_enter_getppid")\n'
            f'def big() -> None:\n    x = pid()\n{body}    print(x)\n'), 1


def timed(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu


def measure(kind, size, src, nunits, d):
    path = os.path.join(d, f"{kind}{size}.py")
    with open(path, "w") as f:
        f.write(src)
    nlines = src.count("\n")
    fe, full, load = [], [], []
    for _ in range(REPEAT):
        load.append(loadavg()[0])
        fe.append(timed([PYBPF, "compile", path, "-o", os.path.join(d, "x.bpf.c")]))
        full.append(timed([PYBPF, "compile", path, "-o", os.path.join(d, "x.bpf.o")]))
    clines = sum(1 for _ in open(os.path.join(d, "x.bpf.c")))
    med = statistics.median
    row = {
        "kind": kind, "lines": nlines, "units": nunits, "c_lines": clines, "loadavg": load,
        "frontend_wall_s": [w for w, _ in fe], "frontend_cpu_s": [c for _, c in fe],
        "total_wall_s": [w for w, _ in full], "total_cpu_s": [c for _, c in full],
    }
    row["median"] = {k: med(row[k]) for k in ("frontend_wall_s", "frontend_cpu_s", "total_wall_s", "total_cpu_s")}
    m = row["median"]
    m["clang_cpu_s"] = m["total_cpu_s"] - m["frontend_cpu_s"]
    m["clang_wall_s"] = m["total_wall_s"] - m["frontend_wall_s"]
    print(f"  {kind:<12} {nlines:>7} {clines:>8} {m['frontend_cpu_s']:>10.3f} {m['frontend_wall_s']:>9.3f} "
          f"{m['clang_cpu_s']:>10.2f} {m['clang_wall_s']:>9.2f} {m['total_cpu_s']:>9.2f}   "
          f"{1e6 * m['frontend_cpu_s'] / nlines:>6.1f} {1e6 * m['clang_cpu_s'] / nlines:>8.0f}   load {min(load)}..{max(load)}")
    sys.stdout.flush()
    return row


def growth(rows, key):
    out = []
    for a, b in zip(rows, rows[1:]):
        x = b["lines"] / a["lines"]
        y = b["median"][key] / a["median"][key] if a["median"][key] > 0 else float("nan")
        out.append(f"{a['lines']}->{b['lines']} lines x{x:.1f}: time x{y:.1f}")
    return "; ".join(out)


def main():
    d = tempfile.mkdtemp(prefix="pybpf-scale-")
    print(f"{REPEAT} runs each (medians); CPU = user+sys seconds of pybpf and clang")
    print(f"  {'kind':<12} {'py lines':>7} {'C lines':>8} {'front CPU':>10} {'wall':>9} "
          f"{'clang CPU':>10} {'wall':>9} {'total CPU':>9}   {'us/line front':>6} {'clang'}")
    real = []
    for n in SIZES:
        src, units = realistic(n)
        real.append(measure("realistic", n, src, units, d))
    one = []
    for n in ONE_FN:
        src, units = one_function(n)
        one.append(measure("one-function", n, src, units, d))
    print("growth, realistic: front end: " + growth(real, "frontend_cpu_s"))
    print("growth, realistic: clang:     " + growth(real, "clang_cpu_s"))
    print("growth, one function: clang:  " + growth(one, "clang_cpu_s"))
    path = save("scale", {"repeat": REPEAT, "realistic": real, "one_function": one})
    print(f"raw: {os.path.relpath(path, ROOT)}")
    subprocess.run(["rm", "-rf", d])


if __name__ == "__main__":
    main()
