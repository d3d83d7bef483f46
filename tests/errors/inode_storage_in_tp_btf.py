from pybpf import *

dirtied: InodeStorage[u64] = InodeStorage()


@tp_btf("writeback_dirty_inode_start")
def wb(inode: inode, flags: int) -> None:
    dirtied[inode] += 1
