from pybpf import *


def on_vma(task: task_struct, vma: vm_area_struct) -> None:
    pass


@tracepoint("syscalls/sys_enter_getppid")
def fv(args: TracepointArgs) -> None:
    bpf.find_vma(pid(), 4096, on_vma)
