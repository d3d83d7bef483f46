"""Runtime tests of the kfuncs that take memory and its size (X, X__sz: a
str[N] or bytes[N] local, N passed by pybpf; pyc/check_kfunc_mem.c):
bpf_cpumask_populate from a @tracepoint, and the KF_SLEEPABLE
bpf_copy_from_user_str / bpf_copy_from_user_task_str from a sleepable
@uprobe. A negative return is an errno and raises OSError. Imported from
tests/runtime.py."""
import ctypes
import errno
import importlib
import os
import sys

from runtime import ROOT, Loader, assert_nothing_left, check, test


def _possible_cpus():
    """nr_cpu_ids: one more than the last possible CPU"""
    with open("/sys/devices/system/cpu/possible") as f:
        return int(f.read().strip().split(",")[-1].split("-")[-1]) + 1


POPULATE = '''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def h_populate(args) -> None:
    if pid() != PID:
        return
    with bpf_cpumask_create() as m:
        if m is not None:
            two: bytes[8] = b"\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            r = bpf_cpumask_populate(m, two)
            print(f"{r} {bpf_cpumask_test_cpu(0, m)} {bpf_cpumask_test_cpu(1, m)} {bpf_cpumask_weight(m)}")
            both: bytes[8] = b"\\x03\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
            r = bpf_cpumask_populate(m, both)
            print(f"{r} {bpf_cpumask_test_cpu(0, m)} {bpf_cpumask_test_cpu(1, m)} {bpf_cpumask_weight(m)}")
            small: bytes[4] = b"\\x01\\x00\\x00\\x00"
            try:
                bpf_cpumask_populate(m, small)
            except OSError:
                print(f"OSError {bpf_cpumask_weight(m)}")
'''


@test
def kfunc_cpumask_populate_from_bytes():
    """bpf_cpumask_populate(m, src): src a bytes[8] local, its size 8 passed
    by pybpf (one long: this machine's nr_cpu_ids is at most 64). The bits
    0b10 give exactly CPU 1 (test_cpu 0 False, 1 True, weight 1) and 0b11
    CPUs 0 and 1 (weight 2); a bytes[4] is smaller than the kernel's
    bitmap (-EACCES): OSError, and the mask keeps its two CPUs."""
    assert 2 <= _possible_cpus() <= 64, _possible_cpus()
    with Loader(POPULATE, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out.splitlines(), ["0 False True 1", "0 True True 2", "OSError 2"], err)
    assert_nothing_left(["h_populate"])


COPY_STR = '''from pybpf import *
PID: Final[int] = 0
ADDR: Final[int] = 0


@uprobe("libc:getppid", sleepable=True)
def h_user_str() -> None:
    if pid() != PID:
        return
    buf: str[32] = ""
    n = bpf_copy_from_user_str(buf, ADDR, 0)
    print(f"{n} {buf} {len(buf)}")
    small: str[4] = ""
    n = bpf_copy_from_user_str(small, ADDR, 1)
    print(f"{n} {small} {len(small)}")
    raw: bytes[8] = b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    n = bpf_copy_from_user_str(raw, ADDR, 1)
    print(f"{n} {raw}")
    other: str[32] = ""
    n = bpf_copy_from_user_task_str(other, ADDR, current_task(), 0)
    print(f"task {n} {other}")
    try:
        bpf_copy_from_user_str(buf, 1, 0)
    except OSError:
        print("EFAULT")
'''


@test
def kfunc_copy_from_user_str_in_a_sleepable_uprobe():
    """bpf_copy_from_user_str (KF_SLEEPABLE) from @uprobe(..., sleepable=True)
    reads a string this process owns (a ctypes buffer, "pybpf-user-str"):
    into a str[32] it gives 15 (the 14 bytes and the NUL) and the str up to
    the NUL (len 14); into a str[4], 4 and "pyb" (truncated, NUL-ended);
    into a bytes[8] with BPF_F_PAD_ZEROS (1), 8 and the 7 bytes and NUL;
    bpf_copy_from_user_task_str of the current task the same 15 and the
    string; address 1 is -EFAULT: OSError."""
    data = ctypes.create_string_buffer(b"pybpf-user-str", 32)
    args = ["-D", f"PID={os.getpid()}", "-D", f"ADDR={ctypes.addressof(data)}"]
    with Loader(COPY_STR, args) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out.splitlines(), ["15 pybpf-user-str 14", "4 pyb 3", "8 b'pybpf-u\\x00'", "task 15 pybpf-user-str",
                             "EFAULT"], err)
    # the CPython shim reads this process's memory the same (into bytearrays)
    sys.path.insert(0, os.path.join(ROOT, "python"))
    shim = importlib.import_module("pybpf")
    bufs = [bytearray(32), bytearray(4), bytearray(8)]
    got = [shim.bpf_copy_from_user_str(b, ctypes.addressof(data), fl) for b, fl in zip(bufs, (0, 1, 1))]
    check((got, bytes(bufs[0]).split(b"\0")[0], bytes(bufs[1]), bytes(bufs[2])),
          ([15, 4, 8], b"pybpf-user-str", b"pyb\0", b"pybpf-u\0"), "the CPython shim's values")
    try:
        shim.bpf_copy_from_user_str(bufs[0], 1, 0)
        raise AssertionError("the shim read address 1")
    except OSError as e:
        check(e.errno, errno.EFAULT, "the shim's errno at address 1")
    assert_nothing_left(["h_user_str"])


