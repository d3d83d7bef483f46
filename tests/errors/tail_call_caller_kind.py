from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: ProgArray = ProgArray([on_a])

@raw_tp("sys_enter")
def caller(regs, id) -> None:
    bpf.tail_call(ctx(), handlers, 0)
