from pybpf import *


def on_vma(task: task_struct, start: int) -> None:
    pass


@tracepoint("syscalls/sys_enter_getppid")
def fv(args: TracepointArgs) -> None:
    bpf.find_vma(current_task(), 4096, on_vma)
