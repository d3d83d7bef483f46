"""Runtime tests of tail calls from Python (issue 13): ProgArray maps and
bpf.tail_call(ctx(), handlers, i) (pyc/check_tailcall.c)."""
import json
import os
import subprocess

from runtime import PYBPF, Loader, assert_nothing_left, check, getppid_n, test

# a dispatcher on the test's own getppid() calls: handler 0 or 1 by a
# counter, index 7 (no program) every third call, a chain of 2 from on_odd
TAIL = '''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def tc_last(args) -> None:
    print("last")


@tracepoint("syscalls/sys_enter_getppid")
def tc_even(args) -> None:
    print("even")


@tracepoint("syscalls/sys_enter_getppid")
def tc_odd(args) -> None:
    print("odd")
    bpf.tail_call(ctx(), chain, 0)
    print("odd: after its tail call")


chain: ProgArray = ProgArray([tc_last])
handlers: ProgArray = ProgArray([tc_even, tc_odd])
n: Array[u64] = Array(1)
missing: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def tc_dispatch(args) -> None:
    global missing
    if pid() != PID:
        return
    i = n[0]
    n[0] += 1
    if i % 3 == 2:
        bpf.tail_call(ctx(), handlers, 7)   # no program: returns None
        missing += 1
        print("no program at 7")
        return
    bpf.tail_call(ctx(), handlers, (i // 3 * 2 + i % 3) % 2)
    print("dispatch: after its tail call")
'''
PLAIN = '''from pybpf import *
PID: Final[int] = 0


@tracepoint("syscalls/sys_enter_getppid")
def tc_dispatch(args) -> None:
    print("plain")
'''
PROGS = ["tc_last", "tc_even", "tc_odd", "tc_dispatch"]


def tail_lines(calls):
    """What the kernel prints for calls 0..calls-1 of TAIL: of each three,
    two tail calls (even, odd alternating) and one to index 7."""
    out, k = "", 0
    for i in range(calls):
        if i % 3 == 2:
            out += "no program at 7\n"
            continue
        out += "even\n" if k % 2 == 0 else "odd\nlast\n"
        k += 1
    return out


@test
def tail_call_runs_handlers_instead_of_the_caller():
    """Of 15 calls, 10 tail-call handler 0 or 1 by a counter: exactly 5 lines
    from each, and 5 from tc_last (handler 1 tail-calls it, a chain of 2);
    no line after a successful tail call; the 5 calls of index 7 (no
    program) return and the caller's next lines run exactly 5 times."""
    pid = os.getpid()
    with Loader(TAIL, ["-D", f"PID={pid}"]) as ld:
        getppid_n(15)
        out, err = ld.finish()
    out, maps = out.split("n[0]: ")   # the records, then the maps at exit
    check(maps, "15\n\nmissing: 5\n", "maps at exit")
    check(out.count("even\n"), 5, "lines of tc_even")
    check(out.count("odd\n"), 5, "lines of tc_odd")
    check(out.count("last\n"), 5, "lines of tc_last")
    check(out.count("no program at 7\n"), 5, "lines after a call to index 7")
    assert "after its tail call" not in out, out
    check(out, tail_lines(15))
    assert_nothing_left(PROGS, ["handlers", "chain", "n"])


@test
def tail_call_handlers_not_attached():
    """A ProgArray's handlers are loaded but not attached: with no
    dispatcher call (another pid), nothing prints."""
    with Loader(TAIL, ["-D", "PID=1"]) as ld:
        getppid_n(5)
        out, err = ld.finish()
    check(out, "missing: 0\n")   # no record; the maps at exit
    assert_nothing_left(PROGS, ["handlers", "chain", "n"])


