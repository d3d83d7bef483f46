"""Runtime tests of issue 13's kfunc half: `pybpf api` lists the running
kernel's kfuncs (from its BTF) and the probe kinds the verifier lets call
each (helpers/kfunc_progs_gen.c, from build/kfunc-probe), `pybpf api
--coverage` counts what pybpf can call, and a kfunc the kernel refuses for a
probe kind is refused at compile time."""
import functools
import os
import re
import subprocess
import tempfile
import time

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, test
from runtime_helpers import MATRIX_REFUSAL

KINDS_NOT_PROBED = "(@fentry, @fexit, @iter, @lsm, @struct_ops: not probed, the verifier decides at load)"


def _bpftool_kfuncs():
    """The kfunc names of the running kernel, read with bpftool (not pybpf):
    the FUNCs that a 'bpf_kfunc' DECL_TAG points at."""
    out = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
                         capture_output=True, text=True, check=True).stdout
    funcs = dict(re.findall(r"^\[(\d+)\] FUNC '(\w+)'", out, re.M))
    return sorted(funcs[i] for i in re.findall(r"^\[\d+\] DECL_TAG 'bpf_kfunc' type_id=(\d+)", out, re.M))


def _callable(listing):
    """How many entries of a `pybpf api` listing have no 'not callable' line."""
    return len(re.findall(r"^\w+\(.*\n(?!    not callable)", listing, re.M))


