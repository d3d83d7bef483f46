from pybpf import *

c: Hash[KStack, u64] = Hash(max_entries=8)


@uprobe("libc:getppid", sleepable=True)
def h() -> None:
    c[kstack()] += 1
