"""bpf.bprm_opts_set (issue 13: a helper of LSM programs only), compiled on
the host, loaded in the QEMU guest by tests/qemu/runner: in
lsm/bprm_creds_for_exec, each exec by the runner's children (their comm is
still "runner") sets the bprm's options to 0, and flags 2, which the
kernel does not know, raise OSError (EINVAL): both counted."""
from pybpf import *

counts: Hash[u32, u64] = Hash(max_entries=4)


@lsm("bprm_creds_for_exec")
def on_bprm(bprm: linux_binprm) -> None:
    if comm() == "runner":
        if bpf.bprm_opts_set(bprm, 0) == 0:
            counts[0] += 1
        try:
            bpf.bprm_opts_set(bprm, 2)
        except OSError:
            counts[1] += 1
