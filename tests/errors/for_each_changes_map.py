from pybpf import *

m: Hash[u32, u64] = Hash(max_entries=16)


def drop(k: int, v: int) -> None:
    del m[k]


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf.for_each_map_elem(m, drop)
