"""Runtime tests of BPF timers from Python (issue 13): Array[Timer] maps,
bpf.timer_init / timer_set_callback / timer_start / timer_cancel, the
callback a plain def taking the timer's key (pyc/check_timer.c)."""
import os
import subprocess
import sys
import tempfile
import time

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, getppid_n, test

# a probe that arms timers on the test's own getppid() calls (syscall 110)
ARMED = '''from pybpf import *
PID: Final[int] = 0
N: Final[int] = 5
timers: Array[Timer] = Array(4)
by_key: Hash[int, int] = Hash(max_entries=4)
calls: int = 0
fired: int = 0
last_key: int = -1
control: int = 0
cancelled: int = 0
busy: int = 0
unset: int = 0
outside: int = 0


def on_fire(key: int) -> None:          # counts, re-arms itself until N
    global fired, last_key
    fired += 1
    last_key = key
    if fired < N:
        bpf.timer_start(timers[key], 1_000_000, 0)


def on_control(key: int) -> None:       # maps and print work in a callback
    global control
    control += key
    by_key[key] += 10
    print(f"control fired with key {key}")


def on_cancelled(key: int) -> None:
    global cancelled
    cancelled += 1


def arm(i: int, delay: int) -> None:
    bpf.timer_init(timers[i], CLOCK_MONOTONIC)
    if i == 2:
        bpf.timer_set_callback(timers[i], on_fire)
    elif i == 1:
        bpf.timer_set_callback(timers[i], on_control)
    else:
        try:                           # a callback set inside a try (its key is not the probe's local)
            bpf.timer_set_callback(timers[i], on_cancelled)
        except OSError:
            pass
    bpf.timer_start(timers[i], delay, 0)


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    global calls, busy, unset, outside
    if pid() != PID or nr != 110:
        return
    calls += 1
    if calls == 1:
        arm(2, 1_000_000)              # 1 ms, then re-armed by on_fire
        arm(1, 200_000_000)            # 200 ms: fires once (the wait is long enough)
        arm(0, 200_000_000)            # 200 ms: cancelled by the second call
        try:
            bpf.timer_init(timers[2], CLOCK_MONOTONIC)   # already initialised: -EBUSY
        except OSError:
            busy += 1
        try:
            bpf.timer_start(timers[3], 1000, 0)          # never initialised: -EINVAL
        except OSError:
            unset += 1
        try:
            bpf.timer_cancel(timers[-5])                 # outside the Array
        except IndexError:
            outside += 1
    elif calls == 2:
        bpf.timer_cancel(timers[0])
'''


