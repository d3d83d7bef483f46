#!/usr/bin/env python3
"""Differential testing: random pybpf programs in the kernel and in CPython.

    python3 tests/difftest/run.py [--cases N] [--seed S] [--jobs J]
                                  [--per-file C] [--corpus-only] [--no-corpus]
                                  [--keep DIR] [FILE.py ...]

Generates programs with tests/difftest/gen.py (N cases in all, default
$DIFFTEST_CASES or 10000; seed $DIFFTEST_SEED or 1), plus the fixed corpus
tests/difftest/corpus/*.py, and runs each one

  - in the kernel: `pybpf load FILE -D PID=<pid>`, wait for "Attached", one
    getppid() call, SIGINT; stdout (prints, then maps and globals at exit)
    and the uncaught-exception report lines of stderr;
  - in CPython under pybpf's rules (tests/pyref.py): each probe called once.

Also $DIFFTEST_LONG (default 2) programs of one long probe each: 300 try
statements of int arithmetic with mixed handlers one after another
(gen.build_long; long straight-line probes must load, issue 19).

Both must be identical. A program pybpf rejects (checker, clang or
verifier) counts as a mismatch too: the generator only writes valid pybpf.
On a mismatch the program is minimized (cases deleted, then statements)
while the mismatch persists, and the smallest program is printed with both
outputs. Exit status 1 when anything mismatched.

Programs run in J worker processes (default 2): each worker has its own pid,
so its getppid() call fires only the probes it loaded.

--avoid A,B,... (or $DIFFTEST_AVOID) stops the generator from writing
constructs that hit a known bug, to look past it for others (see the
corpus/bug_*.py files): mul, helperfinal, forelse, emptyrange, reraise,
maploop (fixed since), selfdoc, mapaug, storeorder, globalaug, powaug,
delkey, getorder, fullkey, shl63.

Two exact shortcuts are applied to tests/pyref.py (see _patch_pyref), and
one pyref bug is worked around there (a negative Final at module level).

The last line is `difftest: N cases in M programs, K mismatches`.
"""
import argparse
import ast
import concurrent.futures
import concurrent.futures.process
import difflib
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import gen  # noqa: E402

PYBPF = os.environ.get("PYBPF", os.path.join(ROOT, "pybpf"))
CORPUS = os.path.join(HERE, "corpus")
MAX_RANGE = 8388608


# ---- CPython side ------------------------------------------------------------

def _patch_pyref(pyref):
    """Two exact shortcuts for CPython, so huge intermediate ints are never
    built (the result is the same exception pybpf promises):
      - a << b with a != 0 and b >= 64 cannot fit in 64 bits: OverflowError;
      - range() longer than 8,388,608 raises OverflowError (docs/language.md)."""
    if getattr(pyref, "_difftest_patched", False):
        return

    def lshift(a, b):
        if a != 0 and b >= 64:
            raise OverflowError("int does not fit in 64 bits")
        return a << b
    pyref._OPS["LShift"] = lshift

    # pyref bug (reported): at module level, `K: Final[int] = -1` has its
    # value rewritten into a call (__pyref.neg(1)), which visit_AnnAssign then
    # takes for a map constructor and replaces by Final[int](...): TypeError.
    orig = pyref._Rewrite.visit_AnnAssign

    def visit_AnnAssign(self, node):
        ann = node.annotation
        if (not pyref.self_is_function(self) and isinstance(ann, ast.Subscript)
                and isinstance(ann.value, ast.Name) and ann.value.id == "Final"):
            self.generic_visit(node)
            return node
        return orig(self, node)
    pyref._Rewrite.visit_AnnAssign = visit_AnnAssign
    pyref._difftest_patched = True


def _range(*args):
    r = range(*args)
    try:
        n = len(r)
    except OverflowError:
        n = MAX_RANGE + 1
    if n > MAX_RANGE:
        raise OverflowError("range() too long for BPF")
    return r


def run_cpython(path):
    """(printed output + maps at exit, sorted uncaught-exception report)."""
    import pyref
    _patch_pyref(pyref)
    try:
        ref = pyref.Probe(path, {"PID": os.getpid()})
    except Exception as exc:   # the file itself does not run in CPython
        return f"<CPython could not load the file: {type(exc).__name__}: {exc}>\n", ""
    ref.ns["range"] = _range
    for name in ref.probes():
        ref.call(name)
    report = "".join(sorted(ref.report().splitlines(True)))
    return ref.out.getvalue() + ref.maps_text(), report


