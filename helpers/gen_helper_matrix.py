#!/usr/bin/env python3
"""The helper test matrix (issue 13): for every helper `pybpf api` lists as
callable from a probe kind -- from a @tracepoint probe where it may; else
from the first of @tp_btf, @iter, @uprobe, @profile, @begin that may (the
kinds that load here: a helper only @fentry/@fexit/@lsm/@struct_ops may
call is listed "not generated" with why); the timer helpers, which the kernel
refuses in tracepoint programs: those from a @tp_btf probe on sys_enter,
with an Array[Timer] and a def callback; bpf.spin_lock, refused there too,
as a with block in such a probe; the seq_* ones from an @iter
probe over the tasks; the socket helpers, from a @tp_btf probe given a
socket or a file), a small generated probe that calls it with
well-typed arguments is compiled and loaded by `pybpf load` on this kernel,
so the verifier checks the call; the call sits behind a test that is never
true at run time (pid() == 1 and ktime_ns() == 0), so the helper never runs
although the probe is attached (to sys_enter_acct, which nothing here calls).
The outcome of each, "loads" or the first line of the refusal, goes into
helpers/helper_matrix.txt (generated, do not edit: `make helper-matrix`);
tests/runtime_helpers.py's helper_matrix_up_to_date regenerates and compares.

Usage: helpers/gen_helper_matrix.py [-o FILE] [--pybpf PATH]   (needs root)
"""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# The probe kinds a helper's program may be made of when no @tracepoint may
# call it, in the order they are tried: each loads on this machine
# (@fentry, @fexit, @lsm and @kprobe do not: their helpers are "not
# generated", and the QEMU tier runs some of them)
OTHER_KINDS = [("@tp_btf", '@tp_btf("sys_enter")', "regs, nr"), ("@iter", '@iter("task")', "task: task_struct"),
               ("@uprobe", '@uprobe("libc:getppid")', ""), ("@profile", "@profile(hz=99)", ""),
               ("@begin", "@begin", "")]


# The packet path's kinds: they load here, but the matrix makes no packet programs
PACKET_KINDS = {"@xdp", "@tc", "@cgroup_skb", "@socket_filter", "@cgroup_sock_addr"}


# The kinds a refusal is looked for in: the first a helper's probes line
# lacks gets its call, and the checker must refuse it at compile time
ELSEWHERE = [("@tracepoint", '@tracepoint("syscalls/sys_enter_acct")', "args")] + OTHER_KINDS
# ... but a helper whose argument is its probe's own (d_path's file) is
# tried where that argument exists
ELSEWHERE_OF = {"d_path": [("@tp_btf", '@tp_btf("ext4_sync_file_enter")', "file, datasync")]}


def refusal(pybpf, name, src, line, prefix="hm_"):
    """src (the probe that calls helper or kfunc name, def PREFIX + name)
    made a probe of the first kind of ELSEWHERE its `probes:` line does not
    name (as asked or as left to the verifier): what `pybpf check` says"""
    for k, deco, params in ELSEWHERE_OF.get(name, ELSEWHERE):
        if re.search(re.escape(k) + r"\b(?!\()", line):
            continue
        m = re.search(r"\n(@[^\n]*)\ndef (%s%s)\(([^)]*)\)" % (prefix, re.escape(name[4:20] if prefix == "km_" else name[:20])),
                      src)
        other = src[:m.start(1)] + deco + "\ndef " + m.group(2) + "(" + params + src[m.end(3):]
        with tempfile.TemporaryDirectory(prefix="pybpf-matrix-") as d:
            path = os.path.join(d, "probe.py")
            with open(path, "w") as f:
                f.write(other)
            p = subprocess.run([pybpf, "check", path], capture_output=True, text=True, cwd=d)
        if p.returncode == 1 and "a %s probe" % k in p.stderr.split("\n", 1)[0]:
            return "refused at compile time from %s" % k
        return "from %s: %s" % (k, p.stderr.split("\n", 1)[0].split("error: ", 1)[-1] if p.returncode else "accepted")
    return "every kind that loads here may call it"


def probe_kinds(line):
    """The kinds of a `probes:` line the kernel was asked about: ["@tracepoint", ...]"""
    asked = line.split("probes: ", 1)[1].split(" (", 1)[0]
    return [] if asked.startswith("no probe kind") else [k.strip() for k in asked.split(",")]


