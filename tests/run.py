#!/usr/bin/env python3
"""pybpf's test runner: every tier, one summary line at the end.

    python3 tests/run.py [-k SUBSTRING] [-v]

Tiers:
  frontend  tokens / AST / syntax-error goldens (build/pyc-frontend)
  errors    checker error goldens: tests/errors/X.py -> X.err (pybpf check)
  unit      Python format-spec results against CPython (build/format-test),
            the shim's packet probes (tests/unit/shim_packet.py), ...
  runtime   real loads and attaches on this kernel (tests/runtime.py)
  tools     examples/tools/ on generated workloads, against bpftrace (tests/tools.py)
  qemu      the companion kfunc module, fentry/kprobe/lsm and CO-RE in a
            QEMU guest running Debian's kernel (tests/qemu/run.py); CPU
            schedulers in Python (sched_ext) in a guest kernel built for
            them (tests/qemu/sched.py, qemu/sched/...)
  difftest  random programs and a corpus, kernel vs CPython
            (tests/difftest/run.py; $DIFFTEST_CASES generated cases, 10,000)

The last line is 'N passed, N failed' (', N skipped' when any were).
"""
import os
import subprocess
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

results = {"passed": 0, "failed": 0, "skipped": 0}
failures = []
VERBOSE = "-v" in sys.argv
FILTER = sys.argv[sys.argv.index("-k") + 1] if "-k" in sys.argv else None


def report(name, ok, detail=""):
    if ok is None:
        results["skipped"] += 1
        print(f"SKIP {name}: {detail}")
        return
    results["passed" if ok else "failed"] += 1
    if not ok:
        failures.append(name)
        print(f"FAIL {name}\n{detail}")
    elif VERBOSE:
        print(f"ok   {name}")


def wanted(name):
    return FILTER is None or FILTER in name


def diff(expected, got):
    import difflib
    return "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                        "expected", "got"))


def golden_dir(sub, mode, ext, stream, want_rc, cmd_fn):
    d = os.path.join(ROOT, "tests", sub)
    if not os.path.isdir(d):
        return
    for f in sorted(os.listdir(d)):
        if not f.endswith(".py"):
            continue
        name = f"{sub}/{f}"
        if not wanted(name):
            continue
        rel = os.path.join("tests", sub, f)
        gold = os.path.join(d, f[:-3] + ext)
        if not os.path.exists(gold):
            report(name, False, f"missing golden {gold}")
            continue
        p = subprocess.run(cmd_fn(rel), cwd=ROOT, capture_output=True, text=True, timeout=30)
        got = p.stdout if stream == "stdout" else p.stderr
        exp = open(gold).read()
        ok = got == exp and (p.returncode == want_rc)
        detail = ""
        if not ok:
            detail = f"exit status {p.returncode} (want {want_rc})\n" + diff(exp, got)
            if stream == "stdout" and p.stderr:
                detail += "stderr:\n" + p.stderr
        report(name, ok, detail)


def tier_frontend():
    fe = os.path.join(ROOT, "build", "pyc-frontend")
    golden_dir("frontend/tokens", "tokens", ".tokens", "stdout", 0, lambda f: [fe, "tokens", f])
    golden_dir("frontend/ast", "ast", ".ast", "stdout", 0, lambda f: [fe, "ast", f])
    golden_dir("frontend/errors", "ast", ".err", "stderr", 1, lambda f: [fe, "ast", f])


def extra_args(f):
    """A test file's first line may say '# pybpf-args: --btf build/fake_btf.o'."""
    first = open(os.path.join(ROOT, f)).readline()
    if first.startswith("# pybpf-args:"):
        return first.split(":", 1)[1].split()
    return []


def tier_errors():
    pybpf = os.path.join(ROOT, "pybpf")
    golden_dir("errors", "check", ".err", "stderr", 1, lambda f: [pybpf, "check", *extra_args(f), f])


