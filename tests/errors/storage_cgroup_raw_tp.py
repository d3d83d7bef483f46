from pybpf import *

calls: CgrpStorage[u64] = CgrpStorage()


@raw_tp("sched_switch")
def t(preempt: bool) -> None:
    with bpf_cgroup_from_id(bpf.get_current_cgroup_id()) as cg:
        if cg is not None:
            calls[cg] += 1
