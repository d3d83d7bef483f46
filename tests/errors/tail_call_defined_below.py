from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: ProgArray = ProgArray([on_a, on_later])


@tracepoint("syscalls/sys_enter_getppid")
def on_later(args) -> None:
    print("later")
