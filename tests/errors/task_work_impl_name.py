from pybpf import *
works: Array[TaskWork] = Array(1)


def work(key: int) -> None:
    pass


@uprobe("libc:getppid", sleepable=True)
def t() -> None:
    bpf_task_work_schedule_signal_impl(current_task(), works[0], work)
