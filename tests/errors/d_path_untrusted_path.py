from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def dp(args: TracepointArgs) -> None:
    buf: str[64] = ""
    bpf.d_path(current_task().fs.pwd, buf)
