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
