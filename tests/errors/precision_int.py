from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(f"{pid():.3}")
