"""Runtime tests of the CPython extension (pybpf.load, pybpf.live,
python/ext/native.c; docs/python-api.md): exact counts read from live
maps, every value kind, events, exceptions, errors with their fields,
and close / garbage collection / interpreter exit leaving nothing in the
kernel. Each test runs its script in a CPython process of its own, so
that what the extension leaves behind is what the process leaves."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from runtime import PYBPF, ROOT, assert_nothing_left, check, test

DEBIAN_PYTHON = "/usr/bin/python3"   # Debian's CPython, with python3-matplotlib


def run_py(script, probes, python=None, expect_rc=0, timeout=120):
    """Run script (with `import pybpf`) in a temp dir holding the probe
    files {name: source}; its stdout, after checking the exit status."""
    d = tempfile.mkdtemp(prefix="pybpf-ext-")
    try:
        for name, src in probes.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(src)
        env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
        p = subprocess.run([python or sys.executable, "-c", script], cwd=d, env=env, capture_output=True,
                           text=True, timeout=timeout)
        assert p.returncode == expect_rc, f"exit {p.returncode}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}"
        return p.stdout
    finally:
        shutil.rmtree(d, ignore_errors=True)


COUNT = '''from pybpf import *

PID: Final = 0
calls: Hash[u32, u64] = Hash()

@tracepoint("syscalls/sys_enter_getppid")
def x_count(args) -> None:
    if pid() == PID:
        calls[pid()] += 1
'''


@test
def ext_counts_exactly_the_syscalls_made():
    out = run_py('''
import os, pybpf
with pybpf.load("count.py", defines={"PID": os.getpid()}) as prog:
    for _ in range(37):
        os.getppid()
    m = prog.maps["calls"]
    me = os.getpid()
    print(m[me], m.get(me), m.get(12345678, "none"), len(m), list(m) == [me], m.items() == [(me, 37)])
    m[7] = 5
    print(sorted(m.items()) == sorted([(me, 37), (7, 5)]), 7 in m)
    del m[7]
    try:
        del m[7]
    except KeyError as e:
        print("KeyError", e)
    m.clear()
    print(len(m), dict(m))
''', {"count.py": COUNT})
    check(out, "37 37 none 1 True True\nTrue True\nKeyError 7\n0 {}\n")
    assert_nothing_left(["x_count"], ["calls"])


KINDS = '''from pybpf import *

ints: Hash[u32, i64] = Hash()
names: Hash[str[8], u16] = Hash()
pairs: Hash[tuple[u32, str[8]], u64] = Hash()
tags: Hash[bytes[4], u64] = Hash()
tv: Hash[u32, tuple[u32, i16]] = Hash()
ips: Hash[IPv4, u64] = Hash()
arr: Array[u64] = Array(max_entries=4)
pc: PerCPUHash[u32, u64] = PerCPUHash()
counts: Hash[u32, Count] = Hash()
sums: Hash[u32, Sum] = Hash()
stats: Hash[u32, Stats] = Hash()
hist: Hash[u32, Hist] = Hash()
lh: Hash[u32, LHist[0, 100, 10]] = Hash()
lat: Hist = Hist()
total: u64 = 0

@begin
def x_fill() -> None:
    global total
    ints[1] = -5
    names["ab"] = 65535
    pairs[(3, "xy")] = 9
    tags[b"\\x00\\x01ab"] = 3
    tv[1] = (5, -2)
    ips[ip4("10.0.0.2")] = 4
    arr[2] = 11
    pc[4] = 6
    counts[1].add()
    counts[1].add()
    sums[1].add(40)
    sums[1].add(2)
    stats[1].add(3)
    stats[1].add(9)
    hist[1].add(5)
    hist[1].add(6)
    hist[1].add(100)
    lh[1].add(15)
    lh[1].add(250)
    lat.add(1)
    total = 77
'''


@test
def ext_reads_every_value_kind():
    out = run_py('''
import ipaddress, pybpf
with pybpf.load("kinds.py") as prog:
    m = prog.maps
    print(sorted(m))
    print(m["ints"][1], m["names"]["ab"], m["pairs"][(3, "xy")], m["pairs"].items())
    print(m["tags"].items(), m["tv"][1], m["ips"].items())
    print(m["arr"].items(), m["arr"][0], m["pc"][4], m["counts"][1], m["sums"][1])
    print(m["stats"][1])
    h = m["hist"][1]
    print(h.kind, h.count, [(b.min, b.max, b.count) for b in h.buckets])
    print(m["lh"][1])
    print(prog.globals["lat"], prog.globals["total"], sorted(prog.globals))
    m["tv"][3] = (7, -300)
    m["ips"][ipaddress.ip_address("1.2.3.4")] = 1
    m["ips"]["5.6.7.8"] = 2
    print(m["tv"][3], sorted(m["ips"].items()))
    m["names"]["zz"] = 1
    for bad in [lambda: m["names"].__setitem__("toolongname", 1), lambda: m["names"].__setitem__("a", 70000),
                lambda: m["stats"].__setitem__(1, 2), lambda: m["arr"].__setitem__(9, 1)]:
        try:
            bad()
        except Exception as e:
            print(type(e).__name__ + ":", e)
''', {"kinds.py": KINDS})
    check(out, """['arr', 'counts', 'hist', 'ints', 'ips', 'lh', 'names', 'pairs', 'pc', 'stats', 'sums', 'tags', 'tv']
