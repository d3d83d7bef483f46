from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def seq_tp(args: TracepointArgs) -> None:
    bpf.seq_write(ctx(), "x")
