"""Runtime tests of issue 14: module-level maps without an annotation,
one-liners (pybpf -e) and `make demo`. Imported from tests/runtime.py,
whose TESTS list they join."""
import os
import runpy
import subprocess
import sys

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, getppid_n, my_comm, test

UNANNOTATED = '''from pybpf import *
PID: Final[int] = 0
n = Count()
lat = Hist()
lin = LHist[0, 10, 5]()
byc = Hash[str[16], u64](max_entries=16)

@tracepoint("syscalls/sys_enter_getpgid")
def t_inf_pgid(args) -> None:
    if pid() == PID:
        n.add()
        lat.add(args.pid)
        lin.add(args.pid)
        byc[comm()] += 1
'''


def getpgid_calls():
    """3 calls of getpgid(0), 2 of getpgid(1), 4 of getpgid(6) (ESRCH or not)."""
    for v, k in ((0, 3), (1, 2), (6, 4)):
        for _ in range(k):
            try:
                os.getpgid(v)
            except OSError:
                pass


@test
def module_maps_typed_by_their_constructor():
    """n = Count(), lat = Hist(), lin = LHist[0, 10, 5]() and
    byc = Hash[str[16], u64](...) at module level, unannotated: exact counts
    of this process's 9 getpgid calls, and CPython runs the same file."""
    with Loader(UNANNOTATED, ["-D", f"PID={os.getpid()}"]) as ld:
        getpgid_calls()
        out, err = ld.finish()
    bar = "@" * 52
    check(out, "n: 9\n\n"
          "lat:\n"
          f"[0]                    3 |{'@' * 39:<52}|\n"
          f"[1]                    2 |{'@' * 26:<52}|\n"
          f"[2, 4)                 0 |{'':<52}|\n"
          f"[4, 8)                 4 |{bar}|\n\n"
          "lin:\n"
          f"[0, 5)                 5 |{bar}|\n"
          f"[5, 10)                4 |{'@' * 41:<52}|\n\n"
          f"byc[{my_comm()}]: 9\n")
    assert ld.rc == 0, err
    assert_nothing_left(["t_inf_pgid"], ["n", "lat", "lin", "byc"])
    # the shim: the same file is ordinary Python with the same meaning
    probe = os.path.join(ld.dir, "probe.py")
    sys.path.insert(0, os.path.join(ROOT, "python"))
    try:
        g = runpy.run_path(probe, run_name="probe")
    finally:
        sys.path.pop(0)
    g["t_inf_pgid"].__globals__["PID"] = os.getpid()
    for v in (0, 1, 6):
        g["t_inf_pgid"](g["TracepointArgs"](pid=v))
    assert g["n"].values == [1, 1, 1] and g["lat"].values == [0, 1, 6] and g["lin"].values == [0, 1, 6], g
    assert dict(g["byc"]) == {my_comm()[:15]: 3}, g["byc"]


def one_liner(program, args=(), via_load=False):
    """A running `pybpf [load] -e PROGRAM ARGS...` (cleaned up as Loader is)."""
    ld = Loader("", args)
    ld.cmd = [PYBPF, *(["load"] if via_load else []), "-e", program, *args]
    return ld


ONE_LINER = '''PID: Final[int] = 0
calls = Hash[u32, u64]()
@tracepoint("syscalls/sys_enter_getppid")
def t_one_ppid(args):
    if pid() == PID: calls[pid()] += 1
    if pid() == PID: x = 1 // (calls[pid()] - 5)'''


@test
def one_liner_counts_exact_syscalls():
    """pybpf -e 'PROGRAM' -D PID=...: `from pybpf import *` is implied; the
    map printed at exit holds exactly the 7 getppid calls this process made,
    and an exception is reported at its line in the -e text (<cmdline>:6)."""
    for via_load in (False, True):
        with one_liner(ONE_LINER, ["-D", f"PID={os.getpid()}"], via_load) as ld:
            getppid_n(7)
            out, err = ld.finish()
        check(out, f"calls[{os.getpid()}]: 7\n")
        assert ld.rc == 0, err
        assert "<cmdline>:6: ZeroDivisionError in t_one_ppid: 1 time\n" in err, err
        assert_nothing_left(["t_one_ppid"], ["calls"])


@test
def one_liner_syntax_error_points_into_its_text():
    """A syntax error in -e text: the whole message names <cmdline> with the
    line and column inside the user's text (the implied import adds no line)."""
    prog = '@tracepoint("syscalls/sys_enter_getppid")\ndef f(args): n[pid(] += 1'
    want = ("<cmdline>:2:20: error: closing parenthesis ']' does not match opening parenthesis '('\n"
            "    def f(args): n[pid(] += 1\n"
            "                       ^\n")
    for argv in ([PYBPF, "-e", prog], [PYBPF, "load", "-e", prog, "--duration", "1"], [PYBPF, "check", "-e", prog]):
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        check(r.stderr, want, " ".join(argv[1:2]))
        assert r.returncode == 1 and r.stdout == "", r


@test
def make_demo_shows_events_on_an_idle_machine():
    """make demo's command (scripts/demo.sh, after deps and the build) brings
    its own workload: event lines from the 'pybpf-demo' shell and a
    non-empty map at exit, and the workload is gone afterwards."""
    import re
    import time
    r = subprocess.run(["sh", os.path.join(ROOT, "scripts/demo.sh")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    events = re.findall(r"^ *\d+ pybpf-demo +openat$", r.stdout, re.M)
    m = re.search(r"^opens\[pybpf-demo\]: (\d+)$", r.stdout, re.M)
    assert len(events) >= 1 and m and int(m.group(1)) >= len(events), r.stdout
    assert r.stdout.startswith("demo: tracing openat for 5 s; a workload 'pybpf-demo' opens /etc/hostname"), r.stdout
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-x", "pybpf-demo"], capture_output=True, text=True).stdout
    assert not left, f"the demo's workload is still running: {left}"
