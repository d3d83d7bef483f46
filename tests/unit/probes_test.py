#!/usr/bin/env python3
"""probes_test.py — `pybpf probes PATTERN` against independent ground truth.

  tracepoints  a walk of TRACEFS/events/CAT/NAME (dirs with an `id` file),
               and `bpftrace -l` (exact output, order included)
  tp_btf etc.  `bpftool btf dump file /sys/kernel/btf/vmlinux`
  kprobe       /proc/kallsyms text symbols (available_filter_functions when
               readable)
  uprobe       `readelf --syms -W` of the binary (.symtab and .dynsym)
  usdt         `readelf -nW` of the binary (its .note.stapsdt notes)
  errors       exact messages, the nearest names computed here

Run from anywhere as root: python3 tests/unit/probes_test.py
Prints "probes: N passed, M failed"; exits 1 on failure.
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys

from tally import Tally

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYBPF = os.path.join(ROOT, "pybpf")
TRACEFS = "/sys/kernel/tracing" if os.path.isdir("/sys/kernel/tracing/events") else "/sys/kernel/debug/tracing"

TALLY = Tally()
check = TALLY.report


def run(pattern=None, user=None):
    cmd = [PYBPF, "probes"] + ([pattern] if pattern is not None else [])
    if user:
        cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def show_diff(want, got):
    w, g = set(want), set(got)
    out = []
    if len(want) != len(got):
        out.append("  expected %d lines, got %d" % (len(want), len(got)))
    for x in sorted(w - g)[:10]:
        out.append("  missing: " + x)
    for x in sorted(g - w)[:10]:
        out.append("  extra:   " + x)
    if not out:
        first = [i for i, (a, b) in enumerate(zip(want, got)) if a != b]
        out.append("  same set, different order (first difference at line %d)" % first[0] if first
                   else "  (empty)")
    return "\n".join(out)


def expect_list(pattern, want):
    """pybpf probes PATTERN prints exactly `want` (already in the expected order)."""
    rc, out, err = run(pattern)
    got = out.splitlines()
    check("probes %r" % pattern, rc == 0 and got == want and want,
          "  rc=%d stderr=%r\n%s" % (rc, err, show_diff(want, got)) if got != want or rc
          else "  nothing expected (bad ground truth)")


def expect_error(pattern, text, user=None):
    rc, out, err = run(pattern, user)
    check("error %r" % pattern, rc == 1 and out == "" and err == text,
          "  rc=%d\n  stdout=%r\n  expected stderr %r\n  got stderr      %r" % (rc, out[:200], text, err))


# ---- ground truth ------------------------------------------------------------

def tracefs_events():
    """cat/name for each TRACEFS/events/CAT/NAME dir with an `id` file. The
    ftrace/ category holds ftrace's internal event formats (function, print,
    ...): some have an id, none is an enable-able tracepoint BPF can attach
    to, and neither available_events nor bpftrace lists them."""
    ev = os.path.join(TRACEFS, "events")
    res = []
    for cat in os.listdir(ev):
        cp = os.path.join(ev, cat)
        if cat == "ftrace" or not os.path.isdir(cp):
            continue
        for name in os.listdir(cp):
            if os.path.exists(os.path.join(cp, name, "id")):
                res.append(cat + "/" + name)
    return sorted(res)


def tp_expected(pattern):
    """pattern: "cat/name" glob (or "cat:name"; a bare name = any category)."""
    if "/" not in pattern:
        pattern = pattern.replace(":", "/", 1) if ":" in pattern else "*/" + pattern
    return sorted("tracepoint:" + t.replace("/", ":") for t in TPS if fnmatch.fnmatchcase(t, pattern))


BTF = None


def btf():
    """id -> (kind, name, [(member, type_id)]) from bpftool's text dump."""
    global BTF
    if BTF is None:
        txt = subprocess.run(["bpftool", "btf", "dump", "file", "/sys/kernel/btf/vmlinux"],
                             capture_output=True, text=True, check=True).stdout
        BTF = {}
        cur = None
        for line in txt.splitlines():
            m = re.match(r"\[(\d+)\] (\w+) '([^']*)'", line)
            if m:
                cur = BTF[int(m.group(1))] = (m.group(2), m.group(3), [])
                continue
            m = re.match(r"\t'([^']*)' type_id=(\d+)", line)
            if m and cur:
                cur[2].append((m.group(1), int(m.group(2))))
    return BTF


