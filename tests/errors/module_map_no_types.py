from pybpf import *

opens = Hash(max_entries=1024)


@tracepoint("syscalls/sys_enter_getppid")
def f(args) -> None:
    pass
