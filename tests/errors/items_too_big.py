from pybpf import *

counts: Hash[u32, int] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def enter() -> None:
    for k in sorted(counts):
        print(k)
