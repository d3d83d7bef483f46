"""Runtime tests of BPF_MAP_TYPE_PERF_EVENT_ARRAY maps (pyc/check_perf.c,
loader/perfbuf.c): a PerfBuf written by bpf.perf_event_output and read by
the loader's perf_buffer, and PerfCounters read by bpf.perf_event_read and
bpf.perf_event_read_value."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, test

PERF_OUT = '''from pybpf import *
PID: Final[int] = 0


class Ev(Struct):
    pid: u32
    n: u64
    tag: str[8]


events: PerfBuf[Ev] = PerfBuf()
sent: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_out(args) -> None:
    global sent
    if pid() == PID:
        sent += 1
        rec = Ev(pid(), sent * 10, "perf")
        r = bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec)
        if r != 0:
            print(f"r={r}")
'''


@test
def perfbuf_output_exact_records():
    """bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec) of a
    PerfBuf[Ev]: the test's 7 getppid() calls give exactly 7 records, each
    printed as a RingBuf record of Ev is (pid, n = 10 .. 70, tag), in order
    (the test runs pinned to CPU 0: records of different CPUs' buffers
    have no order between them), and the helper returned 0."""
    n = 7
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    try:
        with Loader(PERF_OUT, ["-D", f"PID={os.getpid()}"]) as ld:
            for _ in range(n):
                os.getppid()
            out, err = ld.finish()
    finally:
        os.sched_setaffinity(0, old)
    want = "".join(f"Ev(pid={os.getpid()}, n={10 * (i + 1)}, tag='perf')\n" for i in range(n))
    check(out, want + f"sent: {n}\n")
    assert "lost" not in err, err
    assert_nothing_left(["p_perf_out"], ["events"])


COUNTERS = '''from pybpf import *
PID: Final[int] = 0

counters = PerfCounters("EVENT")
reads: Hash[int, int] = Hash(max_entries=16)
values: Hash[int, int] = Hash(max_entries=16)
enabled: Hash[int, int] = Hash(max_entries=16)
running: Hash[int, int] = Hash(max_entries=16)
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_read(args) -> None:
    global calls
    if pid() == PID:
        calls += 1
        reads[calls] = bpf.perf_event_read(counters, BPF_F_CURRENT_CPU)
        c, en, ru = bpf.perf_event_read_value(counters, BPF_F_CURRENT_CPU)
        values[calls] = c
        enabled[calls] = en
        running[calls] = ru
'''


def read_counts(event, trigger):
    """The map values the COUNTERS probe stored for the test's getppid() calls"""
    with Loader(COUNTERS.replace("EVENT", event), ["-D", f"PID={os.getpid()}", "--format", "json"]) as ld:
        trigger()
        out, err = ld.finish()
    assert ld.rc == 0, err
    maps = {}
    for line in out.splitlines():
        o = json.loads(line)
        if o.get("type") == "map":
            maps[o["name"]] = {e["key"]: e["value"] for e in o["entries"]}
    return maps, out


@test
def perfbuf_counters_read_monotonic():
    """PerfCounters("page-faults") and ("context-switches"): the loader opens
    the event on each CPU; bpf.perf_event_read on the current CPU is >= 0 and
    never goes down between the test's getppid() calls (pinned to CPU 0, with
    page faults / a sleep between them), and
    counter, enabled, running = bpf.perf_event_read_value(...) just after it
    gives a counter >= that read (the same CPU's event) and enabled and
    running times that are > 0 and grow."""
    import mmap
    import time
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    try:
        def faults():
            for _ in range(4):
                m = mmap.mmap(-1, 64 * 4096)
                for off in range(0, len(m), 4096):
                    m[off] = 1          # a page fault each
                m.close()
                os.getppid()

        def switches():
            for _ in range(4):
                time.sleep(0.01)         # a context switch, at least
                os.getppid()
        for event, trigger in (("page-faults", faults), ("context-switches", switches)):
            maps, out = read_counts(event, trigger)
            r, e, run, c = maps.get("reads"), maps.get("enabled"), maps.get("running"), maps.get("values")
            assert r and sorted(r) == [1, 2, 3, 4], out
            vals = [r[i] for i in range(1, 5)]
            assert all(v >= 0 for v in vals) and vals == sorted(vals), (event, vals)
            assert all(e[i] > 0 and run[i] > 0 for i in range(1, 5)), (event, e, run)
            assert all(r[i] <= c[i] for i in range(1, 5)) and [c[i] for i in range(1, 5)] == sorted(c.values()), \
                (event, r, c)
            assert [e[i] for i in range(1, 5)] == sorted(e[i] for i in range(1, 5)), (event, e)
            if event == "page-faults":
                assert vals[3] - vals[0] >= 3 * 64, (event, vals)   # 64 new pages between reads
            else:
                assert vals[3] - vals[0] >= 3, (event, vals)
    finally:
        os.sched_setaffinity(0, old)
    assert_nothing_left(["p_perf_read"], ["counters", "reads", "values", "enabled", "running"])


