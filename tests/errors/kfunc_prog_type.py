# bpf_session_is_return is for kprobe session programs only: the kernel's
# verifier refuses it in a BPF tracepoint program (helpers/kfunc_progs_gen.c).
from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def f() -> None:
    print(f"{bpf_session_is_return()}")
