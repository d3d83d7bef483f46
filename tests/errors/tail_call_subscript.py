from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: ProgArray = ProgArray([on_a])


@tracepoint("syscalls/sys_enter_getppid")
def caller(args) -> None:
    x = handlers[0]
