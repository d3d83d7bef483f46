from pybpf import *

bl: BloomFilter[u64] = BloomFilter(max_entries=16)


@uprobe("libc:getppid", sleepable=True)
def h() -> None:
    bl.add(3)
