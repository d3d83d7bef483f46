from pybpf import *


class Ev(Struct):
    pid: u32
    n: u64


class Other(Struct):
    x: u64


events: PerfBuf[Ev] = PerfBuf()
counts: Hash[u32, u64] = Hash(max_entries=16)


@tracepoint("syscalls/sys_enter_getppid")
def on_call(args) -> None:
    rec = Ev(1, 2)
    bpf.perf_event_output(ctx(), counts, BPF_F_CURRENT_CPU, rec)
