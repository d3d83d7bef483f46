from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    with bpf_local_irq_save():
        bpf_local_irq_restore()
