from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: ProgArray = ProgArray([on_a])


def go(i: int) -> None:
    bpf.tail_call(ctx(), handlers, i)


@tracepoint("syscalls/sys_enter_getppid")
def caller(args) -> None:
    go(0)
