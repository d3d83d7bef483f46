"""gethostlatency.py: show the latency of host name lookups (getaddrinfo(),
gethostbyname(), gethostbyname2() in libc), one line per call.

A port of bpftrace's gethostlatency.bt / bcc's gethostlatency:

    TIME      PID    COMM              LATms HOST        (gethostlatency.bt)

Two differences, both from what pybpf cannot do yet:
  - TIME: there is no wall clock in a probe, so TIME is the time since
    tracing began, in seconds (`12.345`), instead of `%H:%M:%S`.
  - HOST: the host name is read when the call enters and the line is
    printed when it returns, and pybpf cannot carry a string from one probe
    to another (map values are integers). So the return line shows the
    latency, and the host names are counted per process in the map
    `hosts[pid, comm, host]` shown at exit. With one lookup at a time per
    process this pairs them; -D ENTRY=1 also prints a line as each call
    enters (`TIME PID COMM -> HOST`).

LATms is in milliseconds with two decimals, as in bcc.

Run:    pybpf load examples/tools/gethostlatency.py [-D NAME=VALUE ...]

Options (-D overrides a Final constant; 0 means "no filter"):
    -D PID=1234     only this process (bcc: -p PID)
    -D ENTRY=1      also print a line when each lookup starts, with its host
    --duration S    stop after S seconds
"""
from pybpf import *

PID: Final[int] = 0
ENTRY: Final[int] = 0

started: Hash[u32, u64] = Hash(max_entries=1)
start: Hash[u32, u64] = Hash(max_entries=10240)     # tid -> ktime at entry
hosts: Hash[tuple[u32, str[16], str[80]], u64] = Hash(max_entries=10240)


def stamp() -> None:
    t = ktime_ns() - started.get(0, 0)
    print(f"{t // 1000000000:>5}.{t // 1000000 % 1000:03} ", end="")


def entered() -> bool:
    if PID != 0 and pid() != PID:
        return False
    start[tid()] = ktime_ns()
    if ENTRY != 0:
        stamp()
        print(f"{pid():<6} {comm():<16} -> ", end="")
    return True


def returned() -> None:
    if tid() not in start:
        return
    lat = ktime_ns() - start[tid()]
    del start[tid()]
    stamp()
    print(f"{pid():<6} {comm():<16} {lat // 1000000:>3}.{lat // 10000 % 100:02}")


@begin
def ghl_begin() -> None:
    started[0] = ktime_ns()
    print("Tracing getaddr/gethost calls... Hit Ctrl-C to end.")
    print(f"{'TIME':<9} {'PID':<6} {'COMM':<16} {'LATms':>6}")


@uprobe("libc:getaddrinfo")
def ghl_getaddrinfo(node: ptr) -> None:
    if entered():
        name = user_str(node, 80)
        hosts[pid(), comm(), name] += 1
        if ENTRY != 0:
            print(name)


@uprobe("libc:gethostbyname")
def ghl_gethostbyname(node: ptr) -> None:
    if entered():
        name = user_str(node, 80)
        hosts[pid(), comm(), name] += 1
        if ENTRY != 0:
            print(name)


@uprobe("libc:gethostbyname2")
def ghl_gethostbyname2(node: ptr) -> None:
    if entered():
        name = user_str(node, 80)
        hosts[pid(), comm(), name] += 1
        if ENTRY != 0:
            print(name)


@uretprobe("libc:getaddrinfo")
def ghl_getaddrinfo_ret(ret: int) -> None:
    returned()


@uretprobe("libc:gethostbyname")
def ghl_gethostbyname_ret(ret: int) -> None:
    returned()


@uretprobe("libc:gethostbyname2")
def ghl_gethostbyname2_ret(ret: int) -> None:
    returned()


@end
def ghl_end() -> None:
    started.clear()
    start.clear()
