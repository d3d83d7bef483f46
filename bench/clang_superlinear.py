#!/usr/bin/env python3
"""Minimal reproduction: clang -O2 time grows quadratically with the number of
early exits in ONE function (docs/performance.md, "Compiler scale").

  one       n x `{ u64 v = ((volatile u64 *)ctx)[0]; if (v == i) goto out; sum += v; }`
            in one function, all exits to one label (what every pybpf raise
            site is: a test and a jump to the probe's exit)
  split     the same statements in noinline BPF subprograms of 100 each

Plain C, no pybpf: `python3 bench/clang_superlinear.py [n ...]` (default
500 1000 2000). Not part of `make bench` (the one-function case at 2000
takes ~10-25 s of CPU).
"""
import os
import resource
import subprocess
import sys
import tempfile


def one(n):
    out = ["typedef unsigned long long u64;",
           '__attribute__((section("tracepoint/x"), used)) int f(void *ctx)\n{\n\tu64 sum = 0;']
    out += [f"\t{{ u64 v = ((volatile u64 *)ctx)[0]; if (v == {i}) goto out; sum += v; }}" for i in range(n)]
    out.append('\treturn (int)sum;\nout:\n\treturn 0;\n}\nchar LICENSE[] __attribute__((section("license"), used)) = "GPL";')
    return "\n".join(out)


def split(n, k=100):
    out = ["typedef unsigned long long u64;"]
    for c in range(0, n, k):
        out.append(f"static __attribute__((noinline)) int part{c}(void *ctx, u64 *sum)\n{{")
        out += [f"\t{{ u64 v = ((volatile u64 *)ctx)[0]; if (v == {i}) return 1; *sum += v; }}"
                for i in range(c, min(n, c + k))]
        out.append("\treturn 0;\n}")
    out.append('__attribute__((section("tracepoint/x"), used)) int f(void *ctx)\n{\n\tu64 sum = 0;')
    out += [f"\tif (part{c}(ctx, &sum)) return 0;" for c in range(0, n, k)]
    out.append('\treturn (int)sum;\n}\nchar LICENSE[] __attribute__((section("license"), used)) = "GPL";')
    return "\n".join(out)


def cpu_of(src, d):
    path = os.path.join(d, "r.c")
    with open(path, "w") as f:
        f.write(src)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the sums are sunk to the end, so every v stays live and spills: a big
    # stack limit lets the backend finish (the slow part is the middle end)
    subprocess.run(["clang-19", "-target", "bpf", "-mcpu=v3", "-O2", "-g", "-mllvm", "-bpf-stack-size=65536",
                    "-c", path, "-o", os.path.join(d, "r.o")], check=True, capture_output=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime


def main():
    ns = [int(x) for x in sys.argv[1:]] or [500, 1000, 2000]
    with tempfile.TemporaryDirectory() as d:
        print(f"{'exits':>6} {'one function (s CPU)':>21} {'split (s CPU)':>14}   load {os.getloadavg()[0]:.2f}")
        sys.stdout.flush()
        for n in ns:
            print(f"{n:>6} {cpu_of(one(n), d):>21.2f} {cpu_of(split(n), d):>14.2f}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
