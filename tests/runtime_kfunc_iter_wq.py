"""Runtime tests of two more of the kernel's kfuncs from Python (issue 13):
the bit iterator as a for loop, `for b in bpf_iter_bits(words, nr_words):`
(pyc/check_iter_bits.c), and bpf_iter_num, reached through range()."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from runtime import PYBPF, ROOT, Loader, assert_nothing_left, check, getppid_n, test

BITS = '''from pybpf import *
PID: Final[int] = 0
seen: Array[int] = Array(max_entries=16)
n: int = 0
calls: int = 0
big: int = 0
too_many: int = 0
none: int = 0
fields: int = 0


class W(Struct):
    tag: u32
    w: bytes[16]


def record(b: int) -> None:
    global n
    seen[n] = b
    n += 1


@tracepoint("syscalls/sys_enter_getppid")
def on_getppid(args) -> None:
    global calls, big, too_many, none, fields
    if pid() != PID:
        return
    calls += 1
    if calls > 1:
        return
    v: int = 0b1010_0001
    for b in bpf_iter_bits(v, 1):
        record(b)
    w: bytes[16] = b"\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
    for b in bpf_iter_bits(w, 2):        # bits 0 and 63 of word 0, bit 1 of word 1
        record(b)
    for b in bpf_iter_bits(w, 1):        # the first word only
        record(b)
    for b in bpf_iter_bits(-1, 1):       # an int is its 64 bits (two's complement)
        big += 1
    for b in bpf_iter_bits(w, 0):        # no words: no bits
        none += 1
    s = W(7, b"\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x04")
    for b in bpf_iter_bits(s.w, 2):      # a Struct's field: bits 8 and 122
        fields = fields * 1000 + b
    for b in bpf_iter_bits(s.w, 1):
        fields = fields * 1000 + b
    k: int = calls + 2
    try:
        for b in bpf_iter_bits(w, k):    # 3 words of a bytes[16]
            none += 1
    except ValueError:
        too_many += 1
'''


@test
def kfunc_iter_bits():
    """for b in bpf_iter_bits(words, nr): the set bits' indices, lowest
    first: 0b1010_0001 gives exactly 0, 5, 7; a bytes[16] with bits 0 and
    63 of its first word and bit 1 of its second gives 0, 63, 65 (and 0, 63
    from its first word alone); a Struct's bytes[16] field with bits 8 and
    122 gives 8, 122 (and 8 from one word); -1 has 64 bits; 0 words have none; 3 words
    of a bytes[16] raise ValueError (caught once), on the test's one
    getppid() call."""
    with Loader(BITS, ["-D", f"PID={os.getpid()}"]) as ld:
        getppid_n(1)
        out, err = ld.finish()
    seen = dict((int(i), int(v)) for i, v in re.findall(r"^seen\[(\d+)\]: (-?\d+)$", out, re.M))
    check([seen.get(i, 0) for i in range(8)], [0, 5, 7, 0, 63, 65, 0, 63])
    for line in ("n: 8\n", "calls: 1\n", "big: 64\n", "too_many: 1\n", "none: 0\n", "fields: 8122008\n"):
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["on_getppid"], ["seen"])


# a probe that starts a work queue on each of the test's own getppid() calls (syscall 110)
WQ = '''from pybpf import *
PID: Final[int] = 0
wqs: Array[Wq] = Array(2)
by_key: Hash[u64, Wq] = Hash(max_entries=2)
calls: int = 0
started: int = 0
ran: int = 0
last_key: int = -1
busy: int = 0
bad_flags: int = 0
no_callback: int = 0
outside: int = 0
missing: int = 0
big_ran: int = 0
big_key: int = 0


def work(key: int) -> None:              # a kernel worker thread calls it
    global ran, last_key
    ran += 1
    last_key = key


def big(key: int) -> None:
    global big_ran, big_key
    big_ran += 1
    big_key = key


@begin
def setup() -> None:                     # a callback is set from a sleepable program
    global busy, bad_flags, no_callback, outside, missing
    bpf_wq_init(wqs[1], 0)
    bpf_wq_set_callback(wqs[1], work, 0)
    try:
        bpf_wq_init(wqs[1], 0)              # already initialised: -EBUSY
    except OSError:
        busy += 1
    try:
        bpf_wq_start(wqs[1], 1)             # flags other than 0: -EINVAL
    except OSError:
        bad_flags += 1
    bpf_wq_init(wqs[0], 0)
    try:
        bpf_wq_start(wqs[0], 0)             # no callback yet: -EINVAL
    except OSError:
        no_callback += 1
    try:
        bpf_wq_start(wqs[2], 0)             # outside the Array
    except IndexError:
        outside += 1
    try:
        bpf_wq_start(by_key[7], 0)          # a key the Hash does not hold
    except KeyError:
        missing += 1
    by_key[1 << 40] = Wq()
    bpf_wq_init(by_key[1 << 40], 0)
    bpf_wq_set_callback(by_key[1 << 40], big, 0)


@tp_btf("sys_enter")
def enter(regs, nr) -> None:
    global calls, started
    if pid() != PID or nr != 110:
        return
    calls += 1
    if calls == 1:
        bpf_wq_start(by_key[1 << 40], 0)    # its key reaches the callback whole
    bpf_wq_start(wqs[1], 0)
    started += 1
'''


@test
def kfunc_wq_runs_n_times():
    """A work queue set up by a @begin probe (a callback is set only from a
    sleepable program) and started by a @tp_btf probe on each of the test's N = 5
    getppid() calls (50 ms apart, so each start finds the last work done)
    runs its def exactly 5 times, with its key (1); a Hash's work queue
    gets its u64 key 2**40 whole, once. bpf_wq_init of one already
    initialised raises OSError (-EBUSY), bpf_wq_start with flags 1 and of
    one without a callback too (-EINVAL); an index outside the Array
    raises IndexError, a missing key KeyError. At exit nothing is left."""
    n = 5
    with Loader(WQ, ["-D", f"PID={os.getpid()}"]) as ld:
        time.sleep(0.2)
        for _ in range(n):
            getppid_n(1)
            time.sleep(0.05)
        time.sleep(0.3)
        out, err = ld.finish()
    for line in (f"calls: {n}\n", f"started: {n}\n", f"ran: {n}\n", "last_key: 1\n", "busy: 1\n", "bad_flags: 1\n",
                 "no_callback: 1\n", "outside: 1\n", "missing: 1\n", "big_ran: 1\n", f"big_key: {1 << 40}\n"):
        assert line in out, (line, out)
    assert "Error" not in err, err
    assert_nothing_left(["enter", "setup"], ["wqs", "by_key"])


def _api(*args):
    p = subprocess.run([PYBPF, "api", *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stderr == "", p
    return p.stdout


@test
def kfunc_iter_wq_api():
    """pybpf api: bpf_iter_num's kfuncs are reached through range() (a
    'reached:' line, counted callable), bpf_iter_bits is an iterator over an
    int's or a bytes[8*K]'s words, the work queue kfuncs take a Wq and
    bpf_wq_set_callback_impl is reached through bpf_wq_set_callback; none
    of the six is among the kfuncs --coverage lists as not callable."""
    out = _api("bpf_iter_num_new")
    assert out.endswith("bpf_iter_num_new(it: bpf_iter_num, start: int (i32), end: int (i32)) -> int (i32)\n"
                        "    probes: @tracepoint, @kprobe, @kretprobe, @uprobe, @uretprobe, @usdt, @raw_tp, @profile, "
                        "@interval, @begin, @end, @tp_btf, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr, @socket_filter (@fentry, @fexit, @iter, @lsm, @struct_ops: not probed, the "
                        "verifier decides at load)\n"
                        "    reached: 'for i in range(...)' runs on bpf_iter_num: it calls bpf_iter_num_new, _next and "
                        "_destroy\n"
                        "1 kfunc in the running kernel's BTF, 1 callable from pybpf (the kernel was asked which probe "
                        "kinds may call each)\n"), out
    out = _api("bpf_iter_bits_new")
    assert ("bpf_iter_bits_new(it: bpf_iter_bits, unsafe_ptr__ign: int | bytes[8*K], nr_words: int (u32)) -> int (i32)\n"
            "    iterator: loop over it as 'for x in bpf_iter_bits(words, nr_words):'\n") in out, out
    out = _api("bpf_wq_")
    for line in ("bpf_wq_init(wq: Wq (wqs[k] of an Array[Wq] or Hash[K, Wq]), flags: int (u32)) -> int  raises OSError\n"
                 "    probes: @begin, @end, @tp_btf, @xdp, @tc, @cgroup_skb, @cgroup_sock_addr, @socket_filter (",
                 "bpf_wq_set_callback_impl(wq: Wq (wqs[k]), callback_fn: def (key: int) -> None, flags: int (u32)) -> int"
                 "  raises OSError\n    probes: @begin, @end\n"
                 "    reached: bpf_wq_set_callback(wqs[k], f, flags) calls it, as libbpf's macro does (the verifier "
                 "fills in aux__prog)\n",
                 "3 kfuncs in the running kernel's BTF, 3 callable from pybpf"):
        assert line in out, (line, out)
    cov = _api("--coverage")
    left = re.findall(r"^    (bpf_iter_num|bpf_iter_bits|bpf_wq)\w*: ", cov, re.M)
    check(left, [])


def _wq_verdict(src, sec_from, sec_to):
    """The verifier's refusal of probe src (a pybpf file) compiled to C with
    its section sec_from made sec_to, or "loads"."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path, c, obj = (os.path.join(d, n) for n in ("probe.py", "probe.bpf.c", "probe.bpf.o"))
    pin = f"/sys/fs/bpf/pybpf-test-wq-{os.getpid()}"
    if not os.path.ismount("/sys/fs/bpf"):   # as pybpf load mounts it
        subprocess.run(["mount", "-t", "bpf", "bpf", "/sys/fs/bpf"], check=True)
    open(path, "w").write(src)
    subprocess.run([PYBPF, "compile", path, "-o", c], check=True, timeout=60)
    text = open(c).read()
    assert f'SEC("{sec_from}")' in text, text
    open(c, "w").write(text.replace(f'SEC("{sec_from}")', f'SEC("{sec_to}")'))
    clang = shutil.which("clang-19") or shutil.which("clang")
    subprocess.run([clang, "-target", "bpf", "-O2", "-g", "-c", c, "-o", obj], check=True, timeout=120,
                   capture_output=True)
    try:
        p = subprocess.run(["bpftool", "-d", "prog", "load", obj, pin], capture_output=True, text=True, timeout=60)
    finally:
        if os.path.exists(pin):
            os.unlink(pin)   # ours: loaded only to be measured
    if p.returncode == 0:
        return "loads"
    m = re.search(r"^(tracing progs cannot use bpf_wq yet|sleepable callback in a program that is not sleepable)$",
                  p.stderr, re.M)
    return m.group(1) if m else p.stderr[-2000:]


