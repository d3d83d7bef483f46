from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    rq = bpf.this_cpu_ptr(ksym("bpf_prog_active"))
    print(pid())
