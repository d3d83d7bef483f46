from pybpf import *
counters = PerfCounters("context-switch")


@tracepoint("syscalls/sys_enter_getppid")
def on_call(args) -> None:
    n = bpf.perf_event_read(counters, BPF_F_CURRENT_CPU)