XATTR = '''from pybpf import *
PID: Final[int] = 0
CGID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def h_cg_xattr(args) -> None:
    if pid() != PID:
        return
    buf: str[32] = ""
    d = bpf.dynptr_from_mem(buf, 0)
    small: str[4] = ""
    s = bpf.dynptr_from_mem(small, 0)
    with bpf_cgroup_from_id(CGID) as cg:
        if cg is not None:
            n = bpf_cgroup_read_xattr(cg, "user.pybpf", d)
            out: str[32] = ""
            bpf.dynptr_read(out, d, 0, 0)
            print(f"{n} {out}")
            try:
                bpf_cgroup_read_xattr(cg, "user.pybpf-absent", d)
            except OSError:
                print("OSError absent")
            try:
                bpf_cgroup_read_xattr(cg, "user.pybpf", s)
            except OSError:
                print("OSError small")
'''


@test
def kfunc_cgroup_read_xattr_of_a_new_cgroup():
    """bpf_cgroup_read_xattr(cg, "user.pybpf", d): the name a str literal
    (__str: the verifier reads a constant string), the value written into a
    Dynptr over a str[32]. A cgroup v2 directory the test makes, with
    user.pybpf = "cgroup-value" (12 bytes), read from a @tracepoint: 12 and
    exactly that value; an absent name (-ENODATA) and a 4-byte dynptr
    (-ERANGE) raise OSError. The directory is removed at the end."""
    d = f"/sys/fs/cgroup/unified/pybpf-xattr-{os.getpid()}"
    if not os.path.isdir("/sys/fs/cgroup/unified"):
        d = f"/sys/fs/cgroup/pybpf-xattr-{os.getpid()}"
    os.mkdir(d)
    try:
        os.setxattr(d, "user.pybpf", b"cgroup-value")
        with Loader(XATTR, ["-D", f"PID={os.getpid()}", "-D", f"CGID={os.stat(d).st_ino}"]) as ld:
            os.getppid()
            out, err = ld.finish()
    finally:
        os.rmdir(d)
    check(out.splitlines(), ["12 cgroup-value", "OSError absent", "OSError small"], err)
    assert_nothing_left(["h_cg_xattr"])


CLONE = '''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def h_clone(args) -> None:
    if pid() != PID:
        return
    d = bpf.dynptr_from_mem(b"pybpf-clone-src", 0)
    c = bpf_dynptr_clone(d)
    bpf_dynptr_adjust(c, 6, 12)
    out: str[6] = ""
    bpf.dynptr_read(out, c, 0, 0)
    print(f"{bpf_dynptr_size(d)} {bpf_dynptr_size(c)} {out}")
    bpf.dynptr_write(c, 0, b"CLONE", 0)
    whole: str[15] = ""
    bpf.dynptr_read(whole, d, 0, 0)
    print(whole)
'''


@test
def kfunc_dynptr_clone_shares_the_memory():
    """c = bpf_dynptr_clone(d) (clone__uninit: the call makes the Dynptr c)
    over bpf.dynptr_from_mem's 15-byte copy: bpf_dynptr_adjust(c, 6, 12)
    narrows the clone only (sizes 15 and 6, c reads "clone-"), and a write
    through c shows through d ("pybpf-CLONE-src"): one memory, two views."""
    with Loader(CLONE, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out.splitlines(), ["15 6 clone-", "pybpf-CLONE-src"], err)
    assert_nothing_left(["h_clone"])


IRQ = '''from pybpf import *
PID: Final[int] = 0
seen: Count = Count()


@tracepoint("syscalls/sys_enter_getppid")
def h_irq(args) -> None:
    if pid() != PID:
        return
    for i in range(3):
        with bpf_local_irq_save():
            seen.add()
            if i == 1:
                continue
            with bpf_local_irq_save():
                seen.add()
    try:
        with bpf_local_irq_save():
            raise ValueError
    except ValueError:
        print("caught")
    with bpf_rcu_read_lock():
        with bpf_local_irq_save():
            print(f"inside {cpu() >= 0}")
'''


@test
def kfunc_local_irq_save_as_a_region():
    """with bpf_local_irq_save(): (__irq_flag: the flags in a hidden stack
    local per block) restores with bpf_local_irq_restore on every way out,
    which the verifier proves at load: nested blocks, a continue out of
    the outer one, an exception out of one (caught outside: "caught"),
    and one inside with bpf_rcu_read_lock(). 3 outer and 2 inner entries:
    seen counts exactly 5."""
    with Loader(IRQ, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out.splitlines(), ["caught", "inside True", "seen: 5"], err)
    assert_nothing_left(["h_irq"])
