from pybpf import *

m: Hash[u32, u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    for k in m:
        pass
