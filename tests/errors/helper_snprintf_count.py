from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on(args) -> None:
    out: str[16] = ""
    bpf.snprintf(out, "%d and %d", pid())
