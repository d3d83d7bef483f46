from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    v = bpf.strtol("12", 10)
    print(v)
