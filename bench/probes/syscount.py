"""syscount: count system calls by id and by process (syscount.bt)."""
from pybpf import *

syscalls: Hash[i64, Count] = Hash(max_entries=1024)
process: Hash[str[16], Count] = Hash(max_entries=10240)


@begin
def start() -> None:
    print("Counting syscalls... Hit Ctrl-C to end.")


@tracepoint("raw_syscalls/sys_enter")
def sys_enter(args) -> None:
    syscalls[args.id].add()
    process[comm()].add()