@test
def timer_fires_n_times():
    """A timer armed by a @tp_btf probe on the test's first getppid() calls
    a def that counts and re-arms it until N = 5: exactly 5 calls, with its
    key (2). A 200 ms timer cancelled by the second getppid() never fires
    while one of the same delay, not cancelled, fires once (with key 1).
    timer_init of a timer already initialised raises OSError (-EBUSY),
    caught once; timer_start of one never initialised too (-EINVAL); an index
    outside the Array raises IndexError. At exit nothing is left."""
    with Loader(ARMED, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(3)
        time.sleep(0.6)
        out, err = ld.finish()
    check(out, "control fired with key 1\nby_key[1]: 10\n\ncalls: 3\nfired: 5\nlast_key: 2\ncontrol: 1\n"
               "cancelled: 0\nbusy: 1\nunset: 1\noutside: 1\n")
    assert "Error" not in err, err
    assert_nothing_left(["enter"], ["timers", "by_key"])


@test
def timer_in_a_hash():
    """Hash[u64, Timer]: timers[k] = Timer() makes a timer for k (a u64 key
    above 2**32 reaches the callback whole), which fires and re-arms itself
    to exactly 5; storing a new Timer() over an armed one drops (cancels) it
    while an armed one left alone fires once; 'k in' and del work; a
    missing key raises KeyError, a full map MapFullError."""
    src = '''from pybpf import *
PID: Final[int] = 0
timers: Hash[u64, Timer] = Hash(max_entries=4)
small: Hash[u8, Timer] = Hash(max_entries=1)
calls: int = 0
fired: int = 0
last_key: int = 0
kept: int = 0
replaced: int = 0
present: int = 0
gone: int = 0
missing: int = 0
full: int = 0


def on_fire(key: int) -> None:
    global fired, last_key
    fired += 1
    last_key = key
    if fired < 5:
        bpf.timer_start(timers[key], 1_000_000, 0)


def on_kept(key: int) -> None:
    global kept
    kept += key


def on_replaced(key: int) -> None:
    global replaced
    replaced += 1


def arm(k: int, f: int) -> None:
    timers[k] = Timer()
    bpf.timer_init(timers[k], CLOCK_MONOTONIC)
    if f == 1:
        bpf.timer_set_callback(timers[k], on_kept)
    else:
        bpf.timer_set_callback(timers[k], on_replaced)
    bpf.timer_start(timers[k], 100_000_000, 0)


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    global calls, present, gone, missing, full
    if pid() != PID or nr != 110:
        return
    calls += 1
    if calls != 1:
        return
    k = (1 << 40) + 3
    timers[k] = Timer()
    bpf.timer_init(timers[k], CLOCK_MONOTONIC)
    bpf.timer_set_callback(timers[k], on_fire)
    bpf.timer_start(timers[k], 1_000_000, 0)
    arm(2, 1)                          # fires once, after 100 ms
    arm(9, 2)
    timers[9] = Timer()                # the armed timer is dropped with its item: never fires
    timers[5] = Timer()
    if 5 in timers:
        present += 1
    del timers[5]
    if 5 not in timers:
        gone += 1
    try:
        bpf.timer_cancel(timers[8])
    except KeyError:
        missing += 1
    small[1] = Timer()
    try:
        small[2] = Timer()
    except MapFullError:
        full += 1
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(2)
        time.sleep(0.5)
        out, err = ld.finish()
    check(out, f"calls: 2\nfired: 5\nlast_key: {(1 << 40) + 3}\nkept: 2\nreplaced: 0\npresent: 1\ngone: 1\n"
               "missing: 1\nfull: 1\n")
    assert "Error" not in err, err
    assert_nothing_left(["enter"], ["timers", "small"])


# two timers of a map 'ticks': key 0 counts to exactly 5, key 1 re-arms itself for good
TICK = '''n: int = 0
forever: int = 0


def tick(key: int) -> None:
    global n, forever
    if key == 1:
        forever = 1
        bpf.timer_start(ticks[1], 1_000_000, 0)
        return
    n += 1
    if n < 5:
        bpf.timer_start(ticks[key], 1_000_000, 0)
'''


@test
def timer_from_begin_and_armed_at_exit():
    """@begin (a syscall program) arms two timers: one counts to exactly 5
    re-arming itself each ms, then stops; the other re-arms itself every ms
    for good, so it is still armed when the loader exits -- the kernel
    cancels it with the map, and no program or map is left."""
    src = '''from pybpf import *
ticks = Array[Timer](2)              # the unannotated form
''' + TICK + '''

@begin
def start() -> None:
    for i in range(2):
        bpf.timer_init(ticks[i], CLOCK_BOOTTIME)
        bpf.timer_set_callback(ticks[i], tick)
        bpf.timer_start(ticks[i], 1_000_000, 0)
'''
    with Loader(src) as ld:
        time.sleep(0.3)
        out, err = ld.finish()
    check(out, "n: 5\nforever: 1\n")
    assert_nothing_left(["start"], ["ticks"])


@test
def timer_callback_uncaught_exception():
    """An exception the callback does not catch has no caller to go to: it
    is counted as uncaught at its raise site, and shown at exit (3 timers,
    each raising once)."""
    src = '''from pybpf import *
PID: Final[int] = 0
t: Array[Timer] = Array(3)
done: int = 0


def boom(key: int) -> None:
    global done
    done += 1
    raise ValueError("from the timer")


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    if pid() != PID or nr != 110:
        return
    for i in range(3):
        try:
            bpf.timer_init(t[i], CLOCK_MONOTONIC)
        except OSError:
            return
        bpf.timer_set_callback(t[i], boom)
        bpf.timer_start(t[i], 1000, 0)
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(2)
        time.sleep(0.2)
        out, err = ld.finish()
    check(out, "done: 3\n")
    assert "probe.py:10: ValueError: from the timer in enter: 3 times" in err, err
    assert_nothing_left(["enter"], ["t"])


@test
def timer_refused_probe_kinds():
    """The verifier refuses a map holding a bpf_timer in kprobe, tracepoint,
    raw_tracepoint and perf_event programs ("tracing progs cannot use
    bpf_timer yet"): pybpf refuses those probe kinds at compile time, naming
    the kind, also through a def helper. Checked against the kernel: the
    same probe as @tp_btf compiles, and its C with the section changed to a
    tracepoint's, a kprobe's, a raw_tp's or a perf_event's is refused by the
    verifier with that message, while as a tp_btf or an iter program it
    loads."""
    kinds = {'@tracepoint("syscalls/sys_enter_getppid")': "tracepoint", '@kprobe("do_nanosleep")': "kprobe",
             '@raw_tp("sys_enter")': "raw_tracepoint", "@profile(hz=99)": "perf_event",
             '@interval(ms=10)': "perf_event", '@uprobe("libc:getpid")': "kprobe"}
    body = '''from pybpf import *
t: Array[Timer] = Array(1)


def go() -> None:
    bpf.timer_cancel(t[0])


%s
def p() -> None:
    %s
'''
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        for deco, prog in kinds.items():
            for call in ("bpf.timer_init(t[0], CLOCK_MONOTONIC)", "go()"):
                with open(path, "w") as f:
                    f.write(body % (deco, call))
                p = subprocess.run([PYBPF, "check", path], capture_output=True, text=True, timeout=60)
                kind = deco[1:].split("(")[0]
                want = (f"cannot be called from a @{kind} probe: the kernel refuses a map holding a Timer in BPF "
                        f"{prog} programs")
                assert p.returncode == 1 and want in p.stderr, (deco, call, p.stderr)
        # the kernel's own answer, for a tracepoint program
        with open(path, "w") as f:
            f.write(body % ('@tp_btf("sys_enter")', "bpf.timer_init(t[0], CLOCK_MONOTONIC)"))
        c = os.path.join(d, "probe.bpf.c")
        subprocess.run([PYBPF, "compile", path, "-o", c], check=True, timeout=60)
        with open(c) as f:
            text = f.read()
        assert 'SEC("tp_btf/sys_enter")' in text
        pin = "/sys/fs/bpf/pybpf_test_timer_refused"
        for sec, loads in (("tracepoint/syscalls/sys_enter_getppid", False), ("kprobe/do_nanosleep", False),
                           ("raw_tp/sys_enter", False), ("perf_event", False), ("tp_btf/sys_enter", True),
                           ("iter/task", True)):
            with open(c, "w") as f:
                f.write(text.replace('SEC("tp_btf/sys_enter")', f'SEC("{sec}")'))
            o = os.path.join(d, "probe.bpf.o")
            subprocess.run(["clang", "-O2", "-g", "-target", "bpf", "-c", c, "-o", o], check=True, timeout=60)
            try:
                p = subprocess.run(["bpftool", "prog", "loadall", o, pin], capture_output=True, text=True, timeout=60)
            finally:
                subprocess.run(["rm", "-rf", pin])
            if loads:
                assert p.returncode == 0, (sec, p.stderr)
            else:
                assert p.returncode != 0 and "tracing progs cannot use bpf_timer yet" in p.stderr, (sec, p.stderr)
    assert_nothing_left(["p"], ["t"])


@test
def timer_in_cpython_shim():
    """The CPython shim (python/pybpf) runs the same calls with
    threading.Timer: Array[Timer](N) holds N timers, the callback gets the
    key, re-arms itself to exactly 5, a cancelled timer never fires,
    timer_init twice and timer_start before set_callback raise OSError, and
    timers: Array[Timer] = Array(N) (a list of zeros in CPython) says to
    write Array[Timer](N). Hash[K, Timer](max_entries=N): timers[k] =
    Timer() makes k's timer (dropping an armed one cancels it), a missing
    key is a KeyError, a full map MapFullError."""
    script = """import errno, threading, time
from pybpf import *
timers = Array[Timer](3)
fired, keys, done = [], [], threading.Event()

def on_fire(key):
    fired.append(key)
    if len(fired) < 5:
        bpf.timer_start(timers[key], 1_000_000, 0)
    else:
        done.set()

def never(key):
    keys.append(key)

bpf.timer_init(timers[2], CLOCK_MONOTONIC)
bpf.timer_set_callback(timers[2], on_fire)
bpf.timer_start(timers[2], 1_000_000, 0)
try:
    bpf.timer_init(timers[2], CLOCK_MONOTONIC)
except OSError as e:
    print("busy", e.errno == errno.EBUSY)
bpf.timer_init(timers[0], CLOCK_BOOTTIME)
try:
    bpf.timer_start(timers[0], 1000, 0)
except OSError as e:
    print("no callback", e.errno == errno.EINVAL)
bpf.timer_set_callback(timers[0], never)
bpf.timer_start(timers[0], 100_000_000, 0)
print("cancel", bpf.timer_cancel(timers[0]), bpf.timer_cancel(timers[0]))
done.wait(5)
time.sleep(0.2)
print(fired, keys)
h = Hash[u64, Timer](max_entries=2)
got = []
h[1 << 40] = Timer()
bpf.timer_init(h[1 << 40], CLOCK_MONOTONIC)
bpf.timer_set_callback(h[1 << 40], got.append)
bpf.timer_start(h[1 << 40], 1_000_000, 0)
h[7] = Timer()
bpf.timer_init(h[7], CLOCK_MONOTONIC)
bpf.timer_set_callback(h[7], got.append)
bpf.timer_start(h[7], 50_000_000, 0)
h[7] = Timer()                       # dropped: never fires
try:
    h[8] = Timer()
except MapFullError:
    print("full")
try:
    bpf.timer_cancel(h[9])
except KeyError:
    print("missing")
time.sleep(0.2)
print(got, 7 in h)
del h[7]
print(7 in h)
plain: Array[Timer] = Array(1)
try:
    bpf.timer_cancel(plain[0])
except NotImplementedError as e:
    print("Array[Timer](N)" in str(e))
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")})
    check((p.returncode, p.stderr), (0, ""))
    check(p.stdout, "busy True\nno callback True\ncancel 1 0\n[2, 2, 2, 2, 2] []\nfull\nmissing\n"
                    f"[{1 << 40}] True\nFalse\nTrue\n")


@test
def timer_pinned_reload_unload():
    """A pinned instance (--pin): one timer counts to exactly 5, the other
    re-arms itself every ms and keeps ticking after the loader exits; `pybpf reload` refuses it (the probe
    kinds that may use timers are not swappable in place, as for any such
    probe); `pybpf unload` frees the map, the kernel cancels the timer
    still armed, and no program or map is left."""
    src = '''from pybpf import *
PID: Final[int] = 0
ticks: Array[Timer] = Array(2)
''' + TICK + '''

@tp_btf("sys_enter")
def t_timer_pin(regs, nr) -> None:
    if pid() != PID or nr != 110:
        return
    for i in range(2):
        try:
            bpf.timer_init(ticks[i], CLOCK_BOOTTIME)
        except OSError:
            return
        bpf.timer_set_callback(ticks[i], tick)
        bpf.timer_start(ticks[i], 1_000_000, 0)
'''
    name = "pybpf_test_timer_pin"
    try:
        with Loader(src, ["--pin", name, "-D", f"PID={os.getpid()}"]) as ld:
            os.getppid()
            time.sleep(0.2)
            out, err = ld.finish()
            check((ld.rc, out), (0, "n: 5\nforever: 1\n"))
            time.sleep(0.1)
            maps = subprocess.run(["bpftool", "map", "show"], capture_output=True, text=True).stdout
            assert " name ticks " in maps, maps
            # every probe kind that may use a timer is one reload cannot swap (tp_btf, begin, ...)
            p = subprocess.run([PYBPF, "reload", name, ld.path], capture_output=True, text=True, timeout=60)
            check((p.returncode, p.stderr), (1, "pybpf: error: @tp_btf probes cannot be swapped in place (only "
                                                "tracepoint, raw_tp, uprobe, kprobe, profile, interval, xdp, tc "
                                                "and cgroup_skb probes can); 't_timer_pin' was not changed\n"))
    finally:
        p = subprocess.run([PYBPF, "unload", name], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert_nothing_left(["t_timer_pin"], ["ticks"])
