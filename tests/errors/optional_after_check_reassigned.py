from pybpf import *

seen: Hash[u32, u64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    n = seen.get(pid())
    if n is None:
        return
    n = seen.get(tid())
    print(n)