def _api(*args):
    p = subprocess.run([PYBPF, "api", *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == "", p
    return p.stdout


@test
def kfunc_api_listing():
    """pybpf api PATTERN lists the helpers, then every kfunc of the running
    kernel whose name contains PATTERN (the same set bpftool finds), typed
    from BTF, each either callable or with the reason it is not yet."""
    names = _bpftool_kfuncs()
    out = _api("bpf_task_")
    listed = re.findall(r"^(\w+)\(", out, re.M)
    check(listed, [n for n in names if "bpf_task_" in n])
    for line in ("bpf_task_under_cgroup(task: task_struct, ancestor: cgroup) -> int (i64)\n"
                 f"    probes: @tracepoint, @profile, @interval, @begin, @end, @tp_btf, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr {KINDS_NOT_PROBED}\n"
                 "bpf_task_work",
                 "bpf_task_from_pid(pid: int (i32)) -> Optional[task_struct]\n"
                 "    acquires: call it as 'with bpf_task_from_pid(...) as x:', whose end releases x with "
                 "bpf_task_release\n",
                 "bpf_task_release(p: task_struct) -> None\n"
                 "    releases: the end of a with block holding a struct task_struct reference calls it\n"
                 "    probes: "):
        assert line in out, (line, out)
    n = len(listed)
    callable_ = _callable(out)
    assert out.endswith(f"{n} kfuncs in the running kernel's BTF, {callable_} callable from pybpf "
                        "(the kernel was asked which probe kinds may call each)\n"), out
    check(_api("send_signal").splitlines()[-3:],
          ["bpf_send_signal_task(task: task_struct, sig: int (i32), type: int (u32), value: int (u64)) -> int (i32)",
           f"    probes: @tracepoint, @profile, @interval, @begin, @end, @tp_btf, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr {KINDS_NOT_PROBED}",
           "1 kfunc in the running kernel's BTF, 1 callable from pybpf (the kernel was asked which "
           "probe kinds may call each)"])
    assert_nothing_left([])


@test
def api_coverage_counts():
    """pybpf api --coverage: per program type (its probe kinds), N of M
    helpers, where N is what `pybpf api` lists as callable from that kind and
    the M - N others follow with their reasons; then N of M kfuncs, M being
    every kfunc bpftool finds and N those `pybpf api` lists as callable."""
    listing = _api()
    cov = _api("--coverage")
    blocks = re.findall(r"^(@[^\n]*?) \(BPF (\w+) programs\): (\d+) of (\d+) helpers callable \([^\n]*\)\n((?:    [^\n]*\n)*)",
                        cov, re.M)
    check([b[1] for b in blocks], ["tracepoint", "kprobe", "raw_tracepoint", "perf_event", "syscall", "tracing",
                                   "tracing", "tracing", "tracing", "lsm", "struct_ops", "xdp", "sched_cls",
                                   "cgroup_skb", "cgroup_sock_addr", "socket_filter"])
    check([b[0] for b in blocks if b[1] == "tracing"], ["@tp_btf", "@fentry", "@fexit", "@iter"])
    helper_probes = re.findall(r"^bpf\.\w+\(.*\n    probes: (.*)\n", listing, re.M)
    for kinds, prog, n, m, excluded in blocks:
        kind = kinds.split(",")[0]
        n, m = int(n), int(m)
        check((prog, n), (prog, sum(1 for p in helper_probes if re.search(re.escape(kind) + r"\b", p))))
        check((prog, len(excluded.splitlines())), (prog, m - n))
    kf = re.search(r"^kfuncs of the running kernel \(any probe kind\): (\d+) of (\d+) callable\n((?:    [^\n]*\n)*)\Z",
                   cov, re.M)
    assert kf, cov
    names = _bpftool_kfuncs()
    listed_callable = _callable(listing)
    check((int(kf.group(1)), int(kf.group(2)), len(kf.group(3).splitlines())),
          (listed_callable, len(names), len(names) - listed_callable))
    # per asked program type: M = the kfuncs the prober finds allowed there,
    # N = those `pybpf api` lists as callable with that kind among the asked ones
    allowed = _prober()
    # a sleepable uprobe's kinds are spelled @uprobe(sleepable=True): as @uprobe.s here
    kfunc_probes = re.findall(r"^(?!bpf\.)\w+\(.*\n(?:    (?:acquires|iterator|region|releases|makes): .*\n)?    probes: ([^(\n]*)",
                              re.sub(r"(@\w+)\(sleepable=True\)", r"\1.s", listing), re.M)
    blocks = re.findall(r"^(@[^\n(]*?) \(BPF (\w+) programs\): (\d+) of (\d+) kfuncs callable "
                        r"\(the kernel was asked which it allows\)\n", cov, re.M)
    check([b[1] for b in blocks], ["kprobe", "tracepoint", "raw_tracepoint", "perf_event", "syscall", "tracing",
                                   "xdp", "sched_cls", "cgroup_skb", "socket_filter", "cgroup_sock_addr"])
    for kinds, prog, n, m in blocks:
        kind = kinds.split(",")[0]
        check((prog, int(n), int(m)),
              (prog, sum(1 for p in kfunc_probes if re.search(re.escape(kind) + r"\b", p)),
               sum(1 for types in allowed.values() if prog in types)))
    # the sleepable uprobes (sleepable kprobe programs, asked as kprobe.s): N counts the
    # kfuncs `pybpf api` lists for @uprobe, plain (the prober finds each kprobe kfunc
    # allowed in kprobe.s too) or sleepable
    check(re.findall(r"^@uprobe\(sleepable=True\), @uretprobe\(sleepable=True\) \(sleepable BPF kprobe programs\): "
                     r"(\d+) of (\d+) kfuncs callable", cov, re.M),
          [(str(sum(1 for p in kfunc_probes if re.search(r"@uprobe\b", p))),
            str(sum(1 for types in allowed.values() if "kprobe.s" in types)))])
    assert all("kprobe.s" in types for types in allowed.values() if "kprobe" in types)
    check(re.findall(r"^(@.*) \(not probed\): (\d+) of (\d+) kfuncs callable \(the verifier decides at load "
                     r"which it allows\)$", cov, re.M),
          [("@fentry, @fexit, @iter, @lsm, @struct_ops", kf.group(1), kf.group(2))])
    _check_unkinded_rows(cov, listing, allowed)
    assert_nothing_left([])


PACKET_TYPES = {"xdp", "sched_cls", "cgroup_skb", "socket_filter", "cgroup_sock_addr", "sock_ops"}


@functools.lru_cache(maxsize=None)
def _kern_ctx_is_struct(prog):
    """Whether the kernel's own context of BPF programs of type prog is a
    struct: its struct bpf_ctx_convert's BPF_PROG_TYPE_<PROG>_kern member,
    read with bpftool (not pybpf)"""
    out = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux", "format", "c"],
                         capture_output=True, text=True, check=True).stdout
    conv = re.search(r"^struct bpf_ctx_convert \{\n(.*?)^\};", out, re.M | re.S).group(1)
    return bool(re.search(r"^\tstruct \w+ BPF_PROG_TYPE_%s_kern;" % prog.upper(), conv, re.M))


def _check_unkinded_rows(cov, listing, allowed):
    """The asked program types no probe kind has (tcp_congestion_ops
    struct_ops and sock_ops): N of M as the prober and `pybpf api` say;
    then the target row: every kfunc but those only packet-path programs may
    call, N of them callable."""
    callable_names = set(re.findall(r"^(?!bpf\.)(\w+)\(.*\n(?!    not callable)", listing, re.M))
    want = []
    for prog in ["struct_ops:tcp_congestion_ops", "sock_ops"]:
        label = ('@struct_ops("tcp_congestion_ops") (BPF struct_ops programs)' if prog.startswith("struct_ops:")
                 else "BPF %s programs (no probe kind yet)" % prog)
        there = {n for n, types in allowed.items() if prog in types}
        # a work queue's callback is set only from a sleepable program (check_wq.c): none of these;
        # bpf_cast_to_kern_ctx where the kernel's context is no struct (check_kcast.c)
        usable_there = (there & callable_names) - {"bpf_wq_set_callback_impl", "bpf_task_work_schedule_signal_impl",
                                                   "bpf_task_work_schedule_resume_impl"}   # nor a task work (check_task_work.c)
        if not _kern_ctx_is_struct(prog.split(":")[0]):
            usable_there -= {"bpf_cast_to_kern_ctx"}
        want.append("%s: %d of %d kfuncs callable (the kernel was asked which it allows)"
                    % (label, len(usable_there), len(there)))
    rows = [line for line in cov.splitlines() if line.startswith(('@struct_ops("', "BPF "))]
    check(rows, want)
    packet = {n for n, types in allowed.items() if types and types <= PACKET_TYPES}
    usable = set(allowed) - packet
    n = len(usable & callable_names)
    check(re.findall(r"^kfuncs usable by tracing.*$", cov, re.M),
          ["kfuncs usable by tracing, syscall and struct_ops programs: %d of %d callable (%.1f%%; "
           "%d more only the packet path may call)" % (n, len(usable), 100.0 * n / len(usable), len(packet))])


def _prober(verbose=False):
    """build/kfunc-probe's answers: {kfunc: set of program types}; with
    verbose, (that, the verifier logs of its refusals)."""
    subprocess.run(["make", "--no-print-directory", "-s", "build/kfunc-probe"], cwd=ROOT, check=True)
    p = subprocess.run([os.path.join(ROOT, "build", "kfunc-probe")] + (["-v"] if verbose else []),
                       capture_output=True, text=True, timeout=60, check=True)
    got = {}
    for line in p.stdout.splitlines():
        if not line.startswith("#"):
            name, types = line.split(" ")
            got[name] = set() if types == "-" else set(types.split(","))
    return (got, p.stderr) if verbose else got


@test
def kfunc_not_allowed_for_the_probe_kind():
    """A kfunc the kernel's kfunc sets do not offer to a @begin probe (a BPF
    syscall program) is refused at compile time, at the call, naming the
    kinds that may call it; and the verifier does refuse that call in a
    syscall program (the prober's log), so the check only says it first."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "probe.py")
    open(path, "w").write("from pybpf import *\n\n\n@begin\ndef t_kf_begin() -> None:\n"
                          "    print(f\"{bpf_session_is_return()}\")\n")
    p = subprocess.run([PYBPF, "run", path], capture_output=True, text=True, timeout=60)
    check((p.returncode, p.stderr.splitlines()), (1, [
        f"{path}:6:14: error: kfunc bpf_session_is_return cannot be called from a @begin probe: the kernel does not "
        "allow it in BPF syscall programs; it may be called from no probe kind the kernel was asked about "
        f"{KINDS_NOT_PROBED}",
        "        print(f\"{bpf_session_is_return()}\")",
        "                 ^~~~~~~~~~~~~~~~~~~~~"]))
    allowed, log = _prober(verbose=True)
    check(allowed["bpf_session_is_return"], set())
    for prog in ("syscall", "tracepoint"):
        m = re.search(r"^bpf_session_is_return %s: .*?^(calling kernel function \S+ is not allowed)$" % prog, log,
                      re.M | re.S)
        check((prog, m and m.group(1)), (prog, "calling kernel function bpf_session_is_return is not allowed"))
    assert_nothing_left(["t_kf_begin", "kfunc_probe"])


@test
def kfunc_send_signal_task_to_current():
    """bpf_send_signal_task(current_task(), SIGUSR1, 0, 0) from a tracepoint:
    current_task() is the verifier's trusted task pointer
    (bpf_get_current_task_btf), so the kfunc takes it; the test process
    makes exactly 3 getppid() calls and receives exactly 3 SIGUSR1, and the
    kfunc returned 0 each time. (Its `type` parameter is an enum pid_type,
    declared as the enum so that libbpf resolves the kfunc.)"""
    import signal
    src = '''from pybpf import *
PID: Final[int] = 0

rets: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_sig(args) -> None:
    if pid() == PID:
        r = bpf_send_signal_task(current_task(), 10, 0, 0)
        rets[r] = rets.get(r, 0) + 1
'''
    got = []
    old = signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
    try:
        with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
            for _ in range(3):
                os.getppid()
            out, err = ld.finish()
    finally:
        signal.signal(signal.SIGUSR1, old)
    check((out, len(got)), ("rets[0]: 3\n", 3))
    assert_nothing_left(["t_kf_sig"])


@test
def kfunc_references_with_blocks():
    """with KFUNC(...) as x: an acquired kernel reference (bpf_task_from_pid,
    bpf_cgroup_from_id, bpf_task_acquire), None when the kfunc finds nothing,
    released on every way out of the block -- a return from a helper, break
    and continue in a loop, an exception caught outside -- and the verifier
    proves each release. For 3 getppid() calls of the test process: its
    tgid found 3 times, pid -7 not found 3 times, iterations 0, 2 and 3 of
    the loop (1 continues), 3 ValueErrors, its cgroup found by id (the kn.id
    read back) and the task under it."""
    src = '''from pybpf import *
PID: Final[int] = 0
CG: Final[int] = 0

seen: Hash[int, int] = Hash(max_entries=16)


def tgid_of(p: int) -> int:
    with bpf_task_from_pid(p) as t:
        if t is None:
            return -1
        return t.tgid


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_with(args) -> None:
    if pid() != PID:
        return
    seen[tgid_of(PID)] += 1
    seen[tgid_of(-7)] += 1
    for i in range(4):
        with bpf_task_from_pid(PID) as t:
            if t is None:
                break
            if i == 1:
                continue
            seen[100 + i] += 1
    try:
        with bpf_task_from_pid(PID) as t2:
            if t2 is not None and t2.tgid == PID:
                raise ValueError
    except ValueError:
        seen[7] += 1
    with bpf_cgroup_from_id(CG) as cg:
        if cg is not None:
            seen[8] += cg.kn.id == CG
            with bpf_task_acquire(current_task()) as me:
                if me is not None:
                    seen[9] += bpf_task_under_cgroup(me, cg)
'''
    cg = open("/proc/self/cgroup").read().strip().split("::")[1]
    ino = os.stat("/sys/fs/cgroup" + cg).st_ino
    with Loader(src, ["-D", f"PID={os.getpid()}", "-D", f"CG={ino}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    check(out, "".join(f"seen[{k}]: 3\n" for k in sorted([-1, 7, 8, 9, 100, 102, 103, os.getpid()])))
    assert_nothing_left(["t_kf_with"])


@test
def kfunc_iterators_as_for_loops():
    """for x in bpf_iter_task(...)/bpf_iter_task_vma(...): the kernel's
    open-coded iterators as for loops (new, next per item, destroy on every
    way out, break included). With 3 threads of its own waiting, the test
    process is 1 task among all processes (flags 0, None: every process),
    has 4 threads (flags 2: the threads of current_task()), all 4 seen
    among all threads (flags 1), and a break at the 2nd thread counts 2; a
    sleeping child's memory areas (bpf_iter_task_vma over the task a with
    block holds) are exactly the lines of its /proc/PID/maps but
    [vsyscall], which is not a VMA."""
    import threading
    src = '''from pybpf import *
PID: Final[int] = 0
CHILD: Final[int] = 0

seen: Hash[int, int] = Hash(max_entries=16)


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_iter(args) -> None:
    if pid() != PID:
        return
    mine = 0
    for t in bpf_iter_task(None, 0):
        if t.tgid == PID:
            mine += 1
    seen[1] = mine
    threads = 0
    for th in bpf_iter_task(current_task(), 2):
        threads += 1
    seen[2] = threads
    all_mine = 0
    for a in bpf_iter_task(None, 1):
        if a.tgid == PID:
            all_mine += 1
    seen[3] = all_mine
    upto = 0
    for b in bpf_iter_task(current_task(), 2):
        upto += 1
        if upto == 2:
            break
    seen[4] = upto
    with bpf_task_from_pid(CHILD) as child:
        if child is not None:
            n = 0
            for vma in bpf_iter_task_vma(child, 0):
                n += 1
            seen[5] = n
'''
    ev = threading.Event()
    ths = [threading.Thread(target=ev.wait) for _ in range(3)]
    for t in ths:
        t.start()
    child = subprocess.Popen(["sleep", "60"])
    try:
        time.sleep(0.2)   # exec'd and mapped
        maps = open(f"/proc/{child.pid}/maps").read().splitlines()
        with Loader(src, ["-D", f"PID={os.getpid()}", "-D", f"CHILD={child.pid}"]) as ld:
            os.getppid()
            out, err = ld.finish()
    finally:
        ev.set()
        for t in ths:
            t.join()
        child.kill()
        child.wait()
    vmas = len([m for m in maps if not m.endswith("[vsyscall]")])
    check(sorted(out.splitlines()), ["seen[1]: 1", "seen[2]: 4", "seen[3]: 4", "seen[4]: 2", f"seen[5]: {vmas}"])
    assert_nothing_left(["t_kf_iter"])


@test
def helper_loop_with_a_callback():
    """bpf.loop(n, f): the kernel's bpf_loop calls the def f(i) for i = 0..n-1
    and returns how many calls it made; f shares data through `global`
    variables and maps. For 2 getppid() calls: sum(range(100)) = 4950 in
    100 calls; a '-> bool' f returning True at i == 4 stops after 5 calls;
    an exception f raises goes on from the bpf.loop call, caught there by
    `except ValueError` (f ran for i = 0 and 1 only), or uncaught: counted
    at its raise site, the rest of the probe not run; n = 1 << 24, above
    the kernel's 1 << 23, raises OSError (E2BIG)."""
    src = '''from pybpf import *
PID: Final[int] = 0

total: int = 0
calls: int = 0
seen: Hash[int, int] = Hash(max_entries=16)


def add(i: int) -> None:
    global total
    total += i


def upto(i: int) -> bool:
    global calls
    calls += 1
    return i == 4


def boom(i: int) -> None:
    if i == 2:
        raise ValueError
    seen[50 + i] += 1


def uncaught(i: int) -> None:
    seen[60 + i] += 1
    if i == 1:
        raise ValueError("stop at 1")


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_loop(args) -> None:
    global total, calls
    if pid() != PID:
        return
    total = 0
    calls = 0
    seen[1] = bpf.loop(100, add)
    seen[2] = total
    seen[3] = bpf.loop(10, upto)
    seen[4] = calls
    try:
        bpf.loop(5, boom)
    except ValueError:
        seen[5] += 1
    try:
        bpf.loop(1 << 24, add)
    except OSError:
        seen[6] += 1
    bpf.loop(3, uncaught)
    seen[7] += 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(2):
            os.getppid()
        out, err = ld.finish()
    check(sorted(out.splitlines()), sorted(["seen[1]: 100", "seen[2]: 4950", "seen[3]: 5", "seen[4]: 5", "seen[5]: 2",
                                            "seen[6]: 2", "seen[50]: 2", "seen[51]: 2", "seen[60]: 2", "seen[61]: 2",
                                            "", "total: 4950", "calls: 5"]))
    check(err.splitlines()[-1], f"{ld.path}:29: ValueError: stop at 1 in t_kf_loop: 2 times")
    assert_nothing_left(["t_kf_loop"])


@test
def helper_for_each_map_elem_with_a_callback():
    """bpf.for_each_map_elem(m, f): the kernel calls the def f(key, value)
    for each item of m and returns how many calls it made. For the map
    {1: 10, 2: 20, 3: 30, 4: 40}: 4 calls, sum of key * value = 300 (in
    `global` variables); over an Array of 0, 10, ..., 50, a '-> bool' f
    returning True at value 30 stops after 4 calls (index order); a KeyError
    f raises is caught around the bpf.for_each_map_elem call."""
    src = '''from pybpf import *
