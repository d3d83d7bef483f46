"""hello.py: the first pybpf probe.

Counts the files each program opens, and prints one line per open.
Run it with:  pybpf load examples/hello.py --duration 5
"""
from pybpf import *

opens: Hash[str[16], u64] = Hash(max_entries=10240)


@tracepoint("syscalls/sys_enter_openat")
def on_openat(args: TracepointArgs) -> None:
    opens[comm()] += 1
    print(f"{pid():>7} {comm():<16} openat")
