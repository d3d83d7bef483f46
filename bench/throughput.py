#!/usr/bin/env python3
"""Print throughput: how many print() records per second reach user space
without loss, pybpf against bpftrace's printf, on the same workload.

build/bench/paced makes getppid() calls at a fixed RATE for SECONDS seconds
(pinned to one CPU); the probe prints one line per call:

  pybpf     bench/probes/printer.py: print("event", ktime_ns())
  bpftrace  tracepoint:syscalls:sys_enter_getppid /comm == "paced"/ { printf("event %d\\n", nsecs); }

Each tool's stdout is a pipe that a reader thread drains in 1 MiB chunks,
counting lines (no more work for the tool than writing to /dev/null). Loss
is what each tool reports itself: pybpf's "pybpf: N print records lost" and
bpftrace's "Lost N events"; every run checks lines + reported loss == calls,
so a tool that dropped records without saying so stops the benchmark. The
rate doubles from 25,000/s until a tool loses records or the workload cannot
go faster; the lossless rate is the highest rate reached with no loss (from
paced's own count and clock).
"""
import os
import re
import signal
import subprocess
import sys
import threading
import time

from common import BUILD, PROBES, PYBPF, loadavg, prog_ids, save

SECONDS = float(os.environ.get("SECONDS_PER_RATE", "2"))
START = int(os.environ.get("START_RATE", "25000"))
MAX_RATE = int(os.environ.get("MAX_RATE", "6400000"))
CPU = os.environ.get("CPU", str((os.cpu_count() or 1) - 1))
BT = ('tracepoint:syscalls:sys_enter_getppid /comm == "paced"/ { printf("event %d\\n", nsecs); }')


class Drain:
    """Reads a tracer's stdout as fast as it comes, counting event lines
    (a pipe read in 1 MiB chunks costs the tracer no more than /dev/null)."""

    def __init__(self, f):
        self.f, self.lines, self.head, self.ready = f, 0, b"", threading.Event()
        self.lost = 0   # bpftrace's "Lost N events" lines (on its stdout)
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        fd, tail, ltail = self.f.fileno(), b"", b""
        while True:
            b = os.read(fd, 1 << 20)
            if not b:
                break
            # "event " split across two reads is counted once: the 5 bytes
            # kept from the last read cannot hold a whole one
            self.lines += (tail + b).count(b"event ")
            # a "Lost N events" line may be split too: search with the last
            # 40 bytes, counting only matches that end in the new ones
            both = ltail + b
            self.lost += sum(int(m.group(1)) for m in re.finditer(rb"Lost (\d+) events", both) if m.end() > len(ltail))
            tail, ltail = b[-5:], both[-40:]
            if not self.ready.is_set():
                self.head += b
                if b"Attaching" in self.head:
                    self.ready.set()
        self.ready.set()


def tracer(name):
    if name == "pybpf":
        cmd = [PYBPF, "load", os.path.join(PROBES, "printer.py")]
    else:
        cmd = ["bpftrace", "-B", "full", "-e", BT]
    t = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return t, Drain(t.stdout)


def one(name, rate):
    """paced at rate with the tracer attached: (calls, seconds, lost, lines)."""
    t, d = tracer(name)
    try:
        if name == "pybpf":
            head = b""
            while b"Attached" not in head:
                line = t.stderr.readline()
                if not line:
                    raise RuntimeError(f"pybpf did not attach: {head}")
                head += line
        else:
            # with -B full, bpftrace's own messages wait in its buffer: it is
            # ready once it holds a BPF program (and a moment more to attach;
            # a late attach would show as records missing, and stop us)
            deadline = time.time() + 60
            while not prog_ids(t.pid):
                if time.time() > deadline or t.poll() is not None:
                    raise RuntimeError("bpftrace did not load its program")
                time.sleep(0.05)
            time.sleep(1.5)
        p = subprocess.Popen(["taskset", "-c", CPU, os.path.join(BUILD, "paced"), str(rate), str(SECONDS)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        res, _ = p.communicate("go\n")
        calls, ns = (int(x) for x in res.split())
        time.sleep(0.5)   # let the consumer drain what is in the buffer
    finally:
        # SIGTERM: a SIGINT that the shell running us ignores is ignored by bpftrace too
        t.send_signal(signal.SIGTERM if name == "bpftrace" else signal.SIGINT)
    try:
        t.wait(timeout=60)
    except subprocess.TimeoutExpired:
        t.kill()
        t.wait()
    err = t.stderr.read()
    d.t.join(60)
    err = err.decode(errors="replace")
    if name == "pybpf":
        lost = sum(int(x) for x in re.findall(r"pybpf: (\d+) print records? lost", err))
    else:
        lost = d.lost + sum(int(x) for x in re.findall(r"Lost (\d+) events", err))
    if d.lines + lost != calls:
        sys.exit(f"{name}: {calls} calls, {d.lines} lines, {lost} reported lost: records missing without a report")
    return calls, ns / 1e9, lost, d.lines


def main():
    results = {}
    for name in ("pybpf", "bpftrace"):
        rows, best, first_loss = [], 0.0, None
        rate = START
        while rate <= MAX_RATE:
            calls, secs, lost, lines = one(name, rate)
            reached = calls / secs
            rows.append({"target": rate, "reached": round(reached), "calls": calls, "lines": lines, "lost": lost})
            print(f"{name:9} target {rate:>9,}/s  reached {reached:>11,.0f}/s  lines {lines:>9,}  lost {lost:>9,} "
                  f"({100.0 * lost / max(calls, 1):.2f}%)", flush=True)
            if lost:
                first_loss = first_loss or round(reached)
                break
            best = max(best, reached)
            if reached < rate * 0.9:
                break   # the workload itself cannot go faster with this probe attached
            rate *= 2
        results[name] = {"rows": rows, "lossless": round(best), "loss_begins": first_loss}
    p, b = results["pybpf"]["lossless"], results["bpftrace"]["lossless"]
    for name in ("pybpf", "bpftrace"):
        r = results[name]
        lb = f"{r['loss_begins']:,}/s" if r["loss_begins"] else "not reached (the workload's own limit)"
        print(f"{name:9} lossless {r['lossless']:>11,} records/s; loss begins at {lb}")
    print(f"ratio pybpf/bpftrace lossless rate: {p / b:.2f}x (target >= 2x)")
    save("throughput", {"seconds_per_rate": SECONDS, "results": results, "ratio": round(p / b, 2),
                        "loadavg_start": loadavg()})


if __name__ == "__main__":
    main()
