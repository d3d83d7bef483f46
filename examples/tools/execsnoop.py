"""execsnoop.py: trace new programs (execve and execveat), one line per exec.

A port of bpftrace's execsnoop.bt, same columns, printed when exec is called:

    TIME(ms)   PID   ARGS
    2534       4101  /usr/bin/ls

TIME(ms) is the time since tracing began. ARGS: execsnoop.bt prints the
whole argument list (join(args->argv)); pybpf cannot read it yet (argv is an
array of user pointers, and a pointer can be neither indexed nor offset), so
this port prints the path of the program being executed instead.

With -D EXTENDED=1 it prints bcc execsnoop's context columns before ARGS
(PCOMM is the name of the process calling exec, PPID its parent):

    TIME(ms)   PID   PCOMM            PPID    ARGS

Run:    pybpf load examples/tools/execsnoop.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter"):
    -D PPID=1234    only execs by children of this process (bcc: -P PPID)
    -D UID=1000     only this user id (bcc: -u UID)
    -D EXTENDED=1   add PCOMM and PPID columns
    --duration S    stop after S seconds

Filtering by command name (bcc: -n NAME): -D takes integers only, so edit
the string in `comm_wanted` below ("" traces every command).
"""
from pybpf import *

PPID: Final[int] = 0
UID: Final[int] = 0
EXTENDED: Final[int] = 0

started: Hash[u32, u64] = Hash(max_entries=1)


def comm_wanted() -> bool:
    want = ""       # edit: e.g. "bash" to trace only execs called by bash
    return want == "" or comm() == want


def traced() -> bool:
    """True when this exec is traced; then the line's first columns are printed."""
    if UID != 0 and uid() != UID:
        return False
    ppid = current_task().real_parent.tgid
    if PPID != 0 and ppid != PPID:
        return False
    if not comm_wanted():
        return False
    ms = (ktime_ns() - started.get(0, 0)) // 1000000
    if EXTENDED != 0:
        print(f"{ms:<10} {pid():<5} {comm():<16} {ppid:<7} ", end="")
    else:
        print(f"{ms:<10} {pid():<5} ", end="")
    return True


@begin
def execsnoop_begin() -> None:
    started[0] = ktime_ns()
    if EXTENDED != 0:
        print(f"{'TIME(ms)':<10} {'PID':<5} {'PCOMM':<16} {'PPID':<7} ARGS")
    else:
        print(f"{'TIME(ms)':<10} {'PID':<5} ARGS")


@tracepoint("syscalls/sys_enter_execve")
def execsnoop_execve(args: TracepointArgs) -> None:
    if traced():
        print(user_str(args.filename, 256))


@tracepoint("syscalls/sys_enter_execveat")
def execsnoop_execveat(args: TracepointArgs) -> None:
    if traced():
        print(user_str(args.filename, 256))


@end
def execsnoop_end() -> None:
    started.clear()
