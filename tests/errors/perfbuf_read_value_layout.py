from pybpf import *


class Value(Struct):
    counter: u64
    enabled: u32


counters = PerfCounters("task-clock")


@tracepoint("syscalls/sys_enter_getppid")
def on_call(args) -> None:
    v = Value(0, 0)
    bpf.perf_event_read_value(counters, BPF_F_CURRENT_CPU, v)
