from pybpf import *

calls: TaskStorage[u64] = TaskStorage()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    for k, v in sorted(calls.items()):
        print(f"{v}")
