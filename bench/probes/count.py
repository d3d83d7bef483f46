"""count: getppid calls per process (the per-event overhead probe)."""
from pybpf import *

counts: Hash[u32, u64] = Hash(max_entries=10240)


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    counts[pid()] += 1
