from pybpf import *

calls: CgrpStorage[u64] = CgrpStorage()


@tracepoint("syscalls/sys_enter_getppid")
def t(args) -> None:
    calls[current_task()] += 1