def btf_names(kind, prefix=""):
    return sorted({n[len(prefix):] for k, n, _ in btf().values() if k == kind and n.startswith(prefix) and n != prefix})


def struct_ops_expected():
    """X such that BTF has struct bpf_struct_ops_X whose `data` member is struct X
    (the kernel's struct_ops value types; bpf_struct_ops_map, _link ... are not)."""
    res = []
    for k, n, mem in btf().values():
        if k == "STRUCT" and n.startswith("bpf_struct_ops_") and mem and mem[-1][0] == "data":
            x = n[len("bpf_struct_ops_"):]
            t = btf().get(mem[-1][1])
            if t and t[0] == "STRUCT" and t[1] == x:
                res.append(x)
    return sorted(set(res))


LSM_HELPERS = {"find_cgroup_shim", "func_proto", "get_retval_range", "has_d_inode_locked",
               "hook_returns_errno", "is_sleepable_hook", "is_trusted", "verify_prog"}


def kernel_funcs():
    try:
        with open(os.path.join(TRACEFS, "available_filter_functions")) as f:
            return sorted({l.split()[0] for l in f if l.strip()})
    except OSError:
        names = set()
        with open("/proc/kallsyms") as f:
            for l in f:
                p = l.split()
                if len(p) >= 3 and p[1] in ("t", "T") and not p[2].startswith(("__pfx_", "__cfi_")):
                    names.add(p[2])
        return sorted(names)


def elf_funcs(path):
    out = subprocess.run(["readelf", "--syms", "-W", path], capture_output=True, text=True, check=True).stdout
    names = set()
    for l in out.splitlines():
        p = l.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(p) >= 8 and p[0].endswith(":") and p[3] == "FUNC" and p[6] != "UND":
            names.add(p[7].split("@")[0])
    return sorted(names)


def usdt_notes(path):
    """[(provider:name, argspec)] from readelf -nW's stapsdt descriptors."""
    out, prov, name = [], None, None
    for line in subprocess.run(["readelf", "-nW", path], capture_output=True, text=True).stdout.splitlines():
        m = re.search(r"Provider: (\S+)", line)
        if m:
            prov = m.group(1)
        m = re.match(r"\s+Name: (\S+)", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s+Arguments:\s*(.*)", line)
        if m and prov and name:
            out.append(("%s:%s" % (prov, name), m.group(1).strip()))
            prov = name = None
    return out


def lev(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j - 1] + (ca != cb), prev[j] + 1, cur[j - 1] + 1))
        prev = cur
    return prev[-1]


def nearest(query, cands, key=lambda c: c, n=3):
    q = re.sub(r"[*?\[\]]", "", query)
    return [c for _, c in sorted((lev(q, key(c)), c) for c in set(cands))[:n]]


def fmt_near(names):
    return ", ".join("'%s'" % x for x in names)


# ---- tests ---------------------------------------------------------------------