-5 65535 9 [((3, 'xy'), 9)]
[(b'\\x00\\x01ab', 3)] (5, -2) [(IPv4Address('10.0.0.2'), 4)]
[(2, 11)] 0 6 2 42
Stats(count=2, sum=12, min=3, max=9, avg=6)
Hist 3 [(4, 8, 2), (8, 16, 0), (16, 32, 0), (32, 64, 0), (64, 128, 1)]
Histogram(LHist, [(10, 20, 1), (20, 30, 0), (30, 40, 0), (40, 50, 0), (50, 60, 0), (60, 70, 0), (70, 80, 0), (80, 90, 0), (90, 100, 0), (100, None, 1)])
Histogram(Hist, [(1, 2, 1)]) 77 ['lat', 'total']
(7, -300) [(IPv4Address('1.2.3.4'), 1), (IPv4Address('5.6.7.8'), 2), (IPv4Address('10.0.0.2'), 4)]
ValueError: 'toolongname' is 11 bytes in UTF-8; a str[8] holds 7
OverflowError: 70000 does not fit in u16
TypeError: a Stats value cannot be assigned from Python (only Count and Sum can)
IndexError: 9 is not an index of array 'arr' (it has 4)
""")
    assert_nothing_left(["x_fill"], ["ints", "tags", "hist"])


EVENTS = '''from pybpf import *

PID: Final = 0

class Ev(Struct):
    pid: u32
    n: u64

events: RingBuf[Ev] = RingBuf()
seq: u64 = 0

@tracepoint("syscalls/sys_enter_getppid")
def x_ev(args) -> None:
    global seq
    if pid() == PID:
        seq += 1
        print(f"call {seq}")
        events.output(Ev(pid=pid(), n=seq))
        if seq % 2 == 0:
            raise ValueError("even")
'''


@test
def ext_events_and_exceptions():
    out = run_py('''
import os, pybpf
prog = pybpf.load("ev.py", defines={"PID": os.getpid()})
for _ in range(4):
    os.getppid()
recs = list(prog.events(timeout=0.5))
me = os.getpid()
print([r for r in recs if isinstance(r, str)])
print([(type(r).__name__, r.pid == me, r.n) for r in recs if not isinstance(r, str)])
print(prog.exceptions(), prog.lost())
prog.close()
print(prog)
try:
    prog.maps["x"]
except KeyError as e:
    print("KeyError", e)
try:
    prog.lost()
except ValueError as e:
    print("ValueError:", e)
''', {"ev.py": EVENTS})
    check(out, """['call 1', 'call 2', 'call 3', 'call 4']
[('Ev', True, 1), ('Ev', True, 2), ('Ev', True, 3), ('Ev', True, 4)]
[ExceptionCount(file='ev.py', line=20, exception='ValueError', message='even', probe='x_ev', count=2)] 0
<pybpf.Program 'ev.py' closed>
KeyError 'x'
ValueError: the program is closed
""")
    assert_nothing_left(["x_ev"], ["events"])


def prog_ids_gone(ids):
    """None of these program ids is in the kernel any more (bpftool)."""
    live = {p["id"] for p in json.loads(subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                                                       text=True, check=True).stdout or "[]")}
    assert not set(ids) & live, f"still loaded: {set(ids) & live}"


@test
def ext_close_gc_and_exit_leave_nothing():
    """close(), a with block, garbage collection and interpreter exit each
    free every program: their ids are gone from bpftool's list."""
    for how in ["prog.close()", "del prog; gc.collect()", "pass  # exit"]:
        out = run_py(f'''
import gc, os, pybpf
prog = pybpf.load("count.py", defines={{"PID": os.getpid()}})
print(prog.prog_ids())
{how}
''', {"count.py": COUNT})
        ids = json.loads(out)
        assert len(ids) == 1, out
        prog_ids_gone(ids)
    assert_nothing_left(["x_count"], ["calls"])


BAD = '''from pybpf import *

n: Hash[u32, u64] = Hash()

@tracepoint("syscalls/sys_enter_getppid")
def x_bad(args) -> None:
    n[pid()] = "text"
'''


@test
def ext_compile_error_has_the_clis_fields():
    d = tempfile.mkdtemp(prefix="pybpf-ext-")
    path = os.path.join(d, "bad.py")
    open(path, "w").write(BAD)
    cli = subprocess.run([PYBPF, "check", path], capture_output=True, text=True)
    out = run_py(f'''
import pybpf
for f in (pybpf.check, pybpf.compile, pybpf.load):
    try:
        f({path!r})
    except pybpf.CompileError as e:
        print(type(e).__name__, e.file == {path!r}, e.line, e.col, repr(e.message))
        print(e.text, end="")
''', {})
    shutil.rmtree(d)
    check(out, ("CompileError True 7 16 \"cannot assign str[5] to a value of 'n' (u64)\"\n" + cli.stderr) * 3)


