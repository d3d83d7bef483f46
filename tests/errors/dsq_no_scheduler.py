from pybpf import *

SHARED = DSQ(0)


@tracepoint("syscalls/sys_enter_getpid")
def f(args: TracepointArgs) -> None:
    print(f"{SHARED}")
