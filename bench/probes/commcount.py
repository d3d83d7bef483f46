"""commcount: openat calls per command name (a str[16] key)."""
from pybpf import *

opens: Hash[str[16], u64] = Hash(max_entries=10240)


@tracepoint("syscalls/sys_enter_openat")
def on_openat(args) -> None:
    opens[comm()] += 1
