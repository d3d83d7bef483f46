from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def h(args) -> None:
    with bpf_cpumask_create() as m:
        if m is not None:
            bpf_cpumask_populate(m, b"\x02\x00\x00\x00\x00\x00\x00\x00")