def callable_helpers(pybpf):
    """(name, params, return type, kind) of each helper a probe kind may call;
    kind None: @tracepoint or a kind source() picks itself; "" when none
    of the kinds that load here may call it"""
    out = subprocess.run([pybpf, "api"], capture_output=True, text=True, check=True).stdout.splitlines()
    for i, ln in enumerate(out[:-1]):
        kinds = probe_kinds(out[i + 1]) if out[i + 1].startswith("    probes: ") else []
        timer = ln.startswith(("bpf.timer_", "bpf.spin_lock(")) and "@tp_btf" in out[i + 1]
        timer |= "probes: @uprobe(sleepable=True)" in out[i + 1]   # a helper that sleeps
        timer |= out[i + 1].startswith("    probes: @iter")          # an @iter probe's output
        timer |= ln.startswith("bpf.d_path(")                          # a path in an @iter("task_file") probe
        by_block = i + 2 < len(out) and out[i + 2].startswith("    reached:")   # not called by name
        sock = ln.startswith(SOCK_HELPERS) and "@tp_btf" in out[i + 1]   # a socket helper: tracing programs
        if not ln.startswith("bpf.") or "not callable" in out[i + 1] or by_block or not kinds:
            continue
        m = re.match(r"bpf\.(\w+)\((.*)\) -> (\S+)", ln)
        params = [tuple(p.split(": ", 1)) for p in m.group(2).split(", ")] if m.group(2) else []
        kind = None
        if "@tracepoint" not in kinds and not timer and not sock:
            kind = next((k for k, _, _ in OTHER_KINDS if k in kinds), "")
        yield m.group(1), params, m.group(3), kind, kinds, out[i + 1]


def argument(p):
    name, t = p
    if name == "s2":   # strncmp's: a constant string
        return '"ab"'
    if re.fullmatch(r"[ui]\d+", t):
        return "0"
    return {"str | bytes (local)": "buf", "str | bytes": "buf", "Map": "m", "ctx()": "ctx()", "ptr | int": "0",
            "Struct (local)": "ev", "the map's key": "1", 'ksym("NAME")': 'ksym("runqueues")',
            "task_struct": "current_task()"}[t]


# Ring buffer reservations and dynptrs (pyc/check_dynptr.c): a with block,
# or a Dynptr made first; each a list of lines
RESERVED = {
    "ringbuf_reserve": ["with bpf.ringbuf_reserve(rb) as r:", "    if r is not None:", "        r.n = 1"],
    "ringbuf_reserve_dynptr": ["with bpf.ringbuf_reserve_dynptr(rb) as d:", "    if d is not None:", "        pass"],
    "dynptr_from_mem": ["d = bpf.dynptr_from_mem(buf, 0)"],
    "dynptr_read": ["d = bpf.dynptr_from_mem(buf, 0)", "x = bpf.dynptr_read(buf, d, 0, 0)"],
    "dynptr_write": ["d = bpf.dynptr_from_mem(buf, 0)", "x = bpf.dynptr_write(d, 0, ev, 0)"],
}


# The socket helpers (pyc/check_sock.c), which tracepoint programs may not
# call: from a @tp_btf probe whose argument is a socket, or a file
SOCK_HELPERS = ("bpf.skc_to_", "bpf.sock_from_file(")


def sock_helper(name):
    return ("bpf.%s(" % name).startswith(SOCK_HELPERS)


def sock_probe(name):
    """(decorator, parameters, the argument to pass) of a socket helper's probe"""
    if name == "sock_from_file":
        return '@tp_btf("ext4_sync_file_enter")', "file, datasync", "file"
    return '@tp_btf("inet_sock_set_state")', "sk, oldstate, newstate", "sk"


# bpf.spin_lock (pyc/check_lock.c), which no tracepoint program may use (the
# kernel refuses a map whose values hold a bpf_spin_lock there): a with
# block in a @tp_btf probe, on an item the probe stores first; its end
# calls bpf.spin_unlock
LOCKED = ("class Lk(Struct):\n    lock: SpinLock\n    n: u64\n\n\nlk: Hash[int, Lk] = Hash(max_entries=4)\n\n\n",
          ["lk[1] = Lk(n=0)", "with bpf.spin_lock(lk, 1) as a:", "    a.n += 1"])


