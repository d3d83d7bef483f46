from pybpf import *


@tracepoint("syscalls/sys_enter_openat")
def f(args) -> None:
    print(user_str(args.filename, pid()))
