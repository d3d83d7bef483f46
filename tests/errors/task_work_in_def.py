from pybpf import *
works: Array[TaskWork] = Array(1)


def work(key: int) -> None:
    pass


def arm() -> None:
    bpf_task_work_schedule_signal(current_task(), works[0], work)


@uprobe("libc:getppid", sleepable=True)
def t() -> None:
    arm()