@test
def tail_call_pinned_and_reload_refused():
    """--pin: the pinned dispatcher tail-calls the probe's body, which
    tail-calls the handlers (chains of 2 and 3) with the same output; after
    the loader exits the pinned ProgArray keeps both handlers and the
    dispatcher keeps counting (n[0] 3 -> 6); reload
    refuses with the reason, both a version with a ProgArray and one
    without (the running one has them); unload leaves nothing."""
    pid = os.getpid()
    name = "pybpf_test_tailcall"
    subprocess.run([PYBPF, "unload", name], capture_output=True)
    with Loader(TAIL, ["-D", f"PID={pid}", "--pin", name]) as ld:
        getppid_n(3)
        out, err = ld.finish()
    try:
        check(out, tail_lines(3) + "n[0]: 3\n\nmissing: 1\n")
        # after the loader's exit the pinned ProgArray keeps both handlers, and the dispatcher runs
        pinned = f"/sys/fs/bpf/pybpf/{name}"
        r = subprocess.run(["bpftool", "map", "dump", "pinned", f"{pinned}/map_handlers"], capture_output=True, text=True)
        assert "Found 2 elements" in r.stdout, r
        getppid_n(3)
        r = subprocess.run(["bpftool", "-j", "map", "lookup", "pinned", f"{pinned}/map_n", "key", "0", "0", "0", "0"],
                           capture_output=True, text=True)
        check(int.from_bytes(bytes(int(b, 16) for b in json.loads(r.stdout)["value"]), "little"), 6, "n[0] after exit")
        r = subprocess.run([PYBPF, "reload", name, ld.path], capture_output=True, text=True)
        assert r.returncode != 0, r
        assert "'chain' is a ProgArray: pybpf reload cannot swap the handlers of tail calls yet" in r.stderr, r.stderr
        plain = os.path.join(os.path.dirname(ld.path), "plain.py")
        with open(plain, "w") as f:
            f.write(PLAIN)
        r = subprocess.run([PYBPF, "reload", name, plain], capture_output=True, text=True)
        assert r.returncode != 0, r
        assert f"the running '{name}' has a ProgArray (" in r.stderr, r.stderr
        assert "reload cannot swap the handlers of tail calls yet" in r.stderr, r.stderr
    finally:
        r = subprocess.run([PYBPF, "unload", name], capture_output=True, text=True)
    assert r.returncode == 0, r
    assert_nothing_left(PROGS + [p + "__impl" for p in PROGS], ["handlers", "chain", "n"])

# the same dispatch in the BTF-typed kinds: the handler reads the caller's args
BTF_KIND = '''from pybpf import *
PID: Final[int] = 0


@KIND("sys_enter")
def tc_kind_handler(regs, id) -> None:
    print(f"handler sees syscall {id}")


handlers: ProgArray = ProgArray([tc_kind_handler])


@KIND("sys_enter")
def tc_kind_dispatch(regs, id) -> None:
    if pid() != PID or id != 110:
        return
    bpf.tail_call(ctx(), handlers, 0)
    print("after")
'''


@test
def tail_call_raw_tp_and_tp_btf():
    """@raw_tp and @tp_btf dispatchers: 4 getppid calls, 4 lines from the
    handler with the caller's syscall number (110), none after the call."""
    pid = os.getpid()
    for kind in ("raw_tp", "tp_btf"):
        with Loader(BTF_KIND.replace("KIND", kind), ["-D", f"PID={pid}"]) as ld:
            getppid_n(4)
            out, err = ld.finish()
        check(out, "handler sees syscall 110\n" * 4, f"output of the @{kind} dispatcher")
        assert_nothing_left(["tc_kind_handler", "tc_kind_dispatch"], ["handlers"])

# a handler that tail-calls itself: the kernel stops the chain after 33
CHAIN = '''from pybpf import *
PID: Final[int] = 0
runs: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def tc_self(args) -> None:
    global runs
    runs += 1
    bpf.tail_call(ctx(), tc_again, 0)
    print(f"chain ended after {runs} handler runs")


tc_again: ProgArray = ProgArray([tc_self])
cbk: Array[u64] = Array(1)


def step(i: int) -> None:
    cbk[0] += 1


@tracepoint("syscalls/sys_enter_getppid")
def tc_start(args) -> None:
    global runs
    if pid() != PID:
        return
    buf: str[200] = "a stack frame of over 256 bytes, with a bpf.loop callback (a subprogram)"
    bpf.loop(2, step)
    runs = 0
    bpf.tail_call(ctx(), tc_again, 0)
    print(buf)
'''


@test
def tail_call_chain_stops_after_33():
    """A handler tail-calling itself runs exactly 33 times per event (the
    kernel's MAX_TAIL_CALL_CNT: the caller's call and 32 of its own), then
    its tail call returns and its next line runs; the caller has a bpf.loop
    callback (a BPF subprogram) and a 200-byte str local, and loads."""
    pid = os.getpid()
    with Loader(CHAIN, ["-D", f"PID={pid}"]) as ld:
        getppid_n(2)
        out, err = ld.finish()
    check(out, "chain ended after 33 handler runs\n" * 2 + "cbk[0]: 4\n\nruns: 33\n")
    assert_nothing_left(["tc_self", "tc_start"], ["tc_again", "cbk"])
