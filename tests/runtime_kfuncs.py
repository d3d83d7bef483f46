"""Runtime tests of issue 13's kfunc half: `pybpf api` lists the running
kernel's kfuncs (from its BTF) and the probe kinds the verifier lets call
each (helpers/kfunc_progs_gen.c, from build/kfunc-probe), `pybpf api
--coverage` counts what pybpf can call, and a kfunc the kernel refuses for a
probe kind is refused at compile time."""
import os
import re
import subprocess
import tempfile
import time

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, test

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
                 f"    probes: @tracepoint, @profile, @interval, @begin, @end, @tp_btf {KINDS_NOT_PROBED}\n"
                 "bpf_task_work",
                 "bpf_task_from_pid(pid: int (i32)) -> task_struct\n"
                 "    not callable yet: it returns a reference to struct task_struct that must be released with "
                 "bpf_task_release (KF_ACQUIRE), and pybpf cannot hold kernel references yet\n",
                 "bpf_task_release(p: task_struct) -> None\n"
                 "    not callable yet: it releases a reference to struct task_struct (KF_RELEASE), and pybpf "
                 "cannot hold kernel references yet\n"):
        assert line in out, (line, out)
    n = len(listed)
    callable_ = _callable(out)
    assert out.endswith(f"{n} kfuncs in the running kernel's BTF, {callable_} callable from pybpf "
                        "(the kernel was asked which probe kinds may call each)\n"), out
    check(_api("send_signal").splitlines()[-3:],
          ["bpf_send_signal_task(task: task_struct, sig: int (i32), type: int (u32), value: int (u64)) -> int (i32)",
           f"    probes: @tracepoint, @profile, @interval, @begin, @end, @tp_btf {KINDS_NOT_PROBED}",
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
                                   "lsm", "struct_ops"])
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
    kfunc_probes = re.findall(r"^(?!bpf\.)\w+\(.*\n    probes: ([^(\n]*)", listing, re.M)
    blocks = re.findall(r"^(@[^\n]*?) \(BPF (\w+) programs\): (\d+) of (\d+) kfuncs callable "
                        r"\(the kernel was asked which it allows\)\n", cov, re.M)
    check([b[1] for b in blocks], ["kprobe", "tracepoint", "raw_tracepoint", "perf_event", "syscall", "tracing"])
    for kinds, prog, n, m in blocks:
        kind = kinds.split(",")[0]
        check((prog, int(n), int(m)),
              (prog, sum(1 for p in kfunc_probes if re.search(re.escape(kind) + r"\b", p)),
               sum(1 for types in allowed.values() if prog in types)))
    check(re.findall(r"^(@.*) \(not probed\): (\d+) of (\d+) kfuncs callable \(the verifier decides at load "
                     r"which it allows\)$", cov, re.M),
          [("@fentry, @fexit, @iter, @lsm, @struct_ops", kf.group(1), kf.group(2))])
    assert_nothing_left([])


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