# ---- kernel side ----------------------------------------------------------------

def run_kernel(path, timeout=60):
    """(stdout, sorted report, error or None). error: pybpf did not attach."""
    proc = subprocess.Popen([PYBPF, "load", path, "-D", f"PID={os.getpid()}"], cwd=os.path.dirname(path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        head = ""
        deadline = time.time() + timeout
        attached = False
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            head += line
            if line.startswith("Attached "):
                attached = True
                break
        if attached:
            os.getppid()
            proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return out, "", "pybpf load did not exit after SIGINT"
        err = head + err
        if not attached:
            return out, "", "pybpf load did not attach (exit %s):\n%s" % (proc.returncode, err)
        if proc.returncode != 0:
            return out, "", f"pybpf load exited with {proc.returncode}:\n{err}"
        lines = [l + "\n" for l in err.splitlines()
                 if " time" in l and not l.startswith(("Attached", "pybpf:"))]
        problems = [l for l in err.splitlines() if l.startswith("pybpf:")]
        if problems:
            return out, "", "pybpf load reported:\n" + "\n".join(problems)
        return out, "".join(sorted(lines)), None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---- one program ------------------------------------------------------------------

class Result:
    def __init__(self, kout, krep, kerr, pout, prep):
        self.kout, self.krep, self.kerr, self.pout, self.prep = kout, krep, kerr, pout, prep

    @property
    def ok(self):
        return self.kerr is None and self.kout == self.pout and self.krep == self.prep

    def kind(self):
        """What kind of failure (minimization keeps it): 'ok', 'mismatch',
        or 'reject: <first error line without positions>'."""
        if self.kerr is not None:
            lines = self.kerr.splitlines()
            for l in [l for l in lines if ": error: " in l] + [l for l in lines if "error" in l]:
                # drop file:line:col and numbers, keep the message
                msg = l.split(": error: ", 1)[-1]
                return "reject: " + "".join(ch for ch in msg if not ch.isdigit())[:100]
            return "reject: " + (lines[0][:100] if lines else "?")
        return "ok" if self.ok else "mismatch"

    def describe(self):
        if self.kerr is not None:
            # clang's warnings about the generated C are noise here
            lines, skip = [], False
            for l in self.kerr.splitlines():
                if ": warning: " in l:
                    skip = True
                    continue
                if skip and (l.startswith(" ") or l.strip() == ""):
                    continue
                skip = False
                lines.append(l)
            return "pybpf rejected the program (the generator writes only valid pybpf):\n" + "\n".join(lines[:60]) + "\n"
        s = ""
        if self.kout != self.pout:
            s += "output differs (--- CPython, +++ kernel):\n"
            s += "".join(difflib.unified_diff(self.pout.splitlines(True), self.kout.splitlines(True),
                                              "CPython", "kernel", n=2))
        if self.krep != self.prep:
            s += "uncaught exceptions differ:\n--- CPython\n" + self.prep + "--- kernel\n" + self.krep
        return s


def run_source(src, name="prog.py"):
    d = tempfile.mkdtemp(prefix="pybpf-difftest-")
    try:
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(src)
        kout, krep, kerr = run_kernel(path)
        pout, prep = run_cpython(path)
        return Result(kout, krep, kerr, pout, prep)
    finally:
        shutil.rmtree(d, ignore_errors=True)


AVOID = ()


def _exit_on_term():
    """SIGTERM (Pool.terminate, timeout(1), CI cancel) ends the process through
    SystemExit, so the finally clauses still kill the loader and remove the
    temporary directory."""
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))


def _job(args):
    kind, arg, n = args
    if kind == "gen":
        src = gen.generate(arg, n, AVOID)
        name = f"gen_{arg}.py"
    elif kind == "long":
        src = gen.build_long(arg, n)[0].render()
        name = f"long_{arg}.py"
    else:
        src = open(arg).read()
        name = os.path.basename(arg)
    t0 = time.time()
    res = run_source(src, name)
    return args, res, time.time() - t0


# ---- minimization -------------------------------------------------------------------

def _differing_cases(res):
    """Case ids named in the lines that differ."""
    ids = set()
    a, b = res.pout.splitlines(), res.kout.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        for l in a[i1:i2] + b[j1:j2]:
            w = l.split(" ", 1)[0]
            if len(w) > 1 and w[0] in "cw" and w[1:].isdigit():
                ids.add(int(w[1:]))
    return ids


