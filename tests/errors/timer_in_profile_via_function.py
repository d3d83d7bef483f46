from pybpf import *

timers: Array[Timer] = Array(1)


def stop() -> None:
    bpf.timer_cancel(timers[0])


@profile(hz=99)
def on() -> None:
    stop()
