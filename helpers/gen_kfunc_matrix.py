#!/usr/bin/env python3
"""The kfunc test matrix (issue 13): for every kfunc `pybpf api` lists as
callable from a @tracepoint probe, a small generated probe calls it with
well-typed arguments and `pybpf load` compiles, loads (the verifier checks
the call) and attaches it to sys_enter_acct, behind a test that is never
true (pid() == 1 and ktime_ns() == 0), so it never runs. A kfunc that may
sleep (KF_SLEEPABLE: callable from a sleepable @uprobe but not from a
@tracepoint) is called the same way in @uprobe("libc:getppid",
sleepable=True). A memory argument (X with its X__sz) is a str[16] local. Kernel-pointer
arguments come from what the verifier trusts: current_task() for a task,
a with block's reference for a cgroup (bpf_cgroup_from_id) or a
bpf_cpumask (bpf_cpumask_create); an acquiring kfunc is called as a with
block, an iterator as a for loop, bpf_iter_num (which range() runs on)
as `for i in range(3):`; the work queue kfuncs, which no @tracepoint probe
may call, from a @begin probe on an Array[Wq]; bpf_res_spin_lock and its
_irqsave, which no @tracepoint probe may use either, as with blocks from a
@begin probe on an Array of a Struct with a ResSpinLock field. A kfunc whose arguments a generated
probe cannot make is listed as "not generated" with the reason. The
outcomes go into helpers/kfunc_matrix.txt (generated, do not edit: `make
kfunc-matrix`); tests/runtime_kfuncs.py's kfunc_matrix_up_to_date
regenerates and compares.

Usage: helpers/gen_kfunc_matrix.py [-o FILE] [--pybpf PATH]   (needs root)
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_helper_matrix import banner, command_line, outcome, refusal, write_lines  # noqa: E402  (one way to load and write)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# a trusted pointer of each struct: (the with block that holds it, or None; the value)
PROVIDERS = {
    "task_struct": (None, "current_task()"),
    "cgroup": ("with bpf_cgroup_from_id(1) as cg:", "cg"),
    "bpf_cpumask": ("with bpf_cpumask_create() as bm:", "bm"),
    "cpumask": ("with bpf_cpumask_create() as bm:", "bm"),   # a bpf_cpumask is a cpumask (its first member)
    "bpf_dynptr": ('d = bpf.dynptr_from_mem(b"abcdefgh", 0)', "d"),   # a statement, not a with block
    "str | bytes (local; its size passed by pybpf)": ('mem: str[16] = ""', "mem"),   # X, X__sz: a local
}
SLEEPABLE = "@uprobe(sleepable=True)"



def asked_types():
    """{kfunc: the program types the verifier let call it} from helpers/kfunc_progs_gen.c"""
    text = open(os.path.join(ROOT, "helpers", "kfunc_progs_gen.c")).read()
    order = re.findall(r'^\t"([\w.:]+)",$', text.split("pyb_kfunc_probed_prog_types")[1].split("};")[0], re.M)
    return {n: {order[int(b)] for b in re.findall(r"1u << (\d+)", bits)}
            for n, bits in re.findall(r'^\t\{ "(\w+)", ([^}]*)\},$', text, re.M)}


PACKET = {"xdp", "sched_cls", "cgroup_skb", "socket_filter", "cgroup_sock_addr", "sock_ops"}
PACKET_KINDS = {"@xdp", "@tc", "@cgroup_skb", "@socket_filter", "@cgroup_sock_addr"}


def not_generated(name, asked):
    """Why no probe of a kind that loads here can call kfunc name"""
    types = asked_types().get(name, set())
    if not asked.startswith("no probe kind") and set(asked.split(", ")) <= PACKET_KINDS:
        return ("only %s may call it, whose programs the matrix does not make (a packet program returns a verdict: "
                "tests/runtime_net.py loads those)" % asked)
    if not asked.startswith("no probe kind"):
        return "only %s may call it" % asked
    if types == {"struct_ops:tcp_congestion_ops"}:
        return ("only a tcp_congestion_ops struct_ops program may call it (the kernel was asked), whose program here "
                "would register a TCP congestion control")
    if types and types <= PACKET:
        return "only the packet path's programs (%s) may call it, which pybpf has no probe kind for yet" % \
            ", ".join(sorted(types))
    return ("no program type the kernel was asked about may call it: @fentry, @fexit and @lsm may, which do not "
            "load here (the QEMU tier runs some)")


def callable_kfuncs(pybpf):
    """(name, params, how, sleepable) of each kfunc callable from
    @tracepoint, or (sleepable) from a sleepable @uprobe; how: "call",
    "stmt" (it returns None), "with" (it acquires), "for" (an iterator's
    _new), "make" (it makes a Dynptr: c = bpf_dynptr_clone(d)), "range"
    (bpf_iter_num_new, reached through range()) or "wq" (a work queue's)"""
    out = subprocess.run([pybpf, "api"], capture_output=True, text=True, check=True).stdout
    for m in re.finditer(r"^(?!bpf\.)(\w+)\((.*)\) -> (.*)\n(?:    (acquires|iterator|region|releases|makes): (.*)\n)?    probes: (.*)\n"
                         r"(    reached: .*\n)?", out, re.M):
        name, params, ret, how, note, probes, reached = m.groups()
        if name.startswith("bpf_wq_"):
            yield name, [], "wq", False   # a work queue's: from a @begin probe (WQ_CALLS)
            continue
        if name.startswith("bpf_res_spin_lock"):
            yield name, [], "lock", False   # a resilient spin lock's with block: from a @begin probe (lock_source)
            continue
        if name.startswith("bpf_task_work_schedule_"):
            yield name, [], "tw", False   # from a sleepable @uprobe (tw_source)
            continue
        if name in CAST_CALLS:
            yield name, [], "cast", False   # its second argument is a kernel struct's name
            continue
        sleepable = probes.startswith(SLEEPABLE)
        if re.match(r"bpf_iter_\w+_(next|destroy)$", name):
            continue   # an iterator's _next and _destroy: its for loop calls them
        asked = probes.split(" (", 1)[0]
        if not (re.match(r"@tracepoint\b", probes) or sleepable):
            if how == "releases" or (how == "region" and note.startswith("the end of")):
                continue
            if re.search(r"(^|, )@begin\b", asked):
                sleepable = "begin"   # a syscall program's: from a @begin probe
            else:
                yield name, [], "none", not_generated(name, asked)
                continue
        if reached and "range(" in reached:
            yield name, [], "range", False   # bpf_iter_num: range() runs on it
            continue
        if how == "releases" or (how == "region" and note.startswith("the end of")):
            continue   # a release or a region's closer: its with block calls it
        if ret == "None" and how is None:
            how = "stmt"
        if how == "iterator":
            name, how = re.search(r"for x in (\w+)\(", m.group(0)).group(1), "for"
        plist = [tuple(p.split(": ", 1)) for p in params.split(", ")] if params else []
        if how == "for":
            plist = plist[1:]   # the iterator struct is pybpf's
        yield name, plist, {"acquires": "with", "for": "for", "stmt": "stmt", "region": "region",
                             "makes": "make"}.get(how, "call"), sleepable


def arguments(params):
    """The argument texts and the with blocks they need, or a reason"""
    args, blocks = [], []
    for name, t in params:
        if t.startswith("int"):   # also bpf_iter_bits' words, "int | bytes[8*K]"
            args.append("0")
        elif t == "const char *":
            args.append('"ab"')
        elif t == "str (a literal)":   # __str: a constant string
            args.append('"user.pybpf"')
        elif t == "const void *":   # an address read fault-safely
            args.append("0")
        elif name.endswith("__nullable"):
            args.append("None")
        elif t in PROVIDERS:
            block, value = PROVIDERS[t]
            if block and block not in blocks:
                blocks.append(block)
            args.append(value)
        else:
            return None, f"no trusted struct {t} to pass in a generated probe"
    return args, blocks


# The work queue kfuncs, which no @tracepoint probe may call (the kernel
# refuses a map holding a bpf_wq there, and a callback is set only from a
# sleepable program): each from a @begin probe, on an Array[Wq]
WQ_CALLS = {"bpf_wq_init": "bpf_wq_init(wqs[0], 0)", "bpf_wq_start": "bpf_wq_start(wqs[0], 0)",
            "bpf_wq_set_callback_impl": "bpf_wq_set_callback(wqs[0], work, 0)"}


def wq_source(name):
    return ("from pybpf import *\n\nwqs: Array[Wq] = Array(1)\n\n\ndef work(key: int) -> None:\n    pass\n\n\n"
            "@begin\ndef km_%s() -> None:\n    if pid() == 1 and ktime_ns() == 0:\n        %s\n") % (name[4:20], WQ_CALLS[name])


# The cast kfuncs (pyc/check_kcast.c), whose arguments are not values of
# their BTF parameter types: each with a field read through its result;
# bpf_cast_to_kern_ctx from a @uprobe probe on libc's acct() (a BPF kprobe
# program, whose kernel context is a struct pt_regs; this kernel has no
# kprobes), as a @tracepoint probe's is no struct
CAST_CALLS = {"bpf_rdonly_cast": "x = bpf_rdonly_cast(current_task(), task_struct).pid",
              "bpf_cast_to_kern_ctx": "x = bpf_cast_to_kern_ctx(ctx()).ip"}


def uprobe_source(name):
    return ("from pybpf import *\n\n\n@uprobe(\"libc:acct\")\ndef km_%s() -> None:\n"
            "    if pid() == 1 and ktime_ns() == 0:\n        %s\n") % (name[4:20], CAST_CALLS[name])


# The task work kfuncs, which only a sleepable program may call: from a
# sleepable @uprobe on libc's acct(), on an Array[TaskWork]
def tw_source(name):
    return ("from pybpf import *\n\nworks: Array[TaskWork] = Array(1)\n\n\ndef work(key: int) -> None:\n    pass\n\n\n"
            "@uprobe(\"libc:acct\", sleepable=True)\ndef km_%s() -> None:\n    if pid() == 1 and ktime_ns() == 0:\n"
            "        %s(current_task(), works[0], work)\n") % (name[4:20], name[:-5])
# The resilient spin locks (bpf_res_spin_lock, _irqsave), which no
# @tracepoint probe may use (the kernel refuses a map whose values hold one
# there): each as a with block from a @begin probe, on an Array of a Struct
# with a ResSpinLock field; its end calls the unlock
def lock_source(name):
    return ("from pybpf import *\n\n\nclass Lk(Struct):\n    lock: ResSpinLock\n    n: u64\n\n\n"
            "lk: Array[Lk] = Array(1)\n\n\n@begin\ndef km_%s() -> None:\n    if pid() == 1 and ktime_ns() == 0:\n"
            "        try:\n            with %s(lk, 0) as a:\n                a.n += 1\n"
            "        except OSError:\n            pass\n") % (name[4:20], name)


def source(name, params, how, sleepable):
    if how == "none":
        return None, sleepable   # the reason it is not generated
    if how == "wq":
        return wq_source(name), None
    if how == "lock":
        return lock_source(name), None
    if how == "tw":
        return tw_source(name), None
    if name == "bpf_cast_to_kern_ctx":
        return uprobe_source(name), None
    args, blocks = ([], []) if how == "cast" else arguments(params)
    if args is None:
        return None, blocks
    call = "%s(%s)" % (name, ", ".join(args))
    body = {"call": "x = " + call, "stmt": call, "with": f"with {call} as r:\n    pass",
            "for": f"for it in {call}:\n    pass", "region": f"with {call}:\n    pass", "make": "c = " + call,
            "range": "for i in range(3):\n    pass", "cast": CAST_CALLS.get(name)}[how]
    lines, indent = [], "        "
    for b in blocks:   # each with block's value must be tested before use
        if not b.startswith("with "):
            lines.append(indent + b)
            continue
        var = b.split(" as ")[1].rstrip(":")
        lines += [indent + b, indent + f"    if {var} is not None:"]
        indent += "        "
    lines += [indent + ln for ln in body.split("\n")]
    probe = ('@begin\ndef km_%s() -> None:' if sleepable == "begin" else
             '@uprobe("libc:getppid", sleepable=True)\ndef km_%s() -> None:' if sleepable else
             '@tracepoint("syscalls/sys_enter_acct")\ndef km_%s(args) -> None:') % name[4:20]
    return ("from pybpf import *\n\n\n%s\n    if pid() == 1 and ktime_ns() == 0:\n%s\n") % (probe, "\n".join(lines)), None


def main():
    out, pybpf = command_line(__doc__, "kfunc_matrix.txt")
    lines = banner("gen_kfunc_matrix.py", "kfunc-matrix", "kfunc pybpf can call from a @tracepoint probe "
                   "(one that may sleep: from a sleepable @uprobe; a work queue's and a resilient\n# spin lock's "
                   "from @begin; bpf_cast_to_kern_ctx and task work from @uprobe), and what the\n# checker says of "
                   "the call from the first kind that may not call it")
    n = ok = gen = 0
    probes = dict(re.findall(r"^(?!bpf\.)(\w+)\(.*\n(?:    \w+: .*\n)?    probes: (.*)\n",
                             subprocess.run([pybpf, "api"], capture_output=True, text=True, check=True).stdout, re.M))
    for name, params, how, sleepable in callable_kfuncs(pybpf):
        src, why = source(name, params, how, sleepable)
        n += 1
        if src is None:
            lines.append("%s: not generated: %s" % (name, why))
            continue
        gen += 1
        r = outcome(pybpf, src)
        ok += r == "loads"
        line = probes.get(name) or probes.get(name + "_new", "")   # an iterator's: its _new's
        lines.append("%s: %s; %s" % (name, r, refusal(pybpf, name, src, line, "km_")))
    lines.append("# %d of %d load; %d not generated" % (ok, gen, n - gen))
    write_lines(out, lines)


if __name__ == "__main__":
    main()
