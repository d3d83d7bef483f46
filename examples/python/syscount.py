#!/usr/bin/env python3
"""syscount.py: the top system calls each interval, bcc style: argparse
options, a probe file loaded with pybpf.load(), its map read live from
Python and cleared after each report.

    sudo PYTHONPATH=python python3 examples/python/syscount.py -p 1234 -i 1 -d 10

    Tracing syscalls of pid 1234, printing the top 10 every 1.0 s... Ctrl-C to end.
    [14:02:11]
    SYSCALL                   COUNT
    getppid                      50
    write                         2
"""
import argparse
import os
import re
import sys
import time

import pybpf

HERE = os.path.dirname(os.path.abspath(__file__))
UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"   # linux-libc-dev


def syscall_names():
    """{number: name} from the kernel headers (a number without a name shows as such)."""
    try:
        text = open(UNISTD).read()
    except OSError:
        return {}
    return {int(n): name for name, n in re.findall(r"#define __NR_(\w+)\s+(\d+)", text)}


def report(counts, names, top):
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    print(time.strftime("[%H:%M:%S]"))
    print(f"{'SYSCALL':<20} {'COUNT':>10}")
    for nr, n in rows:
        print(f"{names.get(nr, str(nr)):<20} {n:>10}")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description="Count system calls, the top N every interval.")
    ap.add_argument("-p", "--pid", type=int, default=0, help="only this process (default: all)")
    ap.add_argument("-i", "--interval", type=float, default=1.0, help="seconds between reports (default 1)")
    ap.add_argument("-d", "--duration", type=float, default=None, help="stop after this many seconds")
    ap.add_argument("-T", "--top", type=int, default=10, help="how many system calls a report lists")
    args = ap.parse_args()

    names = syscall_names()
    with pybpf.load(os.path.join(HERE, "syscount_probe.py"), defines={"PID": args.pid}) as prog:
        who = f"pid {args.pid}" if args.pid else "all processes"
        print(f"Tracing syscalls of {who}, printing the top {args.top} every {args.interval} s... Ctrl-C to end.",
              file=sys.stderr, flush=True)
        counts = prog.maps["counts"]
        end = None if args.duration is None else time.monotonic() + args.duration
        try:
            while end is None or time.monotonic() < end:
                wait = args.interval if end is None else min(args.interval, end - time.monotonic())
                time.sleep(max(0.0, wait))
                report(counts, names, args.top)
                counts.clear()
        except KeyboardInterrupt:
            report(counts, names, args.top)


if __name__ == "__main__":
    main()
