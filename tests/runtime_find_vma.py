"""Runtime tests of bpf.find_vma (issue 13): a callback whose parameters are
kernel pointers, `def f(task: task_struct, vma: vm_area_struct) -> None`
(pyc/check_callback.c); and a u64 read through a kernel pointer's pointer
field, which the raise block once made the verifier refuse. Imported from
tests/runtime.py."""
import ctypes
import mmap
import os

from runtime import Loader, assert_nothing_left, check, test

PROBE = '''from pybpf import *
PID: Final[int] = 0
ADDR: Final[int] = 0
start: int = 0
end: int = 0
calls: int = 0
misses: int = 0


def on_vma(task: task_struct, vma: vm_area_struct) -> None:
    global start, end, calls
    start = vma.vm_start
    end = vma.vm_end
    if task.tgid == PID:
        calls += 1


@tracepoint("syscalls/sys_enter_getppid")
def fv_probe(args) -> None:
    global misses
    if pid() == PID:
        bpf.find_vma(current_task(), ADDR, on_vma)
        try:
            bpf.find_vma(current_task(), 4096, on_vma)
        except OSError:
            misses += 1
'''


@test
def find_vma_calls_back_with_the_area():
    """3 getppid()s of this process: bpf.find_vma(current_task(), a, f)
    calls f once each with this task and the memory area holding a (an
    address inside a 3-page mmap of the test's): its vm_start and vm_end
    are exactly /proc/self/maps' bounds of that area; page 1, where nothing
    is mapped, gives OSError (ENOENT) each time, without a call of f."""
    m = mmap.mmap(-1, 3 * 4096)
    buf = ctypes.c_char.from_buffer(m)
    addr = ctypes.addressof(buf) + 4096 + 5
    try:
        bounds = [tuple(int(x, 16) for x in ln.split()[0].split("-")) for ln in open("/proc/self/maps")]
        area = [(a, b) for a, b in bounds if a <= addr < b]
        with Loader(PROBE, ["-D", f"PID={os.getpid()}", "-D", f"ADDR={addr}"]) as ld:
            for _ in range(3):
                os.getppid()
            out, err = ld.finish()
    finally:
        del buf
        m.close()
    check(len(area), 1, "areas holding the address")
    check(out, f"start: {area[0][0]}\nend: {area[0][1]}\ncalls: 3\nmisses: 3\n")
    assert "uncaught" not in err, err
    assert_nothing_left(["fv_probe"])


@test
def u64_field_through_a_pointer_field_loads():
    """current_task().mm.start_stack (a u64 read through the pointer mm):
    two raise sites (a fault, a u64 above 2**63-1) that clang folds into
    arithmetic once made the verifier refuse the probe (the raise block's
    counter offset); it loads and reads exactly /proc/self/stat's
    startstack (field 28) on each of 3 getppid()s."""
    src = '''from pybpf import *
PID: Final[int] = 0
out: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def u64_via_ptr(args) -> None:
    if pid() == PID:
        out[1] = current_task().mm.start_stack
        out[2] += 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    start_stack = int(open("/proc/self/stat").read().rsplit(")", 1)[1].split()[25])
    check(sorted(out.splitlines()), [f"out[1]: {start_stack}", "out[2]: 3"])   # printed by value
    assert_nothing_left(["u64_via_ptr"], ["out"])
