from pybpf import *

timers: Array[Timer] = Array(1)


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    bpf.timer_init(timers[0], CLOCK_MONOTONIC)