def minimize(prog, want, first_res, log=print):
    """Delete cases, then statements, while the failure kind stays `want`."""
    ntests = [0]

    def fails(keep):
        ntests[0] += 1
        return run_source(prog.render(keep)).kind() == want

    ids = [c.cid for c in prog.cases]
    keep = list(ids)
    # a guess first: only the cases whose lines differ
    guess = sorted(_differing_cases(first_res)) if want == "mismatch" else []
    for g in ([guess[:1], guess] if guess else []):
        if g and fails(set(g)):
            keep = g
            break
    # ddmin over cases
    n = 2
    while len(keep) >= 2:
        chunk = max(1, len(keep) // n)
        parts = [keep[i:i + chunk] for i in range(0, len(keep), chunk)]
        reduced = False
        for p in parts:
            rest = [c for c in keep if c not in p]
            if rest and fails(set(rest)):
                keep = rest
                n = max(n - 1, 2)
                reduced = True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(keep), n * 2)
    if len(keep) == 1 and fails(set()):
        keep = []
    keepset = set(keep)
    log(f"  minimize: {len(keep)} case(s) left after {ntests[0]} runs; now statements")
    # statements: delete one at a time (also whole compound statements and
    # clauses), replace a compound statement by one of its bodies
    bodies = [c.body for c in prog.cases if c.cid in keepset] + [h[3] for h in prog.gen.helpers]
    progress = True
    while progress:
        progress = False
        for cbody in bodies:
            for body in list(gen.walk_bodies(cbody)):
                i = 0
                while i < len(body):
                    s = body[i]
                    body.pop(i)
                    if fails(keepset):
                        progress = True
                        continue
                    body.insert(i, s)
                    if isinstance(s, gen.Compound):
                        done = False
                        for cl in s.children():
                            body[i:i + 1] = cl
                            if fails(keepset):
                                progress = done = True
                                break
                            body[i:i + len(cl)] = [s]
                        if done:
                            continue
                        # drop one clause (elif / else / except / finally)
                        for j in range(len(s.clauses) - 1, 0, -1):
                            cl = s.clauses.pop(j)
                            kinds = [k for k, _, _ in s.clauses]
                            valid = kinds[0] != "try" or "except" in kinds or "finally" in kinds
                            valid = valid and not ("tryelse" in kinds and "except" not in kinds)
                            if valid and fails(keepset):
                                progress = True
                            else:
                                s.clauses.insert(j, cl)
                    i += 1
    # the rest: single lines of the header and of the probes' prologues
    # (declarations nothing uses any more), then class blocks
    lines = prog.render(keepset).split("\n")
    i = 0
    while i < len(lines):
        l = lines[i]
        n = 0
        if l.startswith("class ") and i + 1 < len(lines) and lines[i + 1] == "    pass":
            n = 2
        elif l.startswith("def "):
            n = 1
            while i + n < len(lines) and (lines[i + n].startswith(" ") or lines[i + n] == ""):
                n += 1
        elif (l.startswith(("    global ", "K", "ONE", "ZERO", "FLAG", "m_", "g_")) and ": " in l or l.startswith("    global ")
              or (l.startswith("    ") and not l.startswith("     ") and l.split(" = ")[-1] in ("0", "False", "''"))):
            n = 1
        if n:
            cand = lines[:i] + lines[i + n:]
            ntests[0] += 1
            if run_source("\n".join(cand)).kind() == want:
                lines = cand
                continue
        i += 1
    src = "\n".join(lines)
    while "\n\n\n\n" in src:
        src = src.replace("\n\n\n\n", "\n\n\n")
    log(f"  minimize: done after {ntests[0]} runs")
    return src


