from pybpf import *

m: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    v = bpf.map_lookup_percpu_elem(m, 1, 0)
