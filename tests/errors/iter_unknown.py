from pybpf import *


@iter("tasks")
def each(task: task_struct) -> None:
    print(task.pid)
