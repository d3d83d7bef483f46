from pybpf import *


@lsm("file_open")
def on_open(f: file) -> None:
    buf: str[64] = ""
    bpf_path_d_path(current_task().fs.pwd, buf)