def source(name, params, ret, kind=None):
    if name == "spin_lock":
        return template(name, "\n            ".join(LOCKED[1]), '@tp_btf("sys_enter")', "regs, nr", LOCKED[0])
    if name in RESERVED:
        return template(name, "\n            ".join(RESERVED[name]))
    if name in ("snprintf", "seq_printf"):   # bpf.snprintf(out, "fmt", values...), seq_printf(ctx(), ...)
        args = ["ctx()" if name == "seq_printf" else "buf", '"%d"', "1"]
    elif name == "loop":     # bpf.loop(n, function)
        args = ["0", "cb"]
    elif name == "for_each_map_elem":   # bpf.for_each_map_elem(map, function)
        args = ["m", "cb2"]
    elif name == "d_path":               # bpf.d_path(file.f_path, buf): an @iter("task_file") probe's file
        args = ["file.f_path", "buf"]
    elif name == "find_vma":             # bpf.find_vma(task, addr, function)
        args = ["current_task()", "0", "cb4"]
    elif name == "map_lookup_percpu_elem":   # on a per-CPU hash, for a CPU
        args = ["pm", "1", "0"]
    elif name == "tail_call":            # bpf.tail_call(ctx(), ProgArray, i): a handler of the same tracepoint
        args = ["ctx()", "pa", "0"]
    elif name in PERF:                   # a PerfBuf / PerfCounters of its own (pyc/check_perf.c)
        args = PERF[name][1]
    elif name.startswith("timer_"):      # bpf.timer_X(timers[i], ...)
        args = ["tm[0]"] + {"timer_init": ["CLOCK_MONOTONIC"], "timer_set_callback": ["cb3"],
                            "timer_start": ["0", "0"], "timer_cancel": []}[name]
    elif sock_helper(name):               # bpf.skc_to_X(sk), bpf.sock_from_file(file): the probe's argument
        args = [sock_probe(name)[2]]
    else:
        args = [argument(p) for p in params]
    if name.startswith("ringbuf_"):
        args = ["rb" if a == "m" else a for a in args]
    if name in ("map_peek_elem", "map_pop_elem", "map_push_elem"):
        args = ["q" if a == "m" else a for a in args]
    if name.startswith("copy_from_user"):   # it may sleep: a sleepable uprobe
        probe, params = '@uprobe("libc:getppid", sleepable=True)', ""
        args = ["buf", "0"] + (["current_task()", "0"] if name.endswith("_task") else [])
    elif name.startswith("timer_"):
        probe, params = '@tp_btf("sys_enter")', "regs, nr"
    elif name.startswith("seq_"):        # an @iter probe's output: one over the tasks
        probe, params = '@iter("task")', "task: task_struct"
    elif name == "d_path":               # the path of each open file
        probe, params = '@iter("task_file")', "task: task_struct, fd: u32, file: file"
    elif sock_helper(name):
        probe, params, arg = sock_probe(name)
    elif kind:
        probe, params = next((d, ps) for k, d, ps in OTHER_KINDS if k == kind)
    elif name == "tail_call":
        tp = '@tracepoint("syscalls/sys_enter_acct")'
        probe, params = (tp + "\ndef hm_handler(args) -> None:\n    pass\n\n\n"
                         "pa: ProgArray = ProgArray([hm_handler])\n\n\n" + tp), "args"
    else:
        probe, params = '@tracepoint("syscalls/sys_enter_acct")', "args"
    call = "bpf.%s(%s)" % (name, ", ".join(args))
    body = call if ret == "None" else "x, y = " + call if ret.startswith("tuple[") else "x = " + call
    if name == "perf_event_read_value":   # three results: counter, enabled, running
        body = "x, y, z = " + call
    return template(name, body, probe, params, PERF[name][0] if name in PERF else "")


# The helpers whose map is declared only in their own program (a
# PerfCounters opens a perf event per CPU at load; a UserRingBuf reads the
# loader's standard input), with that map and the arguments
PERF = {
    "perf_event_output": ("pb: PerfBuf[Ev] = PerfBuf()\n\n\n", ["ctx()", "pb", "BPF_F_CURRENT_CPU", "ev"]),
    "perf_event_read": ('pc = PerfCounters("cpu-clock")\n\n\n', ["pc", "BPF_F_CURRENT_CPU"]),
    "perf_event_read_value": ('pc = PerfCounters("cpu-clock")\n\n\n', ["pc", "BPF_F_CURRENT_CPU"]),
    "user_ringbuf_drain": ("urb: UserRingBuf[str[16]] = UserRingBuf(4096)\n\n\n"
                           "def cb5(line: str[16]) -> None:\n    pass\n\n\n", ["urb", "cb5"]),
}


