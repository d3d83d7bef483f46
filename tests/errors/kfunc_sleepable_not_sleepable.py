from pybpf import *


@uprobe("libc:getppid")
def h() -> None:
    buf: str[16] = ""
    bpf_copy_from_user_str(buf, 0, 0)
