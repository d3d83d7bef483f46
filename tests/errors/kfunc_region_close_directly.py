from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    bpf_rcu_read_unlock()