# ---- main -------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=int(os.environ.get("DIFFTEST_CASES", 10000)))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("DIFFTEST_SEED", 1)))
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("DIFFTEST_JOBS", 2)))
    ap.add_argument("--per-file", type=int, default=50, help="cases per generated program")
    ap.add_argument("--long-programs", type=int, default=int(os.environ.get("DIFFTEST_LONG", 2)),
                    help="programs of one long probe each (tests/difftest/gen.py build_long)")
    ap.add_argument("--long-statements", type=int, default=300, help="try statements in each long probe")
    ap.add_argument("--corpus-only", action="store_true")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--no-minimize", action="store_true")
    ap.add_argument("--max-report", type=int, default=3, help="mismatches to minimize and print")
    ap.add_argument("--keep", help="write each minimized program into this directory")
    ap.add_argument("--avoid", default=os.environ.get("DIFFTEST_AVOID", ""),
                    help="comma-separated constructs not to generate, to look past a known bug")
    ap.add_argument("files", nargs="*", help="run these probe files (or gen:SEED[:N], one generated program) instead")
    o = ap.parse_args()

    if not os.path.exists(PYBPF):
        print(f"difftest: {PYBPF} is missing; run make", file=sys.stderr)
        return 2
    global AVOID
    AVOID = tuple(a for a in o.avoid.split(",") if a)
    t0 = time.time()
    jobs = []
    if o.files:
        for f in o.files:
            if f.startswith("gen:"):      # gen:SEED[:N] -- one generated program
                parts = f.split(":")
                jobs.append(("gen", int(parts[1]), int(parts[2]) if len(parts) > 2 else o.per_file))
            else:
                jobs.append(("file", os.path.abspath(f), 0))
    else:
        if not o.no_corpus and os.path.isdir(CORPUS):
            jobs += [("file", os.path.join(CORPUS, f), 0) for f in sorted(os.listdir(CORPUS)) if f.endswith(".py")]
        if not o.corpus_only:
            left, i = o.cases, 0
            while left > 0:
                n = min(o.per_file, left)
                jobs.append(("gen", o.seed * 1000003 + i, n))
                left -= n
                i += 1
            # long probes (issue 19): one probe of LONG_STATEMENTS try statements each
            jobs += [("long", o.seed * 1000003 + k, o.long_statements) for k in range(o.long_programs)]

    ncases = sum(n for k, _, n in jobs if k == "gen")
    nprog = len(jobs)
    bad = []
    ctx = multiprocessing.get_context("fork")
    _exit_on_term()
    # concurrent.futures rather than multiprocessing.Pool: when a worker dies
    # (a signal, the OOM killer) Pool replaces it and waits for its lost job
    # for ever (a CI run hung so); the executor raises BrokenProcessPool.
    with concurrent.futures.ProcessPoolExecutor(o.jobs, mp_context=ctx, initializer=_exit_on_term) as pool:
        futs = [pool.submit(_job, j) for j in jobs]
        try:
            done = [f.result() for f in concurrent.futures.as_completed(futs)]
        except concurrent.futures.process.BrokenProcessPool as e:
            ran = sum(1 for f in futs if f.done() and f.exception() is None)
            print(f"difftest: a worker process died ({e}); only {ran} of {len(futs)} programs ran")
            return 1
        for args, res, dt in done:
            kind, arg, n = args
            what = (f"seed {arg} ({n} cases)" if kind == "gen" else
                    f"long seed {arg} ({n} statements in one probe)" if kind == "long" else os.path.relpath(arg, ROOT))
            if not res.ok:
                print(f"MISMATCH {what}: {res.kind()}")
                bad.append((args, res))
            elif os.environ.get("DIFFTEST_VERBOSE"):
                print(f"ok {what} in {dt:.2f}s")
    # minimize and show (in this process, one at a time)
    shown = 0
    for (kind, arg, n), res in bad:
        if shown >= o.max_report:
            break
        shown += 1
        print("=" * 78)
        if kind == "gen" and not o.no_minimize:
            prog, _ = gen.build(arg, n, avoid=AVOID)
            want = res.kind()
            print(f"seed {arg}, {n} cases: {want}; minimizing")
            src = minimize(prog, want, res)
        elif kind == "long":
            src = gen.build_long(arg, n)[0].render()
        else:
            src = open(arg).read() if kind == "file" else gen.generate(arg, n, AVOID)
        final = run_source(src)
        print("--- the smallest program:")
        print(src, end="")
        print("--- " + final.describe())
        if final.kerr is None:
            print("--- CPython output:\n" + final.pout + final.prep)
            print("--- kernel output:\n" + final.kout + final.krep)
        if o.keep:
            os.makedirs(o.keep, exist_ok=True)
            with open(os.path.join(o.keep, f"min_{arg if kind == 'gen' else os.path.basename(arg)}.py"), "w") as f:
                f.write(src)
    dt = time.time() - t0
    print(f"difftest: {ncases} cases in {nprog} programs, {len(bad)} mismatches ({dt:.0f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
