# The BPF helpers (bpf.NAME()) that mean the same in a user process: the
# CPython shim's pybpf.bpf answers as the kernel does for this process.
from pybpf import *

PID: Final[int] = 0

seen: Hash[int, int] = Hash(max_entries=8)


@tracepoint("syscalls/sys_enter_getppid")
def helpers() -> None:
    if pid() != PID:
        return
    pt = bpf.get_current_pid_tgid()
    print(pt >> 32 == pid(), pt & 0xFFFFFFFF == tid())
    ug = bpf.get_current_uid_gid()
    print(ug & 0xFFFFFFFF == uid(), ug >> 32 == gid())
    r = bpf.get_prandom_u32()
    print(0 <= r < 4294967296)
    seen[bpf.get_current_cgroup_id()] += 1
    try:
        bpf.send_signal(1000)   # -EINVAL in the kernel, EINVAL from os.kill in CPython
        seen[0] += 1
    except OSError:
        seen[1] += 1
