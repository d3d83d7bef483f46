"""Runtime tests of issue 13 (the BPF helpers half): bpf.NAME() calls the
helpers of helpers/helpers_gen.c, typed from the table, with OSError for an
errno return. Imported from tests/runtime.py, whose TESTS list they join."""
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from runtime import PYBPF, Loader, assert_nothing_left, check, test


@test
def helper_prandom_u32_distribution():
    """bpf.get_prandom_u32(): 400 calls (two per getppid, 200 getppids) give
    values in [0, 2**32), the two calls of one event differ, and the values
    look uniform: mean within 15 % of 2**31 (5 standard deviations of the
    mean of 400 uniform values: 5 % was 1.7, a failure in 12 runs), at
    least 395 distinct, and each quarter of the range holds 60..140 of them
    (4.6 standard deviations)."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_prandom(args) -> None:
    if pid() == PID:
        a = bpf.get_prandom_u32()
        b = bpf.get_prandom_u32()
        print(f"{a} {b}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(200):
            os.getppid()
        out, err = ld.finish()
    pairs = [tuple(map(int, ln.split())) for ln in out.splitlines()]
    assert len(pairs) == 200, f"{len(pairs)} lines: {err}"
    vals = [v for p in pairs for v in p]
    assert all(0 <= v < 2**32 for v in vals), "a value outside [0, 2**32)"
    assert all(a != b for a, b in pairs), "two calls in one event gave the same value"
    mean = sum(vals) / len(vals)
    assert abs(mean - 2**31) < 0.15 * 2**31, f"mean {mean}"
    assert len(set(vals)) >= 395, f"only {len(set(vals))} distinct values"
    quarters = [sum(1 for v in vals if q * 2**30 <= v < (q + 1) * 2**30) for q in range(4)]
    assert all(60 <= n <= 140 for n in quarters), f"quarters {quarters}"
    assert_nothing_left(["h_prandom"])


@test
def helper_pid_tgid_cgroup_cpu():
    """bpf.get_current_pid_tgid() is os.getpid() << 32 | the thread id;
    bpf.get_current_cgroup_id() is the inode of this process's cgroup
    directory (/proc/self/cgroup under /sys/fs/cgroup); with this process
    pinned to one CPU, bpf.get_smp_processor_id() is that CPU."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_ids(args) -> None:
    if pid() == PID:
        print(f"{bpf.get_current_pid_tgid()} {bpf.get_current_cgroup_id()} {bpf.get_smp_processor_id()}")
'''
    with open("/proc/self/cgroup") as f:
        cg = [ln.split(":", 2)[2].strip() for ln in f if ln.startswith("0::")][0]
    ino = os.stat("/sys/fs/cgroup" + cg).st_ino
    old = os.sched_getaffinity(0)
    cpu = max(old)
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.sched_setaffinity(0, {cpu})
        try:
            os.getppid()
        finally:
            os.sched_setaffinity(0, old)
        out, err = ld.finish()
    check(out, f"{os.getpid() << 32 | threading.get_native_id()} {ino} {cpu}\n")
    # the CPython shim answers the same for this process
    shim = _shim_bpf()
    os.sched_setaffinity(0, {cpu})
    try:
        check(f"{shim.get_current_pid_tgid()} {shim.get_current_cgroup_id()} {shim.get_smp_processor_id()}\n", out,
              "the CPython shim's values")
    finally:
        os.sched_setaffinity(0, old)
    assert_nothing_left(["h_ids"])


def _shim_bpf():
    """pybpf.bpf of python/pybpf (the CPython shim)."""
    import importlib
    import sys
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")
    if here not in sys.path:
        sys.path.insert(0, here)
    return importlib.import_module("pybpf").bpf


@test
def helper_send_signal_n_times():
    """bpf.send_signal(SIGUSR1) from a probe on this process's getppid: the
    process receives exactly as many SIGUSR1 as it made getppid calls (7);
    bpf.send_signal(1000) is -EINVAL, which is OSError, caught by the probe."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_signal(args) -> None:
    if pid() == PID:
        r = bpf.send_signal(10)
        try:
            bpf.send_signal(1000)
            print(f"{r} no error")
        except OSError:
            print(f"{r} OSError")
'''
    got = []
    old = signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
    try:
        with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
            for _ in range(7):
                os.getppid()
                time.sleep(0.01)   # one at a time: a pending SIGUSR1 does not queue twice
            time.sleep(0.2)
            out, err = ld.finish()
    finally:
        signal.signal(signal.SIGUSR1, old)
    check(out, "0 OSError\n" * 7)
    assert got == [signal.SIGUSR1] * 7, f"received {got}"
    assert_nothing_left(["h_signal"])


