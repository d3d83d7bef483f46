from pybpf import *


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    with bpf_cgroup_from_id(bpf.get_current_cgroup_id()) as cg:
        if cg is not None:
            print(f"{bpf.task_pt_regs(cg)}")
