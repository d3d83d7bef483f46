from pybpf import *


@tp_btf("ext4_sync_file_enter")
def dp(file: file, datasync: int) -> None:
    buf: str[64] = ""
    bpf.d_path(file.f_path, buf)
