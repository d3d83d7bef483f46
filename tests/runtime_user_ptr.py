"""Runtime tests of issue 18: wallclock_ns(), {t:%H:%M:%S} and --timestamps.
Imported from tests/runtime.py, whose TESTS list they join."""
import datetime
import os
import re
import time

from runtime import Loader, assert_nothing_left, check, test


@test
def wallclock_ns_within_time_time():
    """wallclock_ns() in a probe lies between this process's time.time_ns()
    just before and just after the syscall it stamps; {t:%H:%M:%S.%f} prints
    the same instant as datetime.strftime of that value does."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def t_wall_ppid(args) -> None:
    if pid() == PID:
        t = wallclock_ns()
        print(f"{t} {t:%Y-%m-%d %H:%M:%S.%f}|{t:%%H}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        before = time.time_ns()
        os.getppid()
        after = time.time_ns()
        out, err = ld.finish()
    ns, rest = out.rstrip("\n").split(" ", 1)
    ns = int(ns)
    assert before <= ns <= after, f"{before} <= {ns} <= {after} does not hold"
    want = datetime.datetime.fromtimestamp(ns // 10**9).strftime("%Y-%m-%d %H:%M:%S") + f".{ns // 1000 % 10**6:06d}|%H"
    check(rest, want)
    assert_nothing_left(["t_wall_ppid"])


@test
def wallclock_timestamps_prefix_lines():
    """pybpf load --timestamps: every print line starts with HH:MM:SS, the
    local time between before and after the events (second resolution)."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def t_ts_ppid(args) -> None:
    if pid() == PID:
        print("a", end="")
        print("b")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}", "--timestamps"]) as ld:
        before = time.time()
        os.getppid()
        os.getppid()
        out, err = ld.finish()
        after = time.time()
    lines = out.splitlines()
    assert len(lines) == 2, out
    lo = datetime.datetime.fromtimestamp(int(before)).strftime("%H:%M:%S")
    hi = datetime.datetime.fromtimestamp(int(after)).strftime("%H:%M:%S")
    for ln in lines:
        m = re.fullmatch(r"(\d\d:\d\d:\d\d) ab", ln)
        assert m, f"line does not parse: {ln!r}"
        assert lo <= m.group(1) <= hi or hi < lo, f"{m.group(1)} not in [{lo}, {hi}]"
    assert_nothing_left(["t_ts_ppid"])
