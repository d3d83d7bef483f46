from pybpf import *


@uprobe("libc:getppid", sleepable=True)
def h() -> None:
    buf: str[16] = ""
    bpf_copy_from_user_str(buf, 16, 0, 0)