@test
def helper_memory_argument_comm():
    """bpf.get_current_comm(buf) writes into a str[16] local; pybpf passes
    the size 16 itself; the result is 0 and buf is this thread's comm."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_comm(args) -> None:
    if pid() == PID:
        buf: str[16] = ""
        r = bpf.get_current_comm(buf)
        print(f"{r} {buf}|")
'''
    with open(f"/proc/self/task/{threading.get_native_id()}/comm") as f:
        comm = f.read().rstrip("\n")
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out, f"0 {comm}|\n")
    assert_nothing_left(["h_comm"])


@test
def helper_probe_read_user_str_filename():
    """bpf.probe_read_user_str(buf, args.filename) in openat's tracepoint:
    the result is the length including the NUL and buf is the path this
    process opened; with an unreadable address (1) it is -EFAULT: OSError."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_openat")
def h_read_str(args) -> None:
    if pid() == PID:
        buf: str[64] = ""
        bad: str[8] = ""
        n = bpf.probe_read_user_str(buf, args.filename)
        try:
            bpf.probe_read_user_str(bad, 1)
            print(f"{n} {buf} no error")
        except OSError:
            print(f"{n} {buf} OSError")
'''
    path = "/tmp/pybpf-helper-read-str-test"
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        try:
            os.close(os.open(path, os.O_RDONLY | os.O_CREAT, 0o600))
        finally:
            os.unlink(path)
        out, err = ld.finish()
    check(out, f"{len(path) + 1} {path} OSError\n")
    assert_nothing_left(["h_read_str"])


# a matrix line's last part (helpers and kfuncs): the call from a kind the
# kernel refuses it in
MATRIX_REFUSAL = r"; (refused at compile time from @\w+|every kind that loads here may call it)$"


@test
def helper_matrix_up_to_date():
    """helpers/helper_matrix.txt (helpers/gen_helper_matrix.py): every helper
    pybpf can call from a @tracepoint probe, compiled and loaded (verified by
    this kernel) in a generated probe; regenerated, it is the committed file."""
    import subprocess
    import sys
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="pybpf-matrix-out-") as d:
        out = os.path.join(d, "m.txt")
        subprocess.run([sys.executable, os.path.join(root, "helpers", "gen_helper_matrix.py"), "-o", out], check=True)
        with open(out) as f:
            fresh = f.read()
    with open(os.path.join(root, "helpers", "helper_matrix.txt")) as f:
        committed = f.read()
    # the kernel's build may change (the banner's release), its verdicts not
    check(re.sub(r"Linux \S+", "Linux", fresh), re.sub(r"Linux \S+", "Linux", committed),
          "helpers/helper_matrix.txt (stale: run `make helper-matrix`)")
    assert "send_signal: loads" in fresh and "get_prandom_u32: loads" in fresh
    checked = [ln for ln in fresh.splitlines() if not ln.startswith("#") and "not generated" not in ln]
    assert all(re.search(MATRIX_REFUSAL, ln) for ln in checked), fresh   # each refused at compile time where not allowed
    names = [ln.split(":")[0] for ln in fresh.splitlines() if not ln.startswith("#")]
    assert_nothing_left([("hm_" + n[:20])[:15] for n in names])


@test
def helper_api_listing():
    """pybpf api PATTERN: the helpers whose name contains PATTERN with their
    Python signatures (size parameters left out, OSError where the docs say
    errno) and the probe kinds that may call them, or why not yet."""
    import subprocess
    from runtime import PYBPF
    kinds = ("@tracepoint, @kprobe, @kretprobe, @uprobe, @uretprobe, @usdt, @raw_tp, @profile, @interval, @begin, @end, "
             "@tp_btf, @fentry, @fexit, @iter, @lsm, @struct_ops, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr, @socket_filter")
    kfuncs_note = "(the kernel was asked which probe kinds may call each)"
    p = subprocess.run([PYBPF, "api", "send_signal"], capture_output=True, text=True)
    check(p.stdout, f"bpf.send_signal(sig: u32) -> int  raises OSError\n    probes: {kinds}\n"
                    f"bpf.send_signal_thread(sig: u32) -> int  raises OSError\n    probes: {kinds}\n"
                    "2 helpers, 2 callable from pybpf\n"
                    "bpf_send_signal_task(task: task_struct, sig: int (i32), type: int (u32), value: int (u64)) -> int (i32)\n"
                    "    probes: @tracepoint, @profile, @interval, @begin, @end, @tp_btf, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr (@fentry, @fexit, @iter, @lsm, "
                    "@struct_ops: not probed, the verifier decides at load)\n"
                    f"1 kfunc in the running kernel's BTF, 1 callable from pybpf {kfuncs_note}\n")
    p = subprocess.run([PYBPF, "api", "get_current_comm"], capture_output=True, text=True)
    check(p.stdout.splitlines()[0], "bpf.get_current_comm(buf: str | bytes (local)) -> int  raises OSError")
    p = subprocess.run([PYBPF, "api", "tail_call"], capture_output=True, text=True)
    check(p.stdout, "bpf.tail_call(ctx: ctx(), prog_array_map: ProgArray, index: u32) -> None  (on success does not "
                    "return: the handler runs instead of the rest of the probe); in @tracepoint, @raw_tp and @tp_btf "
                    "probes, handlers of the caller's decorator and attach point\n"
                    "    probes: @tracepoint, @raw_tp, @tp_btf\n"
                    "1 helper, 1 callable from pybpf\n"
                    f"0 kfuncs in the running kernel's BTF, 0 callable from pybpf {kfuncs_note}\n")
    p = subprocess.run([PYBPF, "api", "perf_event_read"], capture_output=True, text=True)
    check(p.stdout, "bpf.perf_event_read(map: PerfCounters, flags: u64 (BPF_F_CURRENT_CPU)) -> int  raises OSError\n"
                    f"    probes: {kinds}\n"
                    "bpf.perf_event_read_value(map: PerfCounters, flags: u64 (BPF_F_CURRENT_CPU)) -> tuple[int (u64), "
                    "int (u64), int (u64)]  raises OSError  (counter, enabled, running = ...)\n"
                    f"    probes: {kinds}\n"
                    "2 helpers, 2 callable from pybpf\n"
                    f"0 kfuncs in the running kernel's BTF, 0 callable from pybpf {kfuncs_note}\n")
    p = subprocess.run([PYBPF, "api", "current_task_under_cgroup"], capture_output=True, text=True)
    check(p.stdout, "bpf.current_task_under_cgroup(map: Map, index: u32) -> int  raises OSError\n"
                    "    not callable yet: it needs a BPF_MAP_TYPE_CGROUP_ARRAY map, which pybpf has not\n"
                    "1 helper, 0 callable from pybpf\n"
                    f"0 kfuncs in the running kernel's BTF, 0 callable from pybpf {kfuncs_note}\n")
    p = subprocess.run([PYBPF, "api", "no_such_helper"], capture_output=True, text=True)
    check((p.returncode, p.stdout), (1, "0 helpers, 0 callable from pybpf\n"
                                        f"0 kfuncs in the running kernel's BTF, 0 callable from pybpf {kfuncs_note}\n"))
    assert_nothing_left([])


@test
def helper_snprintf_into_str():
    """bpf.snprintf(out, fmt, values...) formats with the kernel's
    bpf_snprintf into a str[32] local: the result is the length with the
    NUL, out the text (as C's printf makes it: "%d" of -5 is "-5", "%x" of
    255 is "ff", "%05u" of 7 is "00007"); a text longer than out is cut at
    31 characters, the length still the whole one plus 1."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_snprintf(args) -> None:
    if pid() == PID:
        out: str[32] = ""
        n = bpf.snprintf(out, "%d-%05u:%x %lld", -5, 7, 255, pid())
        print(f"{n} {out}|")
        m = bpf.snprintf(out, "%d%d%d%d%d%d", 123456, 123456, 123456, 123456, 123456, 123456)
        print(f"{m} {out}|")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    first = "%d-%05u:%x %d" % (-5, 7, 255, os.getpid())
    check(out, f"{len(first) + 1} {first}|\n37 {('123456' * 6)[:31]}|\n")
    assert_nothing_left(["h_snprintf"])


@test
def helper_errno_uncaught_counted_per_site():
    """An errno return nobody catches (bpf.send_signal(1000): -EINVAL) ends
    the probe's run with OSError, counted at its site: 3 getppid calls,
    'probe.py:7: OSError in h_errno: 3 times'; the print after it never runs."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_errno(args) -> None:
    if pid() == PID:
        bpf.send_signal(1000)
        print("not reached")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    check(out, "")
    assert "probe.py:7: OSError in h_errno: 3 times" in err, err
    assert_nothing_left(["h_errno"])


@test
def helper_ns_current_pid_tgid_struct():
    """bpf.get_ns_current_pid_tgid(dev, ino, ns) with ns a Struct local laid
    out as struct bpf_pidns_info (pid: u32, tgid: u32; pybpf passes its size,
    8): for this process's pid namespace (the st_dev and st_ino of
    /proc/self/ns/pid) the result is 0, ns.tgid is os.getpid() and ns.pid the
    thread id; for an inode that is not the namespace's it is -EINVAL:
    OSError, and the kernel has zeroed ns."""
    src = '''from pybpf import *
