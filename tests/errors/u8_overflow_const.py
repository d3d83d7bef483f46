from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    x: u8 = 256
