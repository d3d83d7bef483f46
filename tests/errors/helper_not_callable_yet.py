from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    t = bpf.skc_to_tcp_sock(0)
