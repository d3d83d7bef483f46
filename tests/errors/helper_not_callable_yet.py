from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    t = bpf.get_listener_sock(0)
