from pybpf import *


def stamp() -> int:
    return time.time_ns()


def outer() -> int:
    return stamp() + 1


@raw_tp("sched_switch")
def on_switch() -> None:
    x = outer()
