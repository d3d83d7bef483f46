# A helper function calling a kfunc the kernel refuses in BPF raw_tracepoint
# programs: the error is at the kfunc call, the note at the probe's call.
from pybpf import *


def ret() -> bool:
    return bpf_session_is_return()


@raw_tp("sched_switch")
def on_switch() -> None:
    x = ret()
