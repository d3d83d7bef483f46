from pybpf import *

opens: InodeStorage[u64] = InodeStorage()


@tp_btf("ext4_sync_file_enter")
def fs(file: file, datasync: int) -> None:
    opens[file.f_inode] += 1
