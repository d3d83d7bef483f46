from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    s: str[16] = "x"
    bpf.send_signal(s)
