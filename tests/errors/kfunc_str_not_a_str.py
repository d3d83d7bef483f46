from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    print(bpf_strlen(42))
