from pybpf import *

spans: Hash[u32, tuple[i64, u32]] = Hash(max_entries=64)


@tracepoint("syscalls/sys_enter_getppid")
def enter() -> None:
    print(spans[1])
