#!/usr/bin/env python3
"""plot_latency.py: trace clock_nanosleep() latency for a while, then plot
its histogram to a PNG with matplotlib (Debian's python3-matplotlib).

    sudo PYTHONPATH=python /usr/bin/python3 examples/python/plot_latency.py -d 5 -o sleep.png

It prints the buckets it plotted ("[lo, hi) us: count") and the total.
"""
import argparse
import os
import sys
import time

import matplotlib
matplotlib.use("Agg")   # no display needed
import matplotlib.pyplot as plt  # noqa: E402

import pybpf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def label(b):
    return f"[{b.min}, {b.max})" if b.max is not None else f"[{b.min}, ...)"


def main():
    ap = argparse.ArgumentParser(description="Plot clock_nanosleep() latency as a histogram PNG.")
    ap.add_argument("-p", "--pid", type=int, default=0, help="only this process (default: all)")
    ap.add_argument("-d", "--duration", type=float, default=5.0, help="seconds to trace (default 5)")
    ap.add_argument("-o", "--output", default="latency.png", help="the PNG to write")
    args = ap.parse_args()

    with pybpf.load(os.path.join(HERE, "latency_probe.py"), defines={"PID": args.pid}) as prog:
        print(f"Tracing clock_nanosleep() for {args.duration} s...", file=sys.stderr, flush=True)
        time.sleep(args.duration)
        hist = prog.globals["usecs"]

    for b in hist.buckets:
        print(f"{label(b)} us: {b.count}")
    print(f"total: {hist.count}")
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.bar(range(len(hist.buckets)), [b.count for b in hist.buckets], color="#4c72b0")
    ax.set_xticks(range(len(hist.buckets)), [label(b) for b in hist.buckets], rotation=45, ha="right")
    ax.set_xlabel("latency (us)")
    ax.set_ylabel("calls")
    ax.set_title(f"clock_nanosleep() latency, {hist.count} calls")
    fig.tight_layout()
    fig.savefig(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
