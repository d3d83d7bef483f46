"""bpf_get_file_xattr (issue 13: a __str name, a Dynptr for the value), a
KF_SLEEPABLE kfunc the kernel offers to LSM programs only, so it runs in
@lsm("file_open", sleepable=True) (lsm.s), compiled on the host and loaded
in the QEMU guest by tests/qemu/runner. Per pid: the length of user.pybpf
of the files opened whose value is "xattr-value", how many were, and how
many opens found no such xattr (OSError: -ENODATA).
"""
from pybpf import *

lens: Hash[u32, i64] = Hash(max_entries=1024)
hits: Hash[u32, u64] = Hash(max_entries=1024)
misses: Hash[u32, u64] = Hash(max_entries=1024)


@lsm("file_open", sleepable=True)
def on_xattr_open(f: file) -> None:
    buf: str[32] = ""
    d = bpf.dynptr_from_mem(buf, 0)
    try:
        n = bpf_get_file_xattr(f, "user.pybpf", d)
        out: str[32] = ""
        bpf.dynptr_read(out, d, 0, 0)
        if out == "xattr-value":
            lens[pid()] = n
            hits[pid()] += 1
    except OSError:
        misses[pid()] += 1
