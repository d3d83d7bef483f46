#!/usr/bin/env python3
"""Compile time of a probe that reads five kernel structs (task_struct,
mm_struct, sched_entity, cred, signal_struct), against the same probe
compiled with a full vmlinux.h (what a BPF program that includes it pays).

pybpf declares only the kernel types a probe uses (partial structs with
preserve_access_index), so clang never parses vmlinux.h. Both numbers
include clang -O2 -g; pybpf's also includes reading BTF and checking the
Python. Medians of REPEAT runs (default 7).
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYBPF = os.path.join(ROOT, "pybpf")
REPEAT = int(os.environ.get("REPEAT", "7"))
PROBE = '''from pybpf import *

@tracepoint("sched/sched_process_exec")
def on_exec() -> None:
    t = current_task()
    print(t.pid, t.comm, t.mm.arg_start, t.se.vruntime, t.cred.uid.val, t.signal.nr_threads)
'''


def timed(cmd):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return (time.perf_counter() - t0) * 1000


def main():
    d = tempfile.mkdtemp(prefix="pybpf-bench-")
    probe = os.path.join(d, "five.py")
    open(probe, "w").write(PROBE)
    c_min = os.path.join(d, "five.bpf.c")
    subprocess.run([PYBPF, "compile", probe, "-o", c_min], check=True)
    # the same program with the full vmlinux.h in place of the declared types
    vmlinux_h = os.path.join(d, "vmlinux.h")
    with open(vmlinux_h, "w") as f:
        subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"], check=True, stdout=f)
    src = open(c_min).read()
    a = src.index("/* kernel types this program uses")
    b = src.index("#line", a)
    full = '#include "vmlinux.h"\n' + src[:a] + src[b:]
    # vmlinux.h defines __u8.. and struct bpf_iter_num itself: drop the runtime's copies
    full = re.sub(r"^typedef [^;]*__[us](8|16|32|64);\n", "", full, flags=re.M)
    full = re.sub(r"^struct bpf_iter_num \{.*?\} __attribute__\(\(aligned\(8\)\)\);\n", "", full, flags=re.M | re.S)
    c_full = os.path.join(d, "five_full.bpf.c")
    open(c_full, "w").write(full)
    cflags = ["-target", "bpf", "-mcpu=v3", "-O2", "-g", "-c"]
    ours = [timed([PYBPF, "compile", probe, "-o", os.path.join(d, "a.o")]) for _ in range(REPEAT)]
    clang_min = [timed(["clang-19", *cflags, c_min, "-o", os.path.join(d, "b.o")]) for _ in range(REPEAT)]
    clang_full = [timed(["clang-19", *cflags, "-I", d, c_full, "-o", os.path.join(d, "c.o")]) for _ in range(REPEAT)]
    med = statistics.median
    fmt = lambda xs: " ".join(f"{x:.0f}" for x in xs)
    print(f"five kernel structs, runs: {REPEAT} (medians; raw in ms)")
    print(f"  pybpf compile (BTF + check + clang)   {med(ours):7.1f} ms  [{fmt(ours)}]  (target <= 100 ms)")
    print(f"  clang on pybpf's C (declared types)   {med(clang_min):7.1f} ms  [{fmt(clang_min)}]")
    print(f"  clang on the same C with vmlinux.h    {med(clang_full):7.1f} ms  [{fmt(clang_full)}]")
    print(f"ratio: full vmlinux.h / pybpf = {med(clang_full) / med(ours):.1f}x")


if __name__ == "__main__":
    main()
