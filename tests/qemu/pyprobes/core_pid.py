"""CO-RE portability: compiled on the host against its kernel's BTF, loaded in
the QEMU guest by tests/qemu/runner (pybpf needs clang to load; the guest has none).

Counts sched_process_fork events per parent pid, read via current_task()
(a CO-RE field read: task_struct's layout differs between host and guest).
"""
from pybpf import *

forks: Hash[u32, u64] = Hash(max_entries=1024)
tgids: Hash[u32, u32] = Hash(max_entries=1024)


@tp_btf("sched_process_fork")
def on_fork(parent, child) -> None:
    t = current_task()
    forks[t.pid] += 1
    tgids[t.pid] = t.tgid
