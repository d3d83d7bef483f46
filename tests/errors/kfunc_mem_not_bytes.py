from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    with bpf_cpumask_create() as m:
        if m is not None:
            bits = 2
            bpf_cpumask_populate(m, bits)
