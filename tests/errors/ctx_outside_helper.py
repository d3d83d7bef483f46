from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    c = ctx()
    print(pid())
