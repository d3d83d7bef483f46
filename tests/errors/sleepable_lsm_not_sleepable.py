from pybpf import *


@lsm("file_open")
def on_open(f: file) -> None:
    buf: str[16] = ""
    bpf.copy_from_user(buf, 0)
