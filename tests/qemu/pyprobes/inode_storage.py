"""InodeStorage[V] (issue 13: bpf_inode_storage_get/_delete), compiled on
the host, loaded in the QEMU guest by tests/qemu/runner: the kernel offers
inode storage to LSM programs only. On each file created, the directory's
inode (inode_create's trusted argument) counts one more in its own item;
per pid, the count the directory had after the create, and, when a
directory's count reaches 5, its item is deleted and the pid's 'dropped'
counts it (so the runner's sixth create in one directory starts again at 1).
"""
from pybpf import *

creates: InodeStorage[u64] = InodeStorage()
last: Hash[u32, u64] = Hash(max_entries=1024)
dropped: Hash[u32, u64] = Hash(max_entries=1024)


@lsm("inode_create")
def on_inode_create(dir: inode, dentry: dentry, mode: u16) -> None:
    creates[dir] += 1
    n = creates[dir]
    last[pid()] = n
    if n == 5:
        del creates[dir]
        if dir not in creates:
            dropped[pid()] += 1
