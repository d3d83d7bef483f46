"""A kernel reference in an LSM probe (issue 13), compiled on the host,
loaded in the QEMU guest by tests/qemu/runner: bpf_get_task_exe_file is a
KF_ACQUIRE kfunc the kernel offers to LSM programs only; the with block
releases the file with bpf_put_file on every way out, and the verifier
proves it. Per pid: the inode of the opener's executable, and the opens.
"""
from pybpf import *

exes: Hash[u32, u64] = Hash(max_entries=1024)
opens: Hash[u32, u64] = Hash(max_entries=1024)


@lsm("file_open")
def on_exe_open(f: file) -> None:
    with bpf_get_task_exe_file(current_task()) as exe:
        if exe is not None:
            exes[pid()] = exe.f_inode.i_ino
            opens[pid()] += 1
