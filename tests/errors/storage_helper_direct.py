from pybpf import *

calls: TaskStorage[u64] = TaskStorage()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf.task_storage_delete(calls, current_task())
