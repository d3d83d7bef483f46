from pybpf import *
works: Array[TaskWork] = Array(1)


def work(key: int) -> None:
    pass


@uprobe("libc:getppid")
def t() -> None:
    bpf_task_work_schedule_resume(current_task(), works[0], work)
