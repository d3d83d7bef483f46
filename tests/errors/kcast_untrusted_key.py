from pybpf import *
counts: TaskStorage[u64] = TaskStorage()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    p = bpf_rdonly_cast(current_task(), task_struct)
    counts[p] += 1
