from pybpf import *

@tracepoint("syscalls/sys_enter_openat")
def f(args) -> None:
    print(f"{args.filename.name}")