@test
def ext_kernel_refusal_is_a_load_error():
    """The kernel refuses @fentry here: LoadError's text is what pybpf load
    prints, and nothing stays loaded."""
    src = '''from pybpf import *

@fentry("do_sys_openat2")
def x_fentry(dfd: int) -> None:
    print(dfd)
'''
    d = tempfile.mkdtemp(prefix="pybpf-ext-")
    path = os.path.join(d, "fent.py")
    open(path, "w").write(src)
    cli = subprocess.run([PYBPF, "load", path], capture_output=True, text=True, timeout=60)
    out = run_py(f'''
import pybpf
try:
    pybpf.load({path!r})
except pybpf.LoadError as e:
    print(type(e).__name__, isinstance(e, pybpf.CompileError), e.line, e.col)
    print(e.text, end="")
''', {})
    shutil.rmtree(d)
    check(out, "LoadError True 3 9\n" + cli.stderr)
    assert_nothing_left(["x_fentry"])


@test
def ext_works_in_debians_python_and_keeps_the_shim():
    """The module imports in Debian's CPython as in the test runner's; the
    simulation's names are unchanged and `from pybpf import *` does not
    bring load/compile (a probe's `compile` stays the builtin)."""
    out = run_py('''
import os, sys, pybpf
from pybpf import *
print(compile is __builtins__.compile, "load" in dir(), "load" in pybpf.__all__)
print(callable(pybpf.load), issubclass(pybpf.LoadError, pybpf.CompileError))
h = Hash[u32, u64]()
h[1] += 2
print(dict(h))
with pybpf.load("count.py", defines={"PID": os.getpid()}) as prog:
    for _ in range(3):
        os.getppid()
    print(prog.maps["calls"][os.getpid()])
''', {"count.py": COUNT}, python=DEBIAN_PYTHON)
    check(out, "True False False\nTrue True\n{1: 2}\n3\n")
    assert_nothing_left(["x_count"], ["calls"])


def start_tool(cmd, python):
    """A tool script running under python, once it says it is tracing."""
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    p = subprocess.Popen([python, *cmd], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stderr.readline()
    if not line.startswith("Tracing"):
        p.kill()
        raise AssertionError(f"no 'Tracing' line: {line!r} {p.communicate()}")
    return p


def workload(code):
    """A child that runs code when a line comes on its stdin, then waits for EOF."""
    return subprocess.Popen([sys.executable, "-c", f"import os, sys, time\nsys.stdin.readline()\n{code}\nsys.stdin.read()"],
                            stdin=subprocess.PIPE, text=True)


@test
def ext_example_syscount_counts_the_workloads_calls():
    """examples/python/syscount.py -p PID: its per-interval reports add up to
    exactly the 50 getppid() calls the workload made."""
    w = workload("for _ in range(50):\n    os.getppid()")
    try:
        tool = start_tool(["examples/python/syscount.py", "-p", str(w.pid), "-i", "0.5", "-d", "2.5"], sys.executable)
        w.stdin.write("go\n")
        w.stdin.flush()
        out, err = tool.communicate(timeout=60)
    finally:
        w.stdin.close()
        w.wait(timeout=10)
    assert tool.returncode == 0, (out, err)
    reports = out.split("[")[1:]
    assert len(reports) == 5, out
    got = sum(int(line.split()[1]) for line in out.splitlines() if line.startswith("getppid "))
    assert got == 50, out
    assert all(r.split("\n", 1)[1].startswith("SYSCALL ") for r in reports), out
    assert_nothing_left(["syscount_enter"], ["counts"])


@test
def ext_example_plot_latency_writes_the_png():
    """examples/python/plot_latency.py in Debian's python3 with matplotlib:
    the histogram holds exactly the workload's 20 sleeps, and the PNG is
    800x450 (figsize 8x4.5 at 100 dpi)."""
    d = tempfile.mkdtemp(prefix="pybpf-ext-")
    png = os.path.join(d, "lat.png")
    w = workload("for _ in range(20):\n    time.sleep(0.002)")
    try:
        tool = start_tool(["examples/python/plot_latency.py", "-p", str(w.pid), "-d", "2", "-o", png], DEBIAN_PYTHON)
        w.stdin.write("go\n")
        w.stdin.flush()
        out, err = tool.communicate(timeout=60)
        assert tool.returncode == 0, (out, err)
        lines = out.splitlines()
        assert lines[-2:] == ["total: 20", f"wrote {png}"], out
        assert sum(int(l.rsplit(": ", 1)[1]) for l in lines[:-2]) == 20, out
        head = open(png, "rb").read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", head
        assert (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")) == (800, 450), head
    finally:
        w.stdin.close()
        w.wait(timeout=10)
        shutil.rmtree(d, ignore_errors=True)
    assert_nothing_left(["sleep_enter", "sleep_exit"], ["usecs"])
