"""opensnoop.py: trace open(), openat() and openat2() syscalls, one line per call.

A port of bpftrace's opensnoop.bt / bcc's opensnoop. The originals print a
line when the call returns, with the path saved when it entered:

    PID    COMM               FD ERR PATH          (opensnoop.bt, bcc)

pybpf cannot yet carry a string from one probe to another (a map value must
be an integer or an aggregation, and a pointer cannot be stored), so this
port prints the line when the call *enters*, where the path is readable,
and leaves out FD and ERR:

    PID    COMM             PATH
    4101   cat              /etc/hostname

The results are still traced: at exit (Ctrl-C or --duration) the map
`failed[pid, comm, errno]` shows how many opens failed with which errno
(e.g. `failed[4101, cat, 2]: 1` for one ENOENT).

Run:    pybpf load examples/tools/opensnoop.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter"):
    -D PID=1234     only this process (bcc: -p PID)
    -D TID=1234     only this thread (bcc: -t TID)
    -D UID=1000     only this user id (bcc: -u UID)
    -D TIMESTAMP=1  a first column TIME(s): seconds since tracing began (bcc: -T)
    --duration S    stop after S seconds (bcc: -d DURATION)

Filtering by command name (bcc: -n NAME): -D takes integers only, so edit
the string in the function `comm_wanted` below ("" traces every command).
"""
from pybpf import *

PID: Final[int] = 0
TID: Final[int] = 0
UID: Final[int] = 0
TIMESTAMP: Final[int] = 0

started: Hash[u32, u64] = Hash(max_entries=1)
inflight: Hash[u32, u32] = Hash(max_entries=10240)   # tid -> 1 while an open of a traced thread runs
failed: Hash[tuple[u32, str[16], u32], u64] = Hash(max_entries=10240)


def comm_wanted() -> bool:
    want = ""       # edit: e.g. "cat" to trace only commands named cat
    return want == "" or comm() == want


def wanted() -> bool:
    if PID != 0 and pid() != PID:
        return False
    if TID != 0 and tid() != TID:
        return False
    if UID != 0 and uid() != UID:
        return False
    return comm_wanted()


def enter() -> bool:
    """Called as each open enters; True when it is traced (then it prints)."""
    if not wanted():
        return False
    inflight[tid()] = 1
    if TIMESTAMP != 0:
        t = ktime_ns() - started.get(0, 0)
        print(f"{t // 1000000000:>4}.{t // 1000000 % 1000:03} ", end="")
    return True


def leave(ret: int) -> None:
    if tid() not in inflight:
        return
    del inflight[tid()]
    if ret < 0:
        failed[pid(), comm(), -ret] += 1


@begin
def opensnoop_begin() -> None:
    started[0] = ktime_ns()
    print("Tracing open syscalls... Hit Ctrl-C to end.")
    if TIMESTAMP != 0:
        print(f"{'TIME(s)':<8} ", end="")
    print(f"{'PID':<6} {'COMM':<16} PATH")


@tracepoint("syscalls/sys_enter_open")
def opensnoop_open(args: TracepointArgs) -> None:
    if enter():
        print(f"{pid():<6} {comm():<16} {user_str(args.filename, 256)}")


@tracepoint("syscalls/sys_enter_openat")
def opensnoop_openat(args: TracepointArgs) -> None:
    if enter():
        print(f"{pid():<6} {comm():<16} {user_str(args.filename, 256)}")


@tracepoint("syscalls/sys_enter_openat2")
def opensnoop_openat2(args: TracepointArgs) -> None:
    if enter():
        print(f"{pid():<6} {comm():<16} {user_str(args.filename, 256)}")


@tracepoint("syscalls/sys_exit_open")
def opensnoop_open_ret(args: TracepointArgs) -> None:
    leave(args.ret)


@tracepoint("syscalls/sys_exit_openat")
def opensnoop_openat_ret(args: TracepointArgs) -> None:
    leave(args.ret)


@tracepoint("syscalls/sys_exit_openat2")
def opensnoop_openat2_ret(args: TracepointArgs) -> None:
    leave(args.ret)


@end
def opensnoop_end() -> None:
    inflight.clear()
    started.clear()
