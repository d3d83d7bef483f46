from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: Array[u32] = Array(2)


@tracepoint("syscalls/sys_enter_getppid")
def caller(args) -> None:
    bpf.tail_call(ctx(), handlers, 0)
