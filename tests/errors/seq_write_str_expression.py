from pybpf import *


@iter("task")
def seq_each(task: task_struct) -> None:
    bpf.seq_write(ctx(), task.comm)
