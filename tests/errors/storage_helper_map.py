from pybpf import *

calls: TaskStorage[u64] = TaskStorage()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    buf: str[8] = ""
    bpf.map_delete_elem(calls, buf)