# Unit suites: each prints its own "name: N passed, M failed" and exits 1 on a failure.
UNIT = [
    ("unit/format", [sys.executable, "tests/unit/format_cases.py"]),
    ("unit/output", [sys.executable, "tests/unit/output_cases.py"]),
    ("unit/btf", ["build/btf-test", "tests/unit"]),
    ("unit/probes", [sys.executable, "tests/unit/probes_test.py"]),
    ("unit/symbols", [sys.executable, "tests/unit/symbols_cases.py"]),
    ("unit/helpers-stale", [sys.executable, "tests/unit/helpers_stale.py"]),
    ("unit/helper-progs-stale", [sys.executable, "tests/unit/helper_progs_stale.py"]),
    ("unit/kfunc-progs-stale", [sys.executable, "tests/unit/kfunc_progs_stale.py"]),
    ("unit/coverage-doc-stale", [sys.executable, "tests/unit/coverage_doc_stale.py"]),
    ("unit/syscall-names-stale", [sys.executable, "tests/unit/syscall_names_stale.py"]),
    ("unit/typing", [sys.executable, "tests/unit/typing_check.py"]),
    ("unit/shim_packet", [sys.executable, "tests/unit/shim_packet.py"]),
    ("unit/packets_wire", [sys.executable, "tests/unit/packets_wire.py"]),
    ("unit/frontend-asan", [sys.executable, "tests/fuzz/regress_check.py"]),
]


def tier_unit():
    for name, cmd in UNIT:
        if not wanted(name):
            continue
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
        last = (p.stdout.strip().splitlines() or [""])[-1]
        if VERBOSE:
            print(f"     {name}: {last}")
        report(name, p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:])


def tier_runtime():
    import runtime
    for name, fn in runtime.TESTS:
        full = f"runtime/{name}"
        if not wanted(full):
            continue
        try:
            fn()
            report(full, True)
        except runtime.Skip as e:
            report(full, None, str(e))
        except Exception:
            report(full, False, traceback.format_exc())


def tier_tools():
    """examples/tools/ (execsnoop, opensnoop, ...) on generated workloads,
    checked against bpftrace's tools where Debian ships them (tests/tools.py)."""
    import tools
    for name, fn in tools.TESTS:
        full = f"tools/{name}"
        if not wanted(full):
            continue
        try:
            fn()
            report(full, True)
        except tools.Skip as e:
            report(full, None, str(e))
        except Exception:
            report(full, False, traceback.format_exc())


def tier_qemu():
    """The QEMU tier: the kfunc module, fentry/kprobe/lsm and CO-RE portability
    in Debian's kernel (tests/qemu/run.py); its results count here."""
    if FILTER is not None and not FILTER.startswith("qemu"):
        return
    import importlib.util
    # run.py: Debian's kernel and the module; sched.py: the sched_ext guest kernel (issue 17)
    for f in ("run.py", "sched.py"):
        if f == "run.py" and FILTER is not None and FILTER.startswith("qemu/sched"):
            continue
        spec = importlib.util.spec_from_file_location("qemu_" + f[:-3], os.path.join(ROOT, "tests", "qemu", f))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.tier(report, wanted)


def tier_difftest():
    """Differential tests (tests/difftest/run.py): $DIFFTEST_CASES (default
    10,000) generated cases in programs of 50, and the fixed corpus, each
    program run in the kernel and in CPython; one result per program. A
    mismatch's output ends with the smallest program that shows it."""
    if FILTER is not None and not FILTER.startswith("difftest"):
        return
    env = dict(os.environ, DIFFTEST_VERBOSE="1")
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "difftest", "run.py")],
                       capture_output=True, text=True, env=env)
    lines = p.stdout.splitlines()
    tail = p.stdout[p.stdout.find("=" * 78):] if "=" * 78 in p.stdout else ""
    counted = 0
    for ln in lines:
        if ln.startswith("ok "):
            what = ln[3:].rsplit(" in ", 1)[0]
            report(f"difftest/{what}", True)
            counted += 1
        elif ln.startswith("MISMATCH "):
            report(f"difftest/{ln[9:].split(':')[0]}", False, ln + "\n" + tail[-6000:])
            counted += 1
    last = lines[-1] if lines else ""
    print(f"     {last}")
    if p.returncode not in (0, 1) or not last.startswith("difftest: ") or counted == 0:
        report("difftest/run", False, p.stdout[-3000:] + p.stderr[-3000:])


def main():
    for tier in (tier_frontend, tier_errors, tier_unit, tier_runtime, tier_tools, tier_qemu, tier_difftest):
        tier()
    if failures:
        print("\nfailed: " + " ".join(failures))
    line = f"{results['passed']} passed, {results['failed']} failed"
    if results["skipped"]:
        line += f", {results['skipped']} skipped"
    print(line)
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
