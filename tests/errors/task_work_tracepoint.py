from pybpf import *
works: Array[TaskWork] = Array(1)


def work(key: int) -> None:
    pass


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf_task_work_schedule_signal(current_task(), works[0], work)
