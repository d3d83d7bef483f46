"""bpf_path_d_path (issue 13: a kfunc's memory and its size), compiled on
the host, loaded in the QEMU guest by tests/qemu/runner: the kernel offers
it to LSM programs only, which do not load on the host. f.f_path (a struct
path embedded in the trusted struct file) is passed by its address, buf a
str[64] whose size pybpf passes as buf__sz. Per pid: the length the kfunc
gives for /etc/hostname (with the NUL) and how many opens of it were seen;
and the same from the bpf_d_path helper (bpf.d_path), which the kernel
allows in LSM programs on its sleepable hooks (file_open is one).
"""
from pybpf import *

lens: Hash[u32, i64] = Hash(max_entries=1024)
hits: Hash[u32, u64] = Hash(max_entries=1024)


@lsm("file_open")
def on_d_path(f: file) -> None:
    buf: str[64] = ""
    n = bpf_path_d_path(f.f_path, buf)
    if buf == "/etc/hostname":
        lens[pid()] = n
        hits[pid()] += 1


hlens: Hash[u32, i64] = Hash(max_entries=1024)
hhits: Hash[u32, u64] = Hash(max_entries=1024)


@lsm("file_open")
def on_d_path_helper(f: file) -> None:
    buf: str[64] = ""
    n = bpf.d_path(f.f_path, buf)
    if buf == "/etc/hostname":
        hlens[pid()] = n
        hhits[pid()] += 1
