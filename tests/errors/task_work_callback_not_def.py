from pybpf import *
works: Array[TaskWork] = Array(1)


@uprobe("libc:getppid", sleepable=True)
def t() -> None:
    bpf_task_work_schedule_signal(current_task(), works[0], 3)
