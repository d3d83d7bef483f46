from pybpf import *

lows: SortedList[int] = SortedList(max_entries=16)


@tracepoint("syscalls/sys_enter_getppid")
def enter() -> None:
    lows.add(pid())
