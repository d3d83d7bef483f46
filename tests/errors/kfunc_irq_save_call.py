from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    bpf_local_irq_save()
