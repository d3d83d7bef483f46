from pybpf import *


@iter("task")
def seq_each(task: task_struct) -> None:
    name = task.comm
    bpf.seq_printf(ctx(), "%d %s\n", task.pid, name)
