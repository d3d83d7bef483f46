from pybpf import *

@tracepoint("syscalls/sys_enter_nanosleep")
def f(args) -> None:
    print(f"{args.rqtp.tv_nsecs}")
