from pybpf import *


@tracepoint("syscalls/sys_enter_openat")
def op(args) -> None:
    pkt = args.packet()
