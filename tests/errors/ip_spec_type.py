from pybpf import *

@tracepoint("syscalls/sys_enter_getppid")
def f(args) -> None:
    print(f"{comm():ip}")