PID: Final[int] = 0

total: int = 0
count: int = 0
m: Hash[u32, u64] = Hash(max_entries=16)
seen: Hash[int, int] = Hash(max_entries=16)
a: Array[u64] = Array(6)


def visit(k: int, v: int) -> None:
    global total, count
    total += k * v
    count += 1


def first_big(k: int, v: int) -> bool:
    global count
    count += 1
    return v >= 30


def bad(k: int, v: int) -> None:
    if v == 20:
        raise KeyError


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_each(args) -> None:
    global total, count
    if pid() != PID:
        return
    for i in range(1, 5):
        m[i] = 10 * i
    total = 0
    count = 0
    seen[1] = bpf.for_each_map_elem(m, visit)
    seen[2] = total
    seen[3] = count
    count = 0
    for i in range(6):
        a[i] = 10 * i
    seen[4] = bpf.for_each_map_elem(a, first_big)
    seen[5] = count
    try:
        bpf.for_each_map_elem(m, bad)
    except KeyError:
        seen[6] += 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(2):
            os.getppid()
        out, err = ld.finish()
    check(sorted(ln for ln in out.splitlines() if ln.startswith(("seen", "total", "count"))),
          ["count: 4", "seen[1]: 4", "seen[2]: 300", "seen[3]: 4", "seen[4]: 4", "seen[5]: 4", "seen[6]: 2",
           "total: 300"])
    assert_nothing_left(["t_kf_each"])


