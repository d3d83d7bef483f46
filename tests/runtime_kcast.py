"""Runtime tests of the kernel's cast kfuncs from Python (issue 13,
pyc/check_kcast.c): bpf_rdonly_cast(addr, task_struct), bpftrace's
`((struct task_struct *)addr)->pid`, a read-only kernel pointer whose
fields read as any kernel pointer's (a fault raises FaultError); and
bpf_cast_to_kern_ctx(ctx()), the probe's context as the kernel's own
struct (pt_regs, bpf_perf_event_data_kern)."""
import os
import re
import subprocess
import tempfile
import time

from runtime import PYBPF, Loader, assert_nothing_left, build_target, check, getppid_n, test

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


PERF_CTX = '''from pybpf import *
PID: Final[int] = 0
prof: Array[int] = Array(4)
tick: Array[int] = Array(4)


@profile(hz=97)
def on_prof() -> None:
    if pid() != PID:
        return
    ev = bpf_cast_to_kern_ctx(ctx()).event   # struct bpf_perf_event_data_kern
    prof[0] = ev.attr.freq
    prof[1] = ev.attr.sample_period
    prof[2] = ev.attr.config
    prof[3] += 1


@interval(ms=7)
def on_tick() -> None:
    k = bpf_cast_to_kern_ctx(ctx())
    ev = k.event
    tick[0] = ev.attr.freq
    tick[1] = ev.attr.sample_period
    tick[2] = ev.attr.config
    tick[3] += 1
'''


def _items(out, name):
    return dict((int(i), int(v)) for i, v in re.findall(r"^%s\[(\d+)\]: (-?\d+)$" % name, out, re.M))


@test
def kcast_kern_ctx_perf_event():
    """bpf_cast_to_kern_ctx(ctx()) in @profile(hz=97) and @interval(ms=7):
    the kernel's bpf_perf_event_data_kern, whose event is the perf event the
    loader opened (PERF_COUNT_SW_CPU_CLOCK, config 0). The kernel's cpu-clock
    turns a frequency into a period when it opens the event (freq 0,
    sample_period 10**9 // 97 ns); the interval's period is 7 ms in ns."""
    with Loader(PERF_CTX, ["-D", f"PID={os.getpid()}"]) as ld:
        t0 = time.time()
        while time.time() - t0 < 0.5:   # on a CPU, for @profile's samples of this process
            pass
        out, err = ld.finish()
    prof, tick = _items(out, "prof"), _items(out, "tick")
    check([prof.get(i, 0) for i in range(3)], [0, 10**9 // 97, 0])
    check([tick.get(i, 0) for i in range(3)], [0, 7_000_000, 0])
    assert prof.get(3, 0) > 0 and tick.get(3, 0) > 0, out
    assert "Error" not in err, err
    assert_nothing_left(["on_prof", "on_tick"], ["prof", "tick"])


@test
def kcast_kern_ctx_uprobe():
    """bpf_cast_to_kern_ctx(ctx()) in @uprobe / @uretprobe: the kernel's
    struct pt_regs of the probed call, on a test binary's 4 calls of
    pybpf_target(i - 2, 100): its si register is b (100) each time, and
    the return probe's ax the return value 2 * (i - 2) + 100; and a
    sleepable @uprobe's si too."""
    exe = build_target()
    src = f'''from pybpf import *
si_sum: int = 0
same: int = 0
ax_sum: int = 0
rets: int = 0
sleepable_same: int = 0


@uprobe("{exe}:pybpf_target")
def on_call(a: i32, b: int) -> None:
    global si_sum, same
    r = bpf_cast_to_kern_ctx(ctx())
    si_sum += r.si
    if r.si == b:
        same += 1


@uretprobe("{exe}:pybpf_target")
def on_ret(ret: i32) -> None:
    global ax_sum, rets
    r = bpf_cast_to_kern_ctx(ctx())
    ax_sum += r.ax
    if r.ax == ret:
        rets += 1


@uprobe("{exe}:pybpf_target", sleepable=True)
def on_call_s(a: i32, b: int) -> None:
    global sleepable_same
    if bpf_cast_to_kern_ctx(ctx()).si == b:
        sleepable_same += 1
'''
    with Loader(src) as ld:
        subprocess.run([exe, "4"], check=True, capture_output=True)
        out, err = ld.finish()
    for line in ("si_sum: 400\n", "same: 4\n", f"ax_sum: {sum(2 * (i - 2) + 100 for i in range(4))}\n", "rets: 4\n",
                 "sleepable_same: 4\n"):   # a sleepable uprobe is a kprobe program too
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["on_call", "on_ret", "on_call_s"])


TASK_WORK = '''from pybpf import *
PID: Final[int] = 0
works: Array[TaskWork] = Array(2)
by_key: Hash[u32, TaskWork] = Hash(max_entries=4)
ran: Hash[int, int] = Hash(max_entries=8)
calls: int = 0
scheduled: int = 0
busy: int = 0


def work(key: int) -> None:              # in the task's own context
    ran[pid() * 10 + key] += 1


@uprobe("libc:getppid", sleepable=True)
def on_getppid() -> None:
    global calls, scheduled, busy
    if pid() != PID:
        return
    calls += 1
    bpf_task_work_schedule_signal(current_task(), works[0], work)
    bpf_task_work_schedule_resume(current_task(), works[1], work)
    try:
        bpf_task_work_schedule_signal(current_task(), works[0], work)   # still pending
    except OSError:
        busy += 1
    by_key[7] = TaskWork()
    bpf_task_work_schedule_resume(current_task(), by_key[7], work)
    scheduled += 3
'''


@test
def kcast_task_work():
    """bpf_task_work_schedule_signal / _resume(current_task(), works[k], f)
    in a sleepable @uprobe on the test's own 3 getppid() calls: each
    callback runs exactly once per call, in the test's own task (pid() is
    the test's; keys 0 and 1 of an Array[TaskWork], 7 of a Hash's item made
    by by_key[7] = TaskWork()), before getppid() returns to it; scheduling
    a work still pending raises OSError (the kernel's -EBUSY) each time."""
    me = os.getpid()
    with Loader(TASK_WORK, ["-D", f"PID={me}"]) as ld:
        getppid_n(3)
        out, err = ld.finish()
    ran = _items(out, "ran")
    check(ran, {me * 10: 3, me * 10 + 1: 3, me * 10 + 7: 3})
    for line in ("calls: 3\n", "scheduled: 9\n", "busy: 3\n"):
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["on_getppid"], ["works", "by_key", "ran"])


WQ_IN_TRY = '''from pybpf import *
wqs: Array[Wq] = Array(1)
n: int = 0
failed: int = 0


def work(key: int) -> None:
    global n
    n += key


@begin
def b() -> None:
    global failed
    try:
        bpf_wq_init(wqs[0], 0)
        bpf_wq_set_callback(wqs[0], work, 0)
        bpf_wq_init(wqs[0], 0)             # initialised already: -EBUSY
    except OSError:
        failed += 1
'''


@test
def wq_set_callback_in_try():
    """bpf_wq_set_callback inside a try (whose end forgets the int locals
    the statement used): the callback's own key is not one of the probe's
    locals (it was, and clang refused the generated C); the second init
    raises OSError, caught once."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "wq_try.py")
    open(path, "w").write(WQ_IN_TRY)
    p = subprocess.run([PYBPF, "run", path], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == "", p
    assert "failed: 1\n" in p.stdout, p.stdout
    assert_nothing_left(["b"], ["wqs"])
