from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def p(args) -> None:
    k = ksym("runqueues")
    print(pid())