@test
def kfunc_allowed_in_tracepoint_runs():
    """A kfunc the verifier allows in BPF tracepoint programs, with a real
    argument, in a @tracepoint probe: it loads, attaches and returns what
    the kernel's bpf_modify_return_test_tp returns (its nonce), once per
    getppid of this process."""
    check("tracepoint" in _prober()["bpf_modify_return_test_tp"], True)
    src = """from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_tp(args) -> None:
    if pid() == PID:
        print(f"{bpf_modify_return_test_tp(7)}")
"""
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        time.sleep(0.2)
        out, err = ld.finish()
    check((ld.rc, out), (0, "7\n7\n7\n"))
    assert_nothing_left(["t_kf_tp"])


@test
def kfunc_returning_a_kernel_pointer():
    """A kfunc that returns a kernel pointer and no reference
    (bpf_get_kmem_cache: the slab cache of an address, here None for 0):
    the value keeps its C pointer type (it once went through __s64, which
    clang refuses), the probe loads and runs once per getppid."""
    src = '''from pybpf import *
PID: Final[int] = 0

seen: Hash[int, int] = Hash(max_entries=4)


@tracepoint("syscalls/sys_enter_getppid")
def t_kf_kc(args) -> None:
    if pid() == PID:
        c = bpf_get_kmem_cache(0)
        seen[1] += 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(3):
            os.getppid()
        out, err = ld.finish()
    check(out, "seen[1]: 3\n")
    assert_nothing_left(["t_kf_kc"])


STR_KFUNC_CASES = ['bpf_strlen(c)', 'bpf_strlen("")', 'bpf_strnlen("abcdef", 3)', 'bpf_strchr("hello", 108)',
                   'bpf_strchr("hello", 122)', 'bpf_strchr("hello", 0)', 'bpf_strnchr("hello", 2, 108)',
                   'bpf_strchrnul("hello", 122)', 'bpf_strrchr("hello", 108)', 'bpf_strstr("pybpf", "bpf")',
                   'bpf_strstr("pybpf", "xyz")', 'bpf_strnstr("pybpf", "bpf", 4)', 'bpf_strcmp("abc", "abd")',
                   'bpf_strcmp(c, c)', 'bpf_strcasecmp("ABC", "abc")', 'bpf_strspn("aabxc", "ab")',
                   'bpf_strcspn("aabxc", "xc")']


@test
def kfunc_string_kfuncs():
    """The kernel's string kfuncs take any str (they read it with
    fault-safe loads: __ign for the verifier) and give what the CPython
    shim's versions give for the same strings: lengths, indexes (-1 where a
    search finds nothing: the kernel's -ENOENT), comparisons."""
    body = "".join(f"    print({case})\n" for case in STR_KFUNC_CASES)
    src = f'''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_strk(args) -> None:
    if pid() != PID:
        return
    c: str[16] = "python3"
{body}'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    want = ["7", "0", "3", "2", "-1", "5", "-1", "5", "3", "2", "-1", "-1", "-1", "0", "0", "3", "3"]
    check(out.splitlines(), want, err)
    import importlib
    import sys
    sys.path.insert(0, os.path.join(ROOT, "python"))
    shim = importlib.import_module("pybpf")
    env = {n: getattr(shim, n) for n in dir(shim) if n.startswith("bpf_str")}
    env["c"] = "python3"
    check([str(eval(case, env)) for case in STR_KFUNC_CASES], want, "the CPython shim's values")
    assert_nothing_left(["h_strk"])


