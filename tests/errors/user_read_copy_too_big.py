from pybpf import *

@tracepoint("syscalls/sys_enter_newuname")
def f(args) -> None:
    u = user_read(args.name)
    print(u.release)
