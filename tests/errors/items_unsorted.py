from pybpf import *

counts: Hash[u32, int] = Hash(max_entries=64)


@tracepoint("syscalls/sys_enter_getppid")
def enter() -> None:
    for k, v in counts.items():
        print(k, v)