@test
def kfunc_matrix_up_to_date():
    """helpers/kfunc_matrix.txt (helpers/gen_kfunc_matrix.py): every kfunc
    pybpf can call from a @tracepoint probe, compiled and loaded (verified
    by this kernel) in a generated probe, or named with the reason no
    generated probe can pass its arguments; regenerated, it is the
    committed file, and every generated probe loads."""
    import sys
    with tempfile.TemporaryDirectory(prefix="pybpf-kmatrix-out-") as d:
        out = os.path.join(d, "m.txt")
        subprocess.run([sys.executable, os.path.join(ROOT, "helpers", "gen_kfunc_matrix.py"), "-o", out], check=True)
        with open(out) as f:
            fresh = f.read()
    with open(os.path.join(ROOT, "helpers", "kfunc_matrix.txt")) as f:
        committed = f.read()
    check(re.sub(r"Linux \S+", "Linux", fresh), re.sub(r"Linux \S+", "Linux", committed),
          "helpers/kfunc_matrix.txt (stale: run `make kfunc-matrix`)")
    assert ": refused:" not in fresh, fresh   # no load refused
    # each loads, and a call from a kind the kernel refuses it in is refused at compile time
    loaded = [ln for ln in fresh.splitlines() if ": loads; " in ln]
    assert loaded and all(re.search(MATRIX_REFUSAL, ln) for ln in loaded), fresh
    assert re.search(r"^# (\d+) of \1 load; \d+ not generated$", fresh, re.M), fresh
    names = [ln.split(":")[0] for ln in loaded]
    assert_nothing_left([("km_" + n[4:20])[:15] for n in names])