@test
def perfbuf_hardware_event_refused():
    """PerfCounters("cycles"): this VM has no hardware counters
    (perf_event_open gives ENOENT), so pybpf load refuses at load, pointing
    at the event's name and saying which software events to count instead;
    nothing stays loaded."""
    src = '''from pybpf import *
counters = PerfCounters("cycles")


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_hw(args) -> None:
    n = bpf.perf_event_read(counters, BPF_F_CURRENT_CPU)
    print(f"{n}")
'''
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(src)
        p = subprocess.run([PYBPF, "load", path], capture_output=True, text=True, timeout=60, cwd=d)
    assert p.returncode == 1, p
    check(p.stderr, f"{path}:2:25: error: cannot open the perf event 'cycles' of PerfCounters 'counters' on CPU 0: "
          "No such file or directory\n"
          "    counters = PerfCounters(\"cycles\")\n"
          "                            ^~~~~~~~\n"
          "note: this machine has no hardware counter for it (a virtual machine often has none): count a software "
          "event instead, such as \"cpu-clock\", \"task-clock\", \"context-switches\" or \"page-faults\"\n")
    assert_nothing_left(["p_perf_hw"], ["counters"])


@test
def perfbuf_duration_and_pin():
    """A program with a PerfBuf ends at --duration as one with a RingBuf
    does (exit 0, its globals printed, in well under 5 s for 0.3 s), and
    --pin refuses it: its perf buffers belong to the loading process."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(PERF_OUT)
        t0 = time.time()
        p = subprocess.run([PYBPF, "load", path, "-D", "PID=1", "--duration", "0.3"], capture_output=True, text=True,
                           timeout=60)
        took = time.time() - t0
        assert p.returncode == 0 and took < 5, (p, took)
        check(p.stdout, "sent: 0\n")
        p = subprocess.run([PYBPF, "load", "--pin", "perfbuf-test", path, "--duration", "0.1"], capture_output=True,
                           text=True, timeout=60)
    assert p.returncode == 1, p
    check(p.stderr, "pybpf: error: 'events' is a PerfBuf: its buffers belong to the loading process, so pinned (--pin, "
          "--watch) programs cannot have one yet\n")
    assert not os.path.exists("/sys/fs/bpf/pybpf/perfbuf-test"), "left pinned"
    assert_nothing_left(["p_perf_out"], ["events"])


@test
def perfbuf_reload_refused():
    """pybpf reload of a pinned instance with a version that has a PerfBuf:
    refused before anything changes (the instance keeps running its first
    version); unload leaves nothing."""
    name = "pybpf_test_perfbuf"
    plain = '''from pybpf import *
hits: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_plain(args) -> None:
    global hits
    hits += 1
'''
    subprocess.run([PYBPF, "unload", name], capture_output=True)
    with tempfile.TemporaryDirectory() as d:
        v1, v2 = os.path.join(d, "v1.py"), os.path.join(d, "v2.py")
        with open(v1, "w") as f:
            f.write(plain)
        with open(v2, "w") as f:
            f.write(PERF_OUT)
        try:
            p = subprocess.run([PYBPF, "load", "--pin", name, v1, "--duration", "0.1"], capture_output=True, text=True,
                               timeout=60)
            assert p.returncode == 0, p
            r = subprocess.run([PYBPF, "reload", name, v2], capture_output=True, text=True, timeout=60)
            assert r.returncode != 0, r
            check(r.stderr, "pybpf: error: 'events' is a PerfBuf: its perf events belong to the loading process, so a "
                  f"pinned instance cannot have one yet; '{name}' was not changed\n")
        finally:
            r = subprocess.run([PYBPF, "unload", name], capture_output=True, text=True)
    assert r.returncode == 0, r
    assert_nothing_left(["p_perf_plain", "p_perf_out"], ["hits", "events"])


@test
def perfbuf_in_cpython_shim():
    """The CPython shim (python/pybpf): bpf.perf_event_output of a PerfBuf
    prints the record as pybpf load does and gives 0; PerfCounters takes
    the same event names (ValueError for another); perf_event_read and
    perf_event_read_value raise NotImplementedError (the perf events are the
    loader's, read on the running CPU in the kernel); BPF_F_CURRENT_CPU is
    the kernel's 0xffffffff."""
    script = """from pybpf import *
class Ev(Struct):
    pid: u32
    n: u64
events: PerfBuf[Ev] = PerfBuf()
counters = PerfCounters("context-switches")
print(bpf.perf_event_output(None, events, BPF_F_CURRENT_CPU, Ev(3, 4)), hex(BPF_F_CURRENT_CPU))
try:
    PerfCounters("context-switch")
except ValueError as e:
    print("ValueError", "context-switches" in str(e))
for f in (lambda: bpf.perf_event_read(counters, BPF_F_CURRENT_CPU),
          lambda: bpf.perf_event_read_value(counters, BPF_F_CURRENT_CPU)):
    try:
        f()
    except NotImplementedError as e:
        print("NotImplementedError", "only in the kernel" in str(e))
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")})
    check((p.returncode, p.stderr), (0, ""))
    check(p.stdout, "Ev(pid=3, n=4)\n0 0xffffffff\nValueError True\nNotImplementedError True\nNotImplementedError True\n")


BURST = '''from pybpf import *
PID: Final[int] = 0
N: Final[int] = 10000


class Ev(Struct):
    pid: u32
    n: u64


events: PerfBuf[Ev] = PerfBuf()
calls: int = 0
ok: int = 0
full: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def p_perf_burst(args) -> None:
    global calls, ok, full
    if pid() == PID:
        calls += 1
        for i in range(N if calls == 1 else 1):
            rec = Ev(pid(), i)
            try:
                bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec)
                ok += 1
            except OSError:
                full += 1
'''


@test
def perfbuf_lost_records_counted():
    """One getppid() call sends 10,000 records (32 bytes each in the perf
    buffer) into CPU 0's 64-page buffer, more than it holds before the
    loader reads: the helper fails for the rest (OSError, counted by the
    probe as full); after a second call (one more record, which makes the
    kernel write its lost record) the loader reports exactly that many as
    lost at exit, and the records printed are exactly the ok ones. (stdout
    goes to a file: a pipe nobody reads would stop the loader mid-drain.)"""
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {0})
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(BURST)
        with open(os.path.join(d, "out"), "w+") as outf:
            p = subprocess.Popen([PYBPF, "load", "-D", f"PID={os.getpid()}", path], stdout=outf,
                                 stderr=subprocess.PIPE, text=True)
            try:
                head = p.stderr.readline()
                assert head.startswith("Attached "), head
                os.getppid()
                time.sleep(0.5)
                os.getppid()
                time.sleep(0.3)
                p.send_signal(signal.SIGINT)
                err = head + p.communicate(timeout=30)[1]
            finally:
                os.sched_setaffinity(0, old)
                if p.poll() is None:
                    p.kill()
                    p.wait()
            outf.seek(0)
            out = outf.read()
    lines = out.splitlines()
    g = dict(ln.split(": ") for ln in lines[-3:])
    ok, full = int(g["ok"]), int(g["full"])
    check((p.returncode, g["calls"], ok + full), (0, "2", 10001))
    assert full > 0, out[-200:]
    check(len(lines) - 3, ok, "records printed")
    check(lines[-4], f"Ev(pid={os.getpid()}, n=0)", "the second call's record")
    assert f"pybpf: {full} records of PerfBuf 'events' lost (its per-CPU buffer was full)\n" in err, err
    assert_nothing_left(["p_perf_burst"], ["events"])
