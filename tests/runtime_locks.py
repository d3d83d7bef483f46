"""Runtime tests of BPF spin locks from Python: SpinLock / ResSpinLock
fields of a Struct that is a Hash's or an Array's value, `with
bpf.spin_lock(m, k) as v:` and `with bpf_res_spin_lock(m, k) as v:`
(pyc/check_lock.c)."""
import json
import os
import subprocess
import sys
import tempfile
import threading

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, test

# increments under the lock, from the test's own getppid() calls (syscall 110)
COUNTER = '''from pybpf import *
PID: Final[int] = 0


class Acct(Struct):
    lock: %s
    n: u64
    odd: u64


acct: Hash[int, Acct] = Hash(max_entries=4)
failed: int = 0


@begin
def start() -> None:
    acct[1] = Acct(n=0, odd=0)


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    global failed
    if pid() != PID or nr != 110:
        return
    try:
        with %s(acct, 1) as a:
            a.n += 1
            if a.n %% 2 == 1:
                a.odd += 1
    except OSError:
        failed += 1
'''

N = 20000


def two_cpu_getppids(n):
    """n getppid() calls, half from each of two threads pinned to CPUs 0 and 1"""
    cpus = sorted(os.sched_getaffinity(0))
    assert len(cpus) >= 2, cpus
    start = threading.Barrier(2)

    def run(cpu):
        os.sched_setaffinity(0, {cpu})   # this thread only
        start.wait()
        for _ in range(n // 2):
            os.getppid()

    threads = [threading.Thread(target=run, args=(c,)) for c in cpus[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def counter_test(lock, call):
    with Loader(COUNTER % (lock, call), ["-D", f"PID={os.getpid()}"]) as ld:
        two_cpu_getppids(N)
        out, err = ld.finish()
    check(out, f"acct[1]: Acct(n={N}, odd={N // 2})\n\nfailed: 0\n")
    assert "Error" not in err, err
    assert_nothing_left(["enter", "start"], ["acct"])


@test
def spin_lock_counter_two_cpus():
    """A @tp_btf("sys_enter") probe filtered to the test's pid increments
    a.n (and a.odd on odd counts) under `with bpf.spin_lock(acct, 1) as a:`
    for each of N = 20000 getppid() calls made by two threads pinned to CPUs
    0 and 1 at once: exactly n=20000, odd=10000 (the read-modify-write of
    two fields is not atomic without the lock); the item is made by
    acct[1] = Acct(n=0, odd=0) in @begin; the loader shows the value
    without its lock."""
    counter_test("SpinLock", "bpf.spin_lock")


@test
def res_spin_lock_counter_two_cpus():
    """The same with a ResSpinLock field and `with bpf_res_spin_lock(acct,
    1) as a:` (6.15's resilient spin lock kfuncs): exactly n=20000,
    odd=10000, and no OSError (no deadlock, no timeout)."""
    counter_test("ResSpinLock", "bpf_res_spin_lock")


@test
def res_spin_lock_irqsave_counter_two_cpus():
    """And with `with bpf_res_spin_lock_irqsave(acct, 1) as a:` (the
    interrupt flags kept on the stack, restored at the block's end)."""
    counter_test("ResSpinLock", "bpf_res_spin_lock_irqsave")


LOCKED_BEGIN = '''from pybpf import *


class Acct(Struct):
    n: u64
    lock: %s
    name: str[8]
    seen: bool


acct: Hash[int, Acct] = Hash(max_entries=2)
arr: Array[Acct] = Array(3)
errs: Array[u64] = Array(5)
returned: int = 0


def bump(k: int) -> int:
    with %s(arr, k) as a:
        a.n += 1
        if a.n > 3:
            return 1                  # the finally unlocks first
        a.seen = True
    return 0


@begin
def start() -> None:
    global returned
    acct[1] = Acct(n=7, name="abc", seen=False)
    for i in range(5):
        returned += bump(2)
    try:
        with %s(acct, 1) as b:
            b.n = max(b.n, 10) + len(b.name)
            if b.n > 12:
                raise ValueError("big")   # leaves the block: unlocked
    except ValueError:
        errs[0] += 1
    with %s(acct, 1) as b2:           # locks again: it was unlocked
        b2.n += 100
    try:
        with %s(acct, 99) as c:      # a missing key: KeyError, nothing locked
            c.n = 1
    except KeyError:
        errs[1] += 1
    try:
        with %s(arr, 3) as d:        # outside the Array: IndexError
            d.n = 1
    except IndexError:
        errs[2] += 1
    with %s(arr, -1) as e:            # a list's index: the last item
        e.n = 5
    try:
        acct[2] = Acct(n=1, name="x", seen=True)
        acct[3] = Acct(n=1, name="y", seen=True)   # max_entries=2: full
    except MapFullError:
        errs[3] += 1
    if 2 in acct:                     # a key, no value read
        errs[4] += 1
    del acct[2]
    if 2 not in acct:
        errs[4] += 1
'''


def begin_test(lock, call):
    src = LOCKED_BEGIN % ((lock,) + (call,) * 6)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(src)
        p = subprocess.run([PYBPF, "run", path], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        check(p.stdout, "acct[1]: Acct(n=113, name='abc', seen=False)\n\n"
                        "arr[2]: Acct(n=5, name='', seen=True)\n\nerrs[0]: 1\nerrs[1]: 1\nerrs[2]: 1\nerrs[3]: 1\n"
                        "errs[4]: 2\n\n"
                        "returned: 2\n")
        p = subprocess.run([PYBPF, "run", "--format", "json", path], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        assert ('{"type": "map", "name": "acct", "entries": [{"key": 1, "value": {"n": 113, "name": "abc", '
                '"seen": false}}]}') in p.stdout, p.stdout
    assert_nothing_left(["start"], ["acct", "arr", "errs"])


@test
def spin_lock_in_begin():
    """@begin (a BPF syscall program) with a SpinLock in the middle of a
    Struct: a def returning from inside its locked block (the finally
    unlocks: the next call locks again) counts 1, 2, 3 then returns 1 twice;
    a ValueError raised inside the block leaves it unlocked (the next with
    on the same item runs: 7 -> max(7, 10) + len('abc') = 13, +100 = 113);
    a Hash's missing key raises KeyError and an index outside the Array
    IndexError before locking; arr[-1] is the last item; a store into a full
    Hash raises MapFullError; 'k in acct' and 'del acct[k]' work on keys;
    the loader shows the values (text and json) without the lock."""
    begin_test("SpinLock", "bpf.spin_lock")


@test
def res_spin_lock_in_begin():
    """The same @begin program with a ResSpinLock and bpf_res_spin_lock."""
    begin_test("ResSpinLock", "bpf_res_spin_lock")


@test
def spin_lock_refused_probe_kinds():
    """The verifier refuses a map whose values hold a bpf_spin_lock (or a
    bpf_res_spin_lock) in kprobe, tracepoint, raw_tracepoint and
    perf_event programs ("tracing progs cannot use bpf_spin_lock yet"):
    pybpf refuses those probe kinds at compile time, for the with block, a
    store, and through a def helper. Checked against the kernel: the same
    probe as @tp_btf compiles, and its C with the section changed to a
    tracepoint's, a kprobe's, a raw_tp's or a perf_event's is refused by the
    verifier with that message, while as a tp_btf or an iter program it
    loads."""
    kinds = {'@tracepoint("syscalls/sys_enter_getppid")': "tracepoint", '@kprobe("do_nanosleep")': "kprobe",
             '@raw_tp("sys_enter")': "raw_tracepoint", "@profile(hz=99)": "perf_event",
             '@interval(ms=10)': "perf_event", '@uprobe("libc:getpid")': "kprobe"}
    body = '''from pybpf import *


class Acct(Struct):
    lock: %s
    n: u64


acct: Hash[int, Acct] = Hash(max_entries=4)


def go() -> None:
    with %s(acct, 1) as a:
        a.n += 1


%s
def p() -> None:
    %s
'''
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "probe.py")
        for lock, call in (("SpinLock", "bpf.spin_lock"), ("ResSpinLock", "bpf_res_spin_lock")):
            for deco, prog in kinds.items():
                for stmt in ("go()", "acct[1] = Acct(n=1)"):
                    with open(path, "w") as f:
                        f.write(body % (lock, call, deco, stmt))
                    p = subprocess.run([PYBPF, "check", path], capture_output=True, text=True, timeout=60)
                    kind = deco[1:].split("(")[0]
                    want = (f"a map whose values hold a SpinLock or a ResSpinLock cannot be used from a @{kind} "
                            f"probe: the kernel refuses such a map in BPF {prog} programs")
                    assert p.returncode == 1 and want in p.stderr, (deco, stmt, p.stderr)
            # the kernel's own answer
            with open(path, "w") as f:
                f.write(body % (lock, call, '@tp_btf("sys_enter")', "go()"))
            c = os.path.join(d, "probe.bpf.c")
            subprocess.run([PYBPF, "compile", path, "-o", c], check=True, timeout=60)
            with open(c) as f:
                text = f.read()
            assert 'SEC("tp_btf/sys_enter")' in text
            pin = "/sys/fs/bpf/pybpf_test_lock_refused"
            for sec, loads in (("tracepoint/syscalls/sys_enter_getppid", False), ("kprobe/do_nanosleep", False),
                               ("raw_tp/sys_enter", False), ("perf_event", False), ("tp_btf/sys_enter", True),
                               ("iter/task", True)):
                with open(c, "w") as f:
                    f.write(text.replace('SEC("tp_btf/sys_enter")', f'SEC("{sec}")'))
                o = os.path.join(d, "probe.bpf.o")
                subprocess.run(["clang", "-O2", "-g", "-target", "bpf", "-c", c, "-o", o], check=True, timeout=60)
                try:
                    p = subprocess.run(["bpftool", "prog", "loadall", o, pin], capture_output=True, text=True,
                                       timeout=60)
                finally:
                    subprocess.run(["rm", "-rf", pin])
                if loads:
                    assert p.returncode == 0, (lock, sec, p.stderr)
                else:
                    assert p.returncode != 0 and "tracing progs cannot use bpf_spin_lock yet" in p.stderr, \
                        (lock, sec, p.stderr)
    assert_nothing_left(["p"], ["acct"])


@test
def spin_lock_map_has_btf():
    """libbpf creates a map whose values hold a SpinLock with BTF: bpftool
    shows the map's btf_id while the probe is loaded, and its value type is
    the emitted struct with a struct bpf_spin_lock member."""
    src = COUNTER % ("SpinLock", "bpf.spin_lock")
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        p = subprocess.run(["bpftool", "-j", "map", "show"], capture_output=True, text=True, timeout=60)
        maps = [m for m in json.loads(p.stdout) if m.get("name") == "acct"]
        assert len(maps) == 1 and maps[0].get("btf_id", 0) > 0, maps
        b = subprocess.run(["bpftool", "btf", "dump", "id", str(maps[0]["btf_id"])], capture_output=True, text=True,
                           timeout=60)
        assert "'bpf_spin_lock'" in b.stdout and "'__pyb_S_Acct'" in b.stdout, b.stdout[:2000]
        out, err = ld.finish()
    assert_nothing_left(["enter", "start"], ["acct"])


SHIM = '''import errno, threading
from pybpf import *

class Acct(Struct):
    n: u64
    lock: SpinLock
    name: str[8]
    seen: bool

class R(Struct):
    lock: ResSpinLock
    n: u64

acct: Hash[int, Acct] = Hash(max_entries=4)
acct[1] = Acct(n=0, name="abc", seen=False)
arr = Array[Acct](3)
res = Array[R](1)

def work():
    for _ in range(20000):
        with bpf.spin_lock(acct, 1) as a:
            a.n += 1
        with bpf_res_spin_lock(res, 0) as r:
            r.n += 1

ts = [threading.Thread(target=work) for _ in range(2)]
[t.start() for t in ts]; [t.join() for t in ts]
print(acct[1], arr[2], res[0])
try:
    with bpf.spin_lock(acct, 99) as b:
        pass
except KeyError:
    print("KeyError", 99 in acct)
try:
    with bpf.spin_lock(arr, 3) as b:
        pass
except IndexError:
    print("IndexError")
with bpf.spin_lock(arr, -1) as e:
    e.n = 5
try:
    with bpf_res_spin_lock(res, 0) as r:
        with bpf_res_spin_lock(res, 0) as r2:
            pass
except OSError as x:
    print("OSError", x.errno == errno.EDEADLK)
with bpf_res_spin_lock_irqsave(res, 0) as r:
    r.n += 1
print(arr[2], res[0])
try:
    with bpf.spin_lock(Array(2), 0) as z:
        pass
except TypeError as x:
    print("TypeError", "Array[S](N)" in str(x))
'''


@test
def spin_lock_in_cpython_shim():
    """The CPython shim (python/pybpf) runs the same code: a SpinLock field
    is a threading.Lock, bpf.spin_lock(m, k) holds it for the block, so two
    threads' 20000 increments each add up to exactly 40000; the lock is not
    part of the value (repr, and no parameter of Acct(...)); a missing key
    raises KeyError without inserting it, an index outside the Array
    IndexError, arr[-1] is the last item; Array[S](N) holds N zeroed
    items; bpf_res_spin_lock on a ResSpinLock this thread holds raises
    OSError(EDEADLK); an Array made as Array(N) (zeros) is a TypeError
    naming Array[S](N)."""
    p = subprocess.run([sys.executable, "-c", SHIM], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")})
    assert p.returncode == 0, p.stderr
    check(p.stdout, "Acct(n=40000, name='abc', seen=False) Acct(n=0, name='', seen=False) R(n=40000)\n"
                    "KeyError False\nIndexError\nOSError True\nAcct(n=5, name='', seen=False) R(n=40001)\n"
                    "TypeError True\n")


@test
def spin_lock_probes_typecheck():
    """`mypy --strict` (with pybpf's stub and plugin) accepts the @begin
    programs above (SpinLock, ResSpinLock, _irqsave): a lock field is no
    parameter of its Struct's constructor, and the with statements give
    the item's type."""
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, src in enumerate([LOCKED_BEGIN % (("SpinLock",) + ("bpf.spin_lock",) * 6),
                                 LOCKED_BEGIN % (("ResSpinLock",) + ("bpf_res_spin_lock",) * 6),
                                 LOCKED_BEGIN % (("ResSpinLock",) + ("bpf_res_spin_lock_irqsave",) * 6)]):
            files.append(os.path.join(d, f"lock{i}.py"))
            with open(files[-1], "w") as f:
                f.write(src)
        p = subprocess.run(["mypy", "--strict", "--config-file", os.path.join(ROOT, "mypy.ini"), "--cache-dir",
                            os.devnull] + files, cwd=ROOT, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "MYPYPATH": os.path.join(ROOT, "python")})
        assert p.returncode == 0, p.stdout + p.stderr