@test
def kfunc_cpumask_with_bpf_cpumask_as_cpumask():
    """bpf_cpumask_create() in a with block, changed with set_cpu, read
    with the kfuncs that take a const struct cpumask * -- a bpf_cpumask is
    one (its first member), as the verifier allows for kfuncs that neither
    acquire nor release: CPU 1 set (and CPU 4096, which the kernel ignores:
    no machine here has it) gives weight 1, first 1, test_cpu True for 1
    and False for 0, and the copy into a second mask equal."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def h_cpumask(args) -> None:
    if pid() != PID:
        return
    with bpf_cpumask_create() as m:
        if m is not None:
            bpf_cpumask_set_cpu(1, m)
            bpf_cpumask_set_cpu(4096, m)
            with bpf_cpumask_create() as n:
                if n is not None:
                    bpf_cpumask_copy(n, m)
                    print(f"{bpf_cpumask_weight(m)} {bpf_cpumask_first(m)} {bpf_cpumask_test_cpu(1, m)} "
                          f"{bpf_cpumask_test_cpu(0, m)} {bpf_cpumask_equal(m, n)}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.getppid()
        out, err = ld.finish()
    check(out, "1 1 True False True\n", err)
    assert_nothing_left(["h_cpumask"])


@test
def kfunc_dynptr_kfuncs_on_a_ringbuf_dynptr():
    """The dynptr kfuncs take a Dynptr local: on a ring buffer reservation
    of a 24-byte record, bpf_dynptr_size is 24, not null, not read-only;
    bpf_dynptr_memset fills the first 8 bytes with 'A'; bpf_dynptr_adjust
    narrows it to bytes 8..24 (size 16), and bpf_probe_read_user_str_dynptr
    copies openat's filename there (14 bytes with the NUL): the record
    user space gets holds exactly those bytes."""
    src = f'''from pybpf import *
PID: Final[int] = 0


class Rec(Struct):
    head: bytes[8]
    name: bytes[16]


events: RingBuf[Rec] = RingBuf(size=4096)


@tracepoint("syscalls/sys_enter_openat")
def h_dynk(args) -> None:
    if pid() != PID or args.flags & {os.O_NOCTTY} == 0:
        return
    with bpf.ringbuf_reserve_dynptr(events) as d:
        if d is not None:
            print(bpf_dynptr_size(d), bpf_dynptr_is_null(d), bpf_dynptr_is_rdonly(d))
            bpf_dynptr_memset(d, 0, 8, 0x41)
            bpf_dynptr_adjust(d, 8, 24)
            print(bpf_dynptr_size(d), bpf_probe_read_user_str_dynptr(d, 0, 16, args.filename))
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        os.close(os.open("/etc/hostname", os.O_RDONLY | os.O_NOCTTY))
        out, err = ld.finish()
    check(out, "24 False False\n16 14\nRec(head=b'AAAAAAAA', name=b'/etc/hostname\\x00\\x00\\x00')\n", err)
    assert_nothing_left(["h_dynk"])


@test
def kfunc_regions_as_with_blocks():
    """with bpf_rcu_read_lock(): / with bpf_preempt_disable(): the region
    the kfunc opens is closed on every way out of the block -- its end, a
    return, an exception caught inside or one that leaves the probe -- so
    the verifier loads it; five getppids: 1, (return), caught 3, 4, and an
    uncaught ValueError at 5, counted."""
    src = '''from pybpf import *
PID: Final[int] = 0
inside: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def h_region(args) -> None:
    global inside
    if pid() != PID:
        return
    with bpf_rcu_read_lock():
        with bpf_preempt_disable():
            inside += 1
            if inside == 2:
                return
            try:
                if inside == 3:
                    raise ValueError("three")
            except ValueError:
                print("caught")
            if inside == 5:
                raise ValueError("five")
        print(inside)
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        for _ in range(5):
            os.getppid()
        out, err = ld.finish()
    check(out, "1\ncaught\n3\n4\ninside: 5\n", err)
    assert re.search(r"probe\.py:22: ValueError: five in h_region: 1 time", err), err
    assert_nothing_left(["h_region"])
