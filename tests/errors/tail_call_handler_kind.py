from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


@raw_tp("sys_enter")
def on_b(regs, id) -> None:
    print("b")


handlers: ProgArray = ProgArray([on_a, on_b])
