from pybpf import *
works: Array[TaskWork] = Array(1)
stacks: Hash[KStack, int] = Hash(max_entries=16)


def work(key: int) -> None:
    stacks[kstack()] += 1


@uprobe("libc:getppid", sleepable=True)
def t() -> None:
    bpf_task_work_schedule_signal(current_task(), works[0], work)
