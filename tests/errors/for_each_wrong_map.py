from pybpf import *

q: Queue[u64] = Queue(4)


def visit(k: int, v: int) -> None:
    pass


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    bpf.for_each_map_elem(q, visit)
