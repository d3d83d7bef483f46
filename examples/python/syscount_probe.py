"""syscount_probe.py: the kernel half of syscount.py (the user-space half
is a CPython script, as in bcc): system calls counted by number, for one
process (-D PID=N, as the script passes it) or for all (PID 0)."""
from pybpf import *

PID: Final[int] = 0

# system calls entered, by syscall number
counts: Hash[u32, u64] = Hash(max_entries=1024)


@tracepoint("raw_syscalls/sys_enter")
def syscount_enter(args: TracepointArgs) -> None:
    if PID != 0 and pid() != PID:
        return
    counts[args.id] += 1
