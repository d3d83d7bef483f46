from pybpf import *
counters = PerfCounters("cpu-clock")


@tracepoint("syscalls/sys_enter_getppid")
def on_call(args) -> None:
    show(counters)
