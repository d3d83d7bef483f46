"""syscalls.py: the machine's system calls per command and its read()
latency, as Prometheus metrics (an ebpf_exporter-style exporter).

Run:    pybpf load examples/metrics/syscalls.py --metrics 127.0.0.1:9435
Scrape: curl http://127.0.0.1:9435/metrics   (docs/metrics.md: a Prometheus
        config and PromQL queries for these families)

Exported (besides pybpf_exceptions_total, pybpf_lost_records_total and
pybpf_scrape_duration_seconds):
    pybpf_syscalls_total{comm}      counter
    pybpf_read_latency_bucket{le}   histogram (and _count), in nanoseconds
    pybpf_reads_in_flight           gauge
(the map `start` is metric="none": the probe's own bookkeeping, not exported)
"""
from pybpf import *

# system calls entered, per command name
syscalls: Hash[str[16], Count] = Hash(max_entries=4096, labels=("comm",))

# read() latency in nanoseconds (not seconds: the buckets are integers), from entry to return
read_latency: Hist = Hist()

start: Hash[u32, u64] = Hash(max_entries=10240, metric="none")   # tid -> ktime at entry: not exported

reads_in_flight: int = 0
"""read() calls entered and not yet returned"""


@tracepoint("raw_syscalls/sys_enter")
def on_syscall(args: TracepointArgs) -> None:
    syscalls[comm()].add()


@tracepoint("syscalls/sys_enter_read")
def on_read(args: TracepointArgs) -> None:
    global reads_in_flight
    start[tid()] = ktime_ns()
    reads_in_flight += 1


@tracepoint("syscalls/sys_exit_read")
def on_read_return(args: TracepointArgs) -> None:
    global reads_in_flight
    if tid() in start:
        read_latency.add(ktime_ns() - start[tid()])
        del start[tid()]
        reads_in_flight -= 1
