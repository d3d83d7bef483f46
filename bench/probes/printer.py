# The print-throughput benchmark's probe: one print() per getppid() call of
# build/bench/paced (bench/throughput.py).
from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def event() -> None:
    if comm() == "paced":
        print("event", ktime_ns())
