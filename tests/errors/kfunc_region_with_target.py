from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    with bpf_rcu_read_lock() as r:
        pass
