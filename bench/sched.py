#!/usr/bin/env python3
"""sched_ext in the QEMU guest: a pingpong workload (4 pairs of processes
passing a byte through two pipes, tests/qemu/sched_work.c) under the
kernel's own scheduler, examples/sched/fifo.py and examples/sched/vtime.py,
in one boot of the sched tier's guest (tests/qemu/sched.py; 2 vCPUs, TCG).

    python3 bench/sched.py          ROUNDS=N round trips a pair (default 5000)

Prints round trips/s for each and the ratios to the kernel's scheduler;
raw numbers in bench/results/sched.json. TCG emulates every instruction,
so a context switch costs far more than on hardware: the ratios say how
the Python schedulers compare with the kernel's in this guest, not what
they would do on a real machine.
"""
import importlib.util
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("sched_tier", os.path.join(ROOT, "tests", "qemu", "sched.py"))
tier = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tier)


def main():
    rounds = int(os.environ.get("ROUNDS", "5000"))
    bz, vmlinux, _ = tier.guest_kernel()
    cpio = tier.build(vmlinux)
    os.environ.setdefault("PYBPF_QEMU_TIMEOUT", "1200")
    rc, text = tier.qrun.boot(bz, cpio, os.path.join(tier.OUT, "bench-serial.log"), append=f" PP_ROUNDS={rounds}",
                                 tcg=",thread=single")
    g = tier.Guest(text)
    b = tier.bench(g)
    if set(b) != {"default", "fifo", "vtime"}:
        print(f"sched bench: the guest did not report all three runs (exit {rc}): {b}")
        sys.exit(1)
    print(f"pingpong, 4 pairs x {rounds} round trips, 2 vCPUs under TCG:")
    for k in ("default", "fifo", "vtime"):
        print(f"  {k:8} {b[k]:10.0f} round trips/s   {b[k] / b['default']:.2f}x the kernel's scheduler")
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "sched.json"), "w") as f:
        json.dump({"rounds": rounds, "pairs": 4, "vcpus": 2, "accel": "tcg", "round_trips_per_s": b}, f, indent=1)


if __name__ == "__main__":
    main()