@test
def kfunc_wq_refusals_are_the_verifiers():
    """The probe kinds pybpf refuses work queues in are those the verifier
    refuses (measured on 6.18): the C of a @tp_btf probe that inits and
    starts one (which loads) made a tracepoint, kprobe, raw_tracepoint or
    perf_event program fails with "tracing progs cannot use bpf_wq yet"; the
    C of a @begin probe that sets a callback made a tp_btf program fails
    with "sleepable callback in a program that is not sleepable"."""
    start = ("from pybpf import *\nwqs: Array[Wq] = Array(1)\n\n\n@tp_btf(\"sys_enter\")\n"
             "def t_wq_start(regs, nr) -> None:\n    if pid() == 1 and ktime_ns() == 0:\n"
             "        bpf_wq_init(wqs[0], 0)\n        bpf_wq_start(wqs[0], 0)\n")
    check(_wq_verdict(start, "tp_btf/sys_enter", "tp_btf/sys_enter"), "loads")
    for sec in ("tracepoint/syscalls/sys_enter_getppid", "kprobe/do_nanosleep", "raw_tp/sys_enter", "perf_event"):
        check((sec, _wq_verdict(start, "tp_btf/sys_enter", sec)), (sec, "tracing progs cannot use bpf_wq yet"))
    callback = ("from pybpf import *\nwqs: Array[Wq] = Array(1)\n\n\ndef work(key: int) -> None:\n    pass\n\n\n"
                "@begin\ndef t_wq_cb() -> None:\n    if pid() == 1 and ktime_ns() == 0:\n"
                "        bpf_wq_init(wqs[0], 0)\n        bpf_wq_set_callback(wqs[0], work, 0)\n")
    check(_wq_verdict(callback, "syscall", "syscall"), "loads")
    check(_wq_verdict(callback, "syscall", "tp_btf/sys_enter"), "sleepable callback in a program that is not sleepable")
    assert_nothing_left(["t_wq_start", "t_wq_cb"], ["wqs"])


