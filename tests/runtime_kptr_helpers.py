"""Runtime tests of issue 13's helpers that take or return kernel pointers
(pyc/check_kptr.c): bpf.get_task_stack(task, buf, flags) and
bpf.task_pt_regs(task) take a task_struct pointer the verifier trusts
(current_task(), bpf.get_current_task_btf(), a with block's reference), and
the task and cgroup local storage maps TaskStorage[V] / CgrpStorage[V].
Imported from tests/runtime.py, whose TESTS list they join."""
import ast
import bisect
import os

from runtime import Loader, assert_nothing_left, check, test

NR_GETPPID = 110   # x86_64 <asm/unistd_64.h>


def _zeros(n):
    """A bytes literal of n NULs, as probe source."""
    return 'b"' + "\\0" * n + '"'


def _kallsyms():
    """(sorted addresses, their names, _stext, _etext) of /proc/kallsyms."""
    syms = []
    with open("/proc/kallsyms") as f:
        for ln in f:
            a, _, name = ln.split()[:3]
            syms.append((int(a, 16), name))
    syms.sort()
    names = dict((n, a) for a, n in syms)
    return [a for a, _ in syms], [n for _, n in syms], names["_stext"], names["_etext"]


@test
def kptr_helpers_task_stack_and_regs():
    """Each of 3 getppid()s of this process: bpf.get_task_stack(current_task(),
    buf, 0) fills a bytes[128] with the kernel stack of the calling task:
    a positive byte count that is a multiple of 8, every frame a kernel
    address (>= 0xffff800000000000), the first in kernel text (/proc/kallsyms'
    _stext.._etext) inside the stack walker (__bpf_get_stack), the syscall's
    entry (do_syscall_64) among them, and the bytes after the count left 0.
    bpf.task_pt_regs(bpf.get_current_task_btf()) is nonzero, and the pt_regs
    it points at (read with bpf.probe_read_kernel) hold orig_ax = 110, the
    number of getppid."""
    src = f'''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def kp_stack(args) -> None:
    if pid() == PID:
        buf: bytes[128] = {_zeros(128)}
        n = bpf.get_task_stack(current_task(), buf, 0)
        me = bpf.get_current_task_btf()
        r = bpf.task_pt_regs(me)
        regs: bytes[168] = {_zeros(168)}
        bpf.probe_read_kernel(regs, r)
        print(f"{{n}} {{r}} {{regs[120] | regs[121] << 8}} {{buf}}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    lines = out.splitlines()
    check(len(lines), 3, f"lines of output: {err}")
    addrs, names, stext, etext = _kallsyms()
    for ln in lines:
        n, r, orig_ax, buf = ln.split(" ", 3)
        n, r, buf = int(n), int(r), ast.literal_eval(buf)
        assert 0 < n <= 128 and n % 8 == 0, n
        frames = [int.from_bytes(buf[i:i + 8], "little") for i in range(0, n, 8)]
        assert all(f >= 0xffff800000000000 for f in frames), [hex(f) for f in frames]
        assert stext <= frames[0] < etext, hex(frames[0])
        syms = [names[bisect.bisect_right(addrs, f) - 1] for f in frames]
        check(syms[0], "__bpf_get_stack", f"the first frame's symbol ({syms})")
        assert "do_syscall_64" in syms, syms
        check(buf[n:], bytes(128 - n), "the bytes after the stack")
        assert r != 0
        check(int(orig_ax), NR_GETPPID, "pt_regs->orig_ax")
    assert_nothing_left(["kp_stack"])


@test
def kptr_helpers_with_reference():
    """A with block's reference is a trusted task too: bpf.get_task_stack of
    bpf_task_from_pid(this pid) (the process's main thread, which is the
    one calling getppid) gives a stack of whole frames, once per getppid
    (2 of them), and bpf.task_pt_regs of it is nonzero."""
    src = f'''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def kp_with(args) -> None:
    if pid() == PID:
        with bpf_task_from_pid(PID) as t:
            if t is not None:
                buf: bytes[64] = {_zeros(64)}
                n = bpf.get_task_stack(t, buf, 0)
                print(f"{{n % 8}} {{n > 0}} {{bpf.task_pt_regs(t) != 0}}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(2):
            os.getppid()
        out, err = ld.finish()
    check(out, "0 True True\n" * 2, err)
    assert_nothing_left(["kp_with"])


@test
def task_storage_counts_per_task():
    """A TaskStorage[u64] counter per task, m[current_task()] += 1: this
    process's main thread makes N = 9 getppid()s and a second thread 4, and
    each count (copied into a Hash keyed by the thread id, since user space
    cannot list a task storage map) is exactly its own; a CgrpStorage[u32]
    counter keyed by this process's cgroup (bpf_cgroup_from_id of
    bpf.get_current_cgroup_id()) counts all 13. Then the main thread's
    getpgid(0): 't in m' is True, del m[t], 't in m' is False, m.get(t, -1)
    is -1, m[t] raises KeyError, a second del raises KeyError, and m[t] = 40
    reads back 40. Nothing is left in the kernel after."""
    import threading
    src = '''from pybpf import *
PID: Final[int] = 0

calls: TaskStorage[u64] = TaskStorage()
cgcalls: CgrpStorage[u32] = CgrpStorage()
per_tid: Hash[int, int] = Hash()
cg_seen: Hash[int, int] = Hash()
after: Hash[int, int] = Hash()


def count_in_cgroup() -> None:
    with bpf_cgroup_from_id(bpf.get_current_cgroup_id()) as cg:
        if cg is not None:
            cgcalls[cg] += 1
            cg_seen[0] = cgcalls.get(cg, 100)


@tracepoint("syscalls/sys_enter_getppid")
def ts_count(args) -> None:
    if pid() == PID:
        calls[current_task()] += 1
        per_tid[tid()] = calls[current_task()]
        count_in_cgroup()


@tracepoint("syscalls/sys_enter_getpgid")
def ts_del(args) -> None:
    if pid() == PID:
        me = current_task()
        after[1] = me in calls
        del calls[me]
        after[2] = me in calls
        after[3] = calls.get(me, -1)
        try:
            after[4] = calls[me]
        except KeyError:
            after[4] = -2
        try:
            del calls[me]
        except KeyError:
            after[5] = -3
        calls[me] = 40
        after[6] = calls[me]
'''
    other = []

    def thread():
        other.append(threading.get_native_id())
        for _ in range(4):
            os.getppid()

    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(9):
            os.getppid()
        t = threading.Thread(target=thread)
        t.start()
        t.join()
        os.getpgid(0)
        out, err = ld.finish()
    main = threading.get_native_id()
    got = sorted(ln for ln in out.splitlines() if ln)
    check(got, sorted([f"per_tid[{main}]: 9", f"per_tid[{other[0]}]: 4", "cg_seen[0]: 13",
                       "after[1]: 1", "after[2]: 0", "after[3]: -1", "after[4]: -2", "after[5]: -3",
                       "after[6]: 40"]), err)
    assert "calls" not in out and "cgcalls" not in out, out
    assert_nothing_left(["ts_count", "ts_del"], ["calls", "cgcalls"])


@test
def task_storage_overflow_raises():
    """m[t] += 100 on a TaskStorage[u8]: 200 after two getppid()s; the third
    sum (300) does not fit u8, so it raises OverflowError (uncaught: counted
    at its line, 2 times for the third and fourth calls) and the item keeps
    200, which the fifth call's read (a getpgid) shows."""
    src = '''from pybpf import *
PID: Final[int] = 0

small: TaskStorage[u8] = TaskStorage()
seen: Hash[int, int] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def ts_ovf(args) -> None:
    if pid() == PID:
        small[current_task()] += 100


@tracepoint("syscalls/sys_enter_getpgid")
def ts_read(args) -> None:
    if pid() == PID:
        seen[0] = small[current_task()]
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(4):
            os.getppid()
        os.getpgid(0)
        out, err = ld.finish()
    check(out, "seen[0]: 200\n", err)
    assert "probe.py:11: OverflowError in ts_ovf: 2 times" in err, err
    assert_nothing_left(["ts_ovf", "ts_read"], ["small"])


@test
def task_storage_optional_get():
    """m.get(t) of a TaskStorage[i32] is None until the task has an item
    (counted once, at the first of 3 getppid()s), and m[t] -= 5 starts a
    missing item at 0: after 3 calls it reads -15."""
    src = '''from pybpf import *
PID: Final[int] = 0

calls: TaskStorage[i32] = TaskStorage()
seen: Hash[int, int] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def ts_opt(args) -> None:
    if pid() == PID:
        me = current_task()
        x = calls.get(me)
        if x is None:
            seen[0] += 1
        calls[me] -= 5
        y = calls.get(me)
        if y is not None:
            seen[1] = y
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    check(sorted(ln for ln in out.splitlines() if ln), ["seen[0]: 1", "seen[1]: -15"], err)
    assert_nothing_left(["ts_opt"], ["calls"])
