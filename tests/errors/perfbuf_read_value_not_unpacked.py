from pybpf import *
counters = PerfCounters("task-clock")


@tracepoint("syscalls/sys_enter_getppid")
def on_call(args) -> None:
    v = bpf.perf_event_read_value(counters, BPF_F_CURRENT_CPU)
