from pybpf import *

total: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    v, total = bpf.strtol("12", 10)
    print(v)
