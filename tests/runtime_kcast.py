"""Runtime tests of the kernel's cast kfuncs from Python (issue 13,
pyc/check_kcast.c): bpf_rdonly_cast(addr, task_struct), bpftrace's
`((struct task_struct *)addr)->pid`, a read-only kernel pointer whose
fields read as any kernel pointer's (a fault raises FaultError)."""
import os
import re

from runtime import Loader, assert_nothing_left, check, getppid_n, test

RDONLY = '''from pybpf import *
PID: Final[int] = 0
out: Array[int] = Array(8)
calls: int = 0
faults: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    global calls, faults
    if pid() != PID:
        return
    calls += 1
    t = bpf_rdonly_cast(current_task(), task_struct)       # a pointer
    out[0] = t.pid
    out[1] = t.tgid
    out[2] = t.real_parent.tgid                             # through it, as any kernel pointer
    out[3] = bpf_rdonly_cast(current_task().group_leader, task_struct).tgid   # a field read's pointer
    a: int = out[7] * calls                                 # an int address: 0
    try:
        out[4] = bpf_rdonly_cast(a, task_struct).pid
    except FaultError:
        faults += 1
'''


@test
def kcast_rdonly_cast():
    """bpf_rdonly_cast(addr, task_struct) on the test's own 3 getppid()
    calls: its task's pid and tgid are the test's pid, real_parent.tgid its
    getppid(), the group leader's tgid its pid; the NULL address (an int)
    faults, FaultError caught exactly 3 times."""
    with Loader(RDONLY, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(3)
        out, err = ld.finish()
    got = dict((int(i), int(v)) for i, v in re.findall(r"^out\[(\d+)\]: (-?\d+)$", out, re.M))
    me = os.getpid()
    check([got.get(i, 0) for i in range(4)], [me, me, os.getppid(), me])
    check(got.get(4, 0), 0)
    for line in ("calls: 3\n", "faults: 3\n"):
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["on_getppid"], ["out"])