def main():
    global TPS
    if not os.access(PYBPF, os.X_OK):
        print("probes: build ./pybpf first (make)")
        return 1
    if os.geteuid() != 0:
        print("probes: needs root (tracefs)")
        return 1
    run("tracepoint:sched:sched_switch")   # let pybpf mount tracefs if needed
    TPS = tracefs_events()

    # tracepoints: against the tracefs walk
    for pat in ["tracepoint:*", "tracepoint:sched:*", "tracepoint:syscalls:sys_enter_open*",
                "tracepoint:sched/sched_sw*", "sched:sched_sw*", "sched_sw*", "tracepoint:sched_sw*",
                "tracepoint:sched:sched_[sw]*", "tracepoint:s*:*_exit", "t:irq:softirq_?ntry",
                "tracepoint:sched:sched_switch"]:
        rest = pat.split(":", 1)[1] if pat.split(":", 1)[0] in ("tracepoint", "t") else pat
        expect_list(pat, tp_expected(rest))

    # tracepoints: the very same output as bpftrace -l
    if shutil.which("bpftrace"):
        for pat in ["tracepoint:*", "tracepoint:sched:*", "tracepoint:syscalls:sys_enter_open*",
                    "tracepoint:sched_sw*", "tracepoint:*:*wakeup*", "tracepoint:irq:*"]:
            bt = subprocess.run(["bpftrace", "-l", pat], capture_output=True, text=True).stdout.splitlines()
            rc, out, err = run(pat)
            check("same as bpftrace -l %r" % pat, rc == 0 and out.splitlines() == bt and bt,
                  show_diff(bt, out.splitlines()))
    else:
        print("note: bpftrace not installed; skipped the comparison with bpftrace -l")

    # BTF kinds
    tpb = btf_names("TYPEDEF", "btf_trace_")
    expect_list("tp_btf:sched_*", ["tp_btf:" + x for x in tpb if fnmatch.fnmatchcase(x, "sched_*")])
    expect_list("raw_tp:*", ["raw_tp:" + x for x in tpb])
    expect_list("rawtracepoint:block_rq_*", ["raw_tp:" + x for x in tpb if fnmatch.fnmatchcase(x, "block_rq_*")])
    funcs = btf_names("FUNC")
    expect_list("fentry:vfs_*", ["fentry:" + x for x in funcs if x.startswith("vfs_")])
    expect_list("fexit:tcp_v4_[cr]*", ["fexit:" + x for x in funcs if fnmatch.fnmatchcase(x, "tcp_v4_[cr]*")])
    expect_list("kfunc:do_sys_open*", ["fentry:" + x for x in funcs if x.startswith("do_sys_open")])
    lsm = [x for x in btf_names("FUNC", "bpf_lsm_") if x not in LSM_HELPERS]
    expect_list("lsm:*", ["lsm:" + x for x in lsm])
    rc, out, _ = run("lsm:*")
    check("lsm hooks include file_open/bpf, exclude verify_prog",
          "lsm:file_open" in out.split() and "lsm:bpf" in out.split() and "lsm:verify_prog" not in out.split())
    sops = struct_ops_expected()
    expect_list("struct_ops:*", ["struct_ops:" + x for x in sops])
    check("struct_ops has tcp_congestion_ops", "tcp_congestion_ops" in sops, repr(sops))

    # kprobes
    kf = kernel_funcs()
    expect_list("kprobe:vfs_rea*", ["kprobe:" + x for x in kf if x.startswith("vfs_rea")])
    expect_list("kretprobe:tcp_sendm*", ["kretprobe:" + x for x in kf if x.startswith("tcp_sendm")])

    # uprobes
    bash = "/bin/bash"
    expect_list("uprobe:/bin/bash:read*", ["uprobe:%s:%s" % (bash, x) for x in elf_funcs(bash) if x.startswith("read")])
    libc = "/lib/x86_64-linux-gnu/libc.so.6"
    if os.path.exists(libc):
        lf = elf_funcs(libc)
        for spec in ["libc", "libc.so.6", libc]:
            expect_list("uprobe:%s:malloc*" % spec, ["uprobe:%s:%s" % (libc, x) for x in lf if x.startswith("malloc")])
        expect_list("uretprobe:libc:[gs]etp*id", ["uretprobe:%s:%s" % (libc, x) for x in lf
                                               if fnmatch.fnmatchcase(x, "[gs]etp*id")])

    # usdt: Debian's python3.11 carries stapsdt notes
    py = "/usr/bin/python3.11"
    if os.path.exists(py):
        notes = usdt_notes(py)
        check("usdt: readelf finds python3.11's notes", len(set(notes)) >= 8, "notes: %r" % notes)
        line = lambda n, a: ("usdt:%s:%s  %s" % (py, n, a)) if a else "usdt:%s:%s" % (py, n)
        expect_list("usdt:%s:*" % py, sorted(set(line(n, a) for n, a in notes)))
        expect_list("usdt:%s:python:function__*" % py,
                    sorted(set(line(n, a) for n, a in notes if n.startswith("python:function__"))))
        q = "python:function_entry"
        expect_error("usdt:%s:%s" % (py, q), "pybpf: no probes match 'usdt:%s:%s'; nearest: %s\n" % (
            py, q, fmt_near(["usdt:%s:%s" % (py, x) for x in nearest(q, [n for n, _ in notes])])))

    # everything
    rc, out, err = run()
    lines = out.splitlines()
    check("probes (no pattern): sorted, every kind, rc 0",
          rc == 0 and lines == sorted(lines) and
          all(x in lines for x in ["tracepoint:sched:sched_switch", "tp_btf:sched_switch", "fentry:vfs_read",
                                    "kprobe:vfs_read", "lsm:file_open", "struct_ops:tcp_congestion_ops"]) and
          len([x for x in lines if x.startswith("tracepoint:")]) == len(TPS),
          "  rc=%d lines=%d stderr=%r" % (rc, len(lines), err[:300]))

    # no match: exact message with the nearest names
    sched = [t for t in TPS if t.startswith("sched/")]
    near = nearest("sched/sched_swich", sched)
    expect_error("tracepoint:sched:sched_swich",
                 "pybpf: no probes match 'tracepoint:sched:sched_swich'; nearest: %s\n"
                 % fmt_near("tracepoint:" + x.replace("/", ":") for x in near))
    near = nearest("sched_swich*", TPS, key=lambda c: c.split("/", 1)[1])
    expect_error("sched_swich*", "pybpf: no probes match 'sched_swich*'; nearest: %s\n"
                 % fmt_near("tracepoint:" + x.replace("/", ":") for x in near))
    near = nearest("sched_wakeup_nwe", tpb)
    expect_error("tp_btf:sched_wakeup_nwe", "pybpf: no probes match 'tp_btf:sched_wakeup_nwe'; nearest: %s\n"
                 % fmt_near("tp_btf:" + x for x in near))
    near = nearest("tcp_congestion_op", sops)
    expect_error("struct_ops:tcp_congestion_op", "pybpf: no probes match 'struct_ops:tcp_congestion_op'; "
                 "nearest: %s\n" % fmt_near("struct_ops:" + x for x in near))

    # bad patterns
    expect_error("kprob:vfs_read", "pybpf: no probes match 'kprob:vfs_read': 'kprob' is neither a probe kind "
                 "nor a tracepoint category; did you mean 'kprobe:vfs_read'?\n")
    expect_error("foo:bar:baz", "pybpf: error: bad probe pattern 'foo:bar:baz': unknown probe kind 'foo' "
                 "(kinds: tracepoint, tp_btf, raw_tp, fentry, fexit, kprobe, kretprobe, lsm, struct_ops, "
                 "uprobe, uretprobe)\n")
    expect_error("fentry:", "pybpf: error: bad probe pattern 'fentry:': expected a name or glob after 'fentry:'\n")
    expect_error("fentry:a:b", "pybpf: error: bad probe pattern 'fentry:a:b': a fentry name has no ':' or '/'\n")
    expect_error("tracepoint:a:b:c", "pybpf: error: bad probe pattern 'tracepoint:a:b:c': expected "
                 "tracepoint:CATEGORY:NAME\n")
    expect_error("uprobe:/nonexistent/bin:foo",
                 "pybpf: error: cannot open /nonexistent/bin: No such file or directory\n")
    expect_error("uprobe:/etc/passwd:foo", "pybpf: error: /etc/passwd is not an ELF file\n")
    expect_error("uprobe:libnosuchlib:foo", "pybpf: error: cannot find binary or library 'libnosuchlib' (looked in "
                 "/lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu, /lib64, /usr/lib and $PATH)\n")

    # without root: tracefs is root-only, BTF and ELF files are not
    if shutil.which("setpriv"):
        st = os.stat(TRACEFS)
        if not st.st_mode & 0o005:
            expect_error("tracepoint:sched:*", "pybpf: error: cannot read the tracepoints in %s: Permission denied "
                         "(tracefs is readable by root only; try sudo)\n" % TRACEFS, user=65534)
        rc, out, err = run("tp_btf:sched_switch", user=65534)
        check("non-root tp_btf", rc == 0 and out == "tp_btf:sched_switch\n", "rc=%d %r %r" % (rc, out, err))

    return TALLY.summary("probes")


if __name__ == "__main__":
    sys.exit(main())
