from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def on_a(args) -> None:
    print("a")


handlers: ProgArray = ProgArray([on_a])


@tracepoint("syscalls/sys_enter_getppid")
def caller(args) -> None:
    with bpf_task_from_pid(1) as t:
        bpf.tail_call(ctx(), handlers, 0)
