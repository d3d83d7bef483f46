# Kernel enumerators by name: the values of the kernel the probe runs on
# (CO-RE enum relocations), the same numbers CPython reads from its BTF.
from pybpf import *
from pybpf.kernel import BPF_MAP_TYPE_BLOOM_FILTER, BPF_MAP_TYPE_HASH, TCP_CLOSE, TCP_ESTABLISHED

PID: Final[int] = 0
states: Hash[u32, int] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def kernel_enums() -> None:
    if pid() != PID:
        return
    states[TCP_ESTABLISHED] += 1
    states[TCP_CLOSE] += TCP_CLOSE
    if BPF_MAP_TYPE_BLOOM_FILTER > BPF_MAP_TYPE_HASH:
        print(BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_BLOOM_FILTER, TCP_ESTABLISHED + TCP_CLOSE)