PID: Final[int] = 0
DEV: Final[int] = 0
INO: Final[int] = 0


class PidNs(Struct):
    pid: u32
    tgid: u32


@tracepoint("syscalls/sys_enter_getppid")
def h_nspid(args) -> None:
    if pid() == PID:
        ns = PidNs(0, 0)
        r = bpf.get_ns_current_pid_tgid(DEV, INO, ns)
        print(f"{r} {ns.pid} {ns.tgid}")
        try:
            bpf.get_ns_current_pid_tgid(DEV, INO + 1, ns)
            print("no error")
        except OSError:
            print(f"OSError {ns.pid} {ns.tgid}")
'''
    st = os.stat("/proc/self/ns/pid")
    with Loader(src, ["-D", f"PID={os.getpid()}", "-D", f"DEV={st.st_dev}", "-D", f"INO={st.st_ino}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out, f"0 {threading.get_native_id()} {os.getpid()}\nOSError 0 0\n")
    assert_nothing_left(["h_nspid"])


STRTO_CASES = [("strtol", "12345 67", 10), ("strtol", "  -42x", 0), ("strtoul", "0x1f!", 0), ("strtoul", "017", 0),
               ("strtoul", "ff", 16), ("strtol", "abc", 10), ("strtol", "9223372036854775808", 10),
               ("strtol", "-9223372036854775808", 10), ("strtoul", "18446744073709551615", 10),
               ("strtoul", "18446744073709551616", 10), ("strtoul", "-1", 10)]


@test
def helper_strtol_two_results():
    """v, n = bpf.strtol(s, base): the value bpf_strtol wrote through its
    res pointer and how many characters it parsed; no digits or a value
    beyond the type raise OSError (EINVAL, ERANGE), a u64 above 2**63-1
    raises OverflowError. The same cases through the CPython shim give the
    same lines."""
    body = "".join(f'''    try:
        v, n = bpf.{f}("{s}", {base})
        print(f"{{v}} {{n}}")
    except OSError:
        print("OSError")
    except OverflowError:
        print("OverflowError")
