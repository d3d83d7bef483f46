from pybpf import *


@tracepoint("sched/sched_switch")
def f(args) -> None:
    t = current_task()
    print(t.qqqqqqqqqqqqqqqqqqqqqqqq)
