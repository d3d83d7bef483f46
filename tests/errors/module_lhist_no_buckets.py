from pybpf import *

lat = LHist()


@tracepoint("syscalls/sys_enter_getppid")
def f(args) -> None:
    pass
