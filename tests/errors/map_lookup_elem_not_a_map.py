from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    k = 3
    print(bpf.map_lookup_elem(k, 1))