''' for f, s, base in STRTO_CASES)
    src = f'''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_strtol(args) -> None:
    if pid() != PID:
        return
{body}'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    want = ["12345 5", "-42 5", "31 4", "15 3", "255 2", "OSError", "OSError", "-9223372036854775808 20",
            "OverflowError", "OSError", "OSError"]
    check(out.splitlines(), want, err)
    shim = _shim_bpf()
    got = []
    for f, s, base in STRTO_CASES:
        try:
            got.append("%d %d" % getattr(shim, f)(s, base))
        except OSError:
            got.append("OSError")
        except OverflowError:
            got.append("OverflowError")
    check(got, want, "the CPython shim's values")
    assert_nothing_left(["h_strtol"])


@test
def helper_get_stackid():
    """bpf.get_stackid(args, flags) stores the kernel stack in pybpf's stack
    map (kstack()'s) and returns its id: two calls in one event and the same
    syscall made three times from one place give one id, >= 0; an unknown
    flag raises OSError (EINVAL), caught three times."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_stackid(args) -> None:
    if pid() != PID:
        return
    a = bpf.get_stackid(args, 0)
    b = bpf.get_stackid(args, 0)
    try:
        bpf.get_stackid(args, 1 << 20)
        print("no error")
    except OSError:
        print(f"{a} {b} OSError")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    lines = out.splitlines()
    assert len(lines) == 3, (out, err)
    sid = lines[0].split()[0]
    assert int(sid) >= 0, out
    check(lines, [f"{sid} {sid} OSError"] * 3, err)
    assert_nothing_left(["h_stackid"])


@test
def helper_kallsyms_lookup_name():
    """bpf.kallsyms_lookup_name(name, 0) in a @begin probe (a syscall
    program, the only kind that may call it): the address its res pointer
    got. A name the kernel does not have raises OSError (ENOENT); a kernel
    address is above 2**63-1, so reading it as an int raises OverflowError,
    as every u64 read does."""
    src = '''from pybpf import *

@begin
def h_kallsyms() -> None:
    try:
        print(bpf.kallsyms_lookup_name("pybpf_no_such_symbol", 0))
    except OSError:
        print("OSError")
    try:
        print(bpf.kallsyms_lookup_name("bpf_prog_put", 0))
    except OverflowError:
        print("OverflowError")
'''
    with Loader(src) as ld:
        out, err = ld.finish()
    check(out, "OSError\nOverflowError\n", err)
    assert_nothing_left(["h_kallsyms"])


@test
def helper_ctx_in_uprobe_and_callback():
    """ctx() passes the probe's own context to a helper in any probe kind:
    in a @uprobe (a kprobe-type program, whose parameters are the function's
    arguments), bpf.get_stackid(ctx(), BPF_F_USER_STACK) and
    bpf.get_func_ip(ctx()); and in bpf.loop's callback, which the caller
    hands its context: the same user stack there gives the same id."""
    src = '''from pybpf import *
PID: Final[int] = 0
n: int = -1


def step(i: int) -> None:
    global n
    n = bpf.get_stackid(ctx(), 256)


@uprobe("libc:getppid")
def h_ctx() -> None:
    if pid() == PID:
        a = bpf.get_stackid(ctx(), 256)
        bpf.loop(1, step)
        print(f"{a == n} {a >= 0} {bpf.get_func_ip(ctx()) > 0}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(2):
            os.getppid()
        out, err = ld.finish()
    lines = out.splitlines()
    check(lines[:2], ["True True True"] * 2, err)
    assert len(lines) == 3 and re.fullmatch(r"n: \d+", lines[2]), out
    assert_nothing_left(["h_ctx"])


@test
def helper_map_lookup_elem_is_get():
    """bpf.map_lookup_elem(m, key) is m.get(key): None while the key is
    missing (the helper's NULL), then the stored value; three getppids
    print none, 5, 6 and leave m[1] at 7."""
    src = '''from pybpf import *
PID: Final[int] = 0
m: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def h_lookup(args) -> None:
    if pid() != PID:
        return
    v = bpf.map_lookup_elem(m, 1)
    if v is None:
        print("none")
        m[1] = 5
    else:
        print(v)
        m[1] = v + 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    check(out, "none\n5\n6\nm[1]: 7\n", err)
    assert_nothing_left(["h_lookup"])


def _kallsyms_has(name):
    with open("/proc/kallsyms") as f:
        return any(ln.split()[2] == name for ln in f if len(ln.split()) >= 3)


@test
def helper_this_cpu_ptr_runqueues():
    """bpf.this_cpu_ptr(ksym("runqueues")): this CPU's struct rq, whose cpu
    field is cpu(). The verifier needs the variable's address from the
    kernel's symbol table; this machine's kernel lists no data symbols
    there (no CONFIG_KALLSYMS_ALL), and then the load is refused with that
    reason and nothing is left (the QEMU tier's py/percpu_* run it in
    Debian's kernel). Where the kernel lists it, three getppids count 3."""
    src = '''from pybpf import *
PID: Final[int] = 0
same: Count = Count()


@tracepoint("syscalls/sys_enter_getppid")
def h_percpu(args) -> None:
    if pid() == PID and bpf.this_cpu_ptr(ksym("runqueues")).cpu == cpu():
        same.add()
'''
    if _kallsyms_has("runqueues"):
        with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
            for _ in range(3):
                os.getppid()
            out, err = ld.finish()
        check(out, "same: 3\n", err)
    else:
        with tempfile.TemporaryDirectory(prefix="pybpf-test-") as d:
            path = os.path.join(d, "probe.py")
            with open(path, "w") as f:
                f.write(src)
            p = subprocess.run([PYBPF, "load", "-D", "PID=1", path, "--duration", "1"], capture_output=True, text=True,
                               timeout=120)
        check((p.returncode, p.stdout, p.stderr.splitlines()[:2]),
              (1, "", ["pybpf: error: the kernel refused to load probe 'h_percpu': No such file or directory: ldimm64 "
                       "failed to find the address for kernel symbol 'runqueues'.",
                       "note: a ksym(\"NAME\") variable: the verifier looks its address up in the kernel's symbol "
                       "table, and this kernel lists no data symbols there (it was built without "
                       "CONFIG_KALLSYMS_ALL: see /proc/kallsyms), so per-CPU variables cannot be used on it; "
                       "nothing was loaded"]))
    assert_nothing_left(["h_percpu"])


@test
def helper_map_lookup_percpu_elem():
    """bpf.map_lookup_percpu_elem(m, key, cpu) on a PerCPUHash: CPU cpu's
    own value (Optional). Pinned to CPU 1, the probe adds 1 to CPU 1's copy
    per getppid: CPU 1's value is then 1, 2, 3 and CPU 0's 0 (a per-CPU
    hash holds a slot for every CPU once the key exists); a CPU the machine
    has not, or a missing key, gives None."""
    src = '''from pybpf import *
PID: Final[int] = 0
m: PerCPUHash[int, int] = PerCPUHash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def h_percpu_get(args) -> None:
    if pid() != PID:
        return
    m[1] += 1
    a = bpf.map_lookup_percpu_elem(m, 1, 1)
    b = bpf.map_lookup_percpu_elem(m, 1, 0)
    c = bpf.map_lookup_percpu_elem(m, 1, 4096)
    d = bpf.map_lookup_percpu_elem(m, 2, 1)
    x = -1
    y = -1
    if a is not None:
        x = a
    if b is not None:
        y = b
    print(f"{x} {y} {c is None} {d is None}")
'''
    old = os.sched_getaffinity(0)
    if 1 not in old:
        raise AssertionError(f"this test pins itself to CPU 1, which it may not use ({old})")
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.sched_setaffinity(0, {1})
        try:
            for _ in range(3):
                os.getppid()
        finally:
            os.sched_setaffinity(0, old)
        out, err = ld.finish()
    check(out.splitlines()[:3], ["1 0 True True", "2 0 True True", "3 0 True True"], err)
    assert_nothing_left(["h_percpu_get"])
