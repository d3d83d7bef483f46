from pybpf import *
wqs: Array[Wq] = Array(1)


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf_wq_start(wqs[0], 0)
