from pybpf import *

class TooBig(Exception):
    pass

class WayTooBig(TooBig):
    pass

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    pass