@test
def kfunc_iter_wq_in_cpython():
    """The CPython shim: bpf_iter_bits gives the kernel's bits (0, 5, 7; 0,
    63, 65 from a bytes[16]; ValueError for 3 words of it, TypeError for a
    str); Wq() and the bpf_wq_*() functions raise NotImplementedError,
    saying a user process has no kernel worker thread."""
    script = """
from pybpf import *
w = b"\\x01" + b"\\x00" * 6 + b"\\x80" + b"\\x02" + b"\\x00" * 7
print(list(bpf_iter_bits(0b1010_0001, 1)), list(bpf_iter_bits(w, 2)), list(bpf_iter_bits(w, 0)))
for bad in ((w, 3), ("ab", 1)):
    try:
        bpf_iter_bits(*bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__)
wqs: Array[Wq] = Array(1)
for f in (lambda: Wq(), lambda: bpf_wq_init(wqs[0], 0), lambda: bpf_wq_set_callback(wqs[0], print, 0),
          lambda: bpf_wq_start(wqs[0], 0)):
    try:
        f()
    except NotImplementedError as e:
        print("kernel worker thread" in str(e))
"""
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.path.join(ROOT, "python")})
    check((p.returncode, p.stderr), (0, ""))
    check(p.stdout, "[0, 5, 7] [0, 63, 65] []\nValueError\nTypeError\nTrue\nTrue\nTrue\nTrue\n")
