"""Per-CPU kernel variables (issue 13), compiled on the host, loaded in the
QEMU guest by tests/qemu/runner: this machine's kernel has no
CONFIG_KALLSYMS_ALL, so the verifier cannot find the address of a kernel
variable there; the guest's Debian kernel can. bpf.this_cpu_ptr() gives
this CPU's struct rq (its cpu field is the CPU the probe runs on),
bpf.per_cpu_ptr(.., 0) CPU 0's, and a CPU the machine has not raises
IndexError. Per pid: how many of each.
"""
from pybpf import *

same: Hash[u32, u64] = Hash(max_entries=1024)
cpu0: Hash[u32, i64] = Hash(max_entries=1024)
missing: Hash[u32, u64] = Hash(max_entries=1024)


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    rq = bpf.this_cpu_ptr(ksym("runqueues"))
    if rq.cpu == cpu():
        same[pid()] += 1
    cpu0[pid()] = bpf.per_cpu_ptr(ksym("runqueues"), 0).cpu + 100
    try:
        far = bpf.per_cpu_ptr(ksym("runqueues"), 4096)
        cpu0[pid()] = far.cpu
    except IndexError:
        missing[pid()] += 1
