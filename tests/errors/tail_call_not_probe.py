from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


def helper() -> None:
    print("h")


handlers: ProgArray = ProgArray([on_a, helper])
