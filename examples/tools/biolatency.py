"""biolatency.py: block device I/O latency as a histogram.

A port of bpftrace's biolatency.bt. The original times each request from
blk_account_io_start() to blk_account_io_done() with kprobes; this kernel
has no kprobes, and since Linux 6.5 the same two points are the tracepoints
block:block_io_start and block:block_io_done, which this port uses
(requests keyed by device and sector, as bcc's tracepoint mode does).
Output as biolatency.bt's (without bpftrace's `@`):

    Tracing block device I/O... Hit Ctrl-C to end.
    usecs:
    [128, 256)             3 |@@@@@@@@@@@@@@@                    |
    [256, 512)            10 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

Run:    pybpf load examples/tools/biolatency.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter" / "off"):
    -D PID=1234     only I/O started by this process (bcc has no such option)
    -D DEV=0xfe00000 only this device (its dev_t as the kernel encodes it:
                    major << 20 | minor; /dev/vda 254:0 is 266338304)
    -D PER_DISK=1   one histogram per disk: usecs_by_disk[major, minor] (bcc: -D)
    -D MS=1         milliseconds (the histogram is then named msecs) (bcc: -m)
    -D INTERVAL=5   print and clear every 5 seconds (bcc: interval)
    --duration S    stop after S seconds
"""
from pybpf import *

PID: Final[int] = 0
DEV: Final[int] = 0
PER_DISK: Final[int] = 0
MS: Final[int] = 0
INTERVAL: Final[int] = 0

start: Hash[tuple[u32, u64], u64] = Hash(max_entries=65536)    # (dev, sector) -> ktime
usecs: Hist = Hist()
msecs: Hist = Hist()
usecs_by_disk: Hash[tuple[u32, u32], Hist] = Hash(max_entries=1024)
ticks: Hash[u32, u64] = Hash(max_entries=1)


def report() -> None:
    if PER_DISK != 0:
        show(usecs_by_disk)
    elif MS != 0:
        show(msecs)
    else:
        show(usecs)
    usecs.clear()
    msecs.clear()
    usecs_by_disk.clear()


@begin
def biolatency_begin() -> None:
    print("Tracing block device I/O... Hit Ctrl-C to end.")


@tracepoint("block/block_io_start")
def biolatency_start(args: TracepointArgs) -> None:
    if PID != 0 and pid() != PID:
        return
    if DEV != 0 and args.dev != DEV:
        return
    start[args.dev, args.sector] = ktime_ns()


@tracepoint("block/block_io_done")
def biolatency_done(args: TracepointArgs) -> None:
    ns = start.get((args.dev, args.sector), 0)
    if ns == 0:
        return
    del start[args.dev, args.sector]
    delta = (ktime_ns() - ns) // 1000
    if PER_DISK != 0:
        usecs_by_disk[args.dev >> 20, args.dev & 0xfffff].add(delta)
    elif MS != 0:
        msecs.add(delta // 1000)
    else:
        usecs.add(delta)


@interval(seconds=1)
def biolatency_tick() -> None:
    if INTERVAL <= 0:
        return
    ticks[0] += 1
    if ticks[0] % INTERVAL == 0:
        print()
        report()


@end
def biolatency_end() -> None:
    report()
    start.clear()
    ticks.clear()
