from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    try:
        x = 1 // 0
    except ZeroDivisionError as e:
        pass