def template(name, body, probe='@tracepoint("syscalls/sys_enter_acct")', params="args", maps=""):
    return ("from pybpf import *\n\nm: Hash[int, int] = Hash(max_entries=4)\n"
            "pm: PerCPUHash[int, int] = PerCPUHash(max_entries=4)\n"
            "q: Queue[u64] = Queue(4)\n\n\nclass Ev(Struct):\n    n: u64\n\n\n"
            "rb: RingBuf[Ev] = RingBuf(size=4096)\n\n\n%s"
            "def cb(i: int) -> None:\n    pass\n\n\n"
            "def cb2(k: int, v: int) -> None:\n    pass\n\n\n"
            "tm: Array[Timer] = Array(1)\n\n\n"
            "def cb3(k: int) -> None:\n    pass\n\n\n"
            "def cb4(task: task_struct, vma: vm_area_struct) -> None:\n    pass\n\n\n"
            "%s\n"
            "def hm_%s(%s) -> None:\n"
            "    if pid() == 1 and ktime_ns() == 0:\n"
            "        buf: str[16] = \"\"\n"
            "        ev = Ev(0)\n"
            "        try:\n"
            "            %s\n"
            "            print(f\"{buf}{ev.n}\")\n"
            "        except OSError:\n"
            "            pass\n") % (maps, probe, name[:20], params, body)


def outcome(pybpf, src):
    with tempfile.TemporaryDirectory(prefix="pybpf-matrix-") as d:
        path = os.path.join(d, "probe.py")
        with open(path, "w") as f:
            f.write(src)
        p = subprocess.run([pybpf, "load", path, "--duration", "0.01"], capture_output=True, text=True, cwd=d,
                           stdin=subprocess.DEVNULL)
    if p.returncode == 0 and "Attached " in p.stderr:   # verified and attached
        return "loads"
    errs = [ln for ln in p.stderr.splitlines() if "error" in ln]
    msg = errs[0] if errs else p.stderr.strip().splitlines()[0]
    msg = re.sub(r"^\S*probe\.py:", "probe.py:", msg)
    return "refused: " + msg


def command_line(doc, name):
    """(the output file, the pybpf to ask) from [-o FILE] [--pybpf PATH];
    name: the committed file's, the default output"""
    out = os.path.join(ROOT, "helpers", name)
    pybpf = os.path.join(ROOT, "pybpf")
    args = sys.argv[1:]
    while args:
        a = args.pop(0)
        if a == "-o" and args:
            out = args.pop(0)
        elif a == "--pybpf" and args:
            pybpf = args.pop(0)
        else:
            sys.exit(doc)
    return out, pybpf


def banner(script, target, what):
    """The generated file's first lines: what it is, on which kernel"""
    return ["# generated by helpers/%s: do not edit (`make %s`)." % (script, target),
            "# Each %s," % what,
            "# called once with well-typed arguments in a generated probe loaded on",
            "# Linux %s: the verifier's verdict." % os.uname().release]


def write_lines(out, lines):
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    out, pybpf = command_line(__doc__, "helper_matrix.txt")
    lines = banner("gen_helper_matrix.py", "helper-matrix", "helper a pybpf probe kind may call, from a @tracepoint\n"
                   "# probe where it may (else a @tp_btf, @iter, @uprobe, @profile or @begin one; the timer helpers:\n"
                   "# @tp_btf, and spin_lock; the ones that sleep: a sleepable @uprobe; the seq_* ones: @iter), and\n"
                   "# what the checker says of the call from the first kind that may not call it")
    n = ok = gen = 0
    for name, params, ret, kind, kinds, line in callable_helpers(pybpf):
        n += 1
        if kind == "":
            made_elsewhere = set(kinds) <= {"@struct_ops"} | PACKET_KINDS
            why = ("which the matrix does not make (a struct_ops program would register an ops struct; a packet "
                   "program returns a verdict: tests/runtime_net.py loads those)" if made_elsewhere
                   else "which do not load here")
            lines.append("%s: not generated: only %s may call it, %s" % (name, ", ".join(kinds), why))
            continue
        src = source(name, params, ret, kind)
        r = outcome(pybpf, src)
        gen += 1
        ok += r == "loads"
        lines.append("%s: %s; %s" % (name, r, refusal(pybpf, name, src, line)))
    lines.append("# %d of %d load; %d not generated" % (ok, gen, n - gen))
    write_lines(out, lines)


if __name__ == "__main__":
    main()
