#!/usr/bin/env python3
"""regress_check.py — run the whole front end under ASan+UBSan over every
regression input and every Python file of the test suite.

    python3 tests/fuzz/regress_check.py [-v] [FILE...]

Runs build/fuzz/harness-asan (built with `make build/fuzz/harness-asan`,
gcc -fsanitize=address,undefined; no AFL++ needed; built here when missing)
on tests/fuzz/regress/* and on every .py under tests/ and examples/.
The harness exits 0 both when the input compiles and when it is rejected with
a user error; anything else — a signal, a sanitizer report, an internal
compiler error (abort via ice_hook), a timeout — is a failure.
Prints "fuzz-regress: N passed, M failed"; exits 1 when M > 0.
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HARNESS = os.path.join(ROOT, "build", "fuzz", "harness-asan")
TIMEOUT = 30


def inputs():
    files = []
    regress = os.path.join(ROOT, "tests", "fuzz", "regress")
    if os.path.isdir(regress):
        files += sorted(os.path.join(regress, f) for f in os.listdir(regress)
                        if os.path.isfile(os.path.join(regress, f)))
    for top in ("tests", "examples"):
        for d, dirs, fs in os.walk(os.path.join(ROOT, top)):
            dirs.sort()
            if os.path.abspath(d).startswith(os.path.abspath(regress)):
                continue
            files += sorted(os.path.join(d, f) for f in fs if f.endswith(".py"))
    return files


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    args = [a for a in args if a != "-v"]
    if not os.path.exists(HARNESS):
        r = subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/fuzz/harness-asan"])
        if r.returncode != 0:
            print("fuzz-regress: cannot build build/fuzz/harness-asan", file=sys.stderr)
            print("fuzz-regress: 0 passed, 1 failed")
            return 1
    env = dict(os.environ)
    env["PYBPF_FUZZ_VERBOSE"] = "1"     # keep diagnostics (and ICE messages) for failures
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
    passed = failed = 0
    for path in args or inputs():
        rel = os.path.relpath(path, ROOT)
        try:
            r = subprocess.run([HARNESS, path], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env, timeout=TIMEOUT)
            rc, err = r.returncode, r.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            rc, err = "timeout", "(no result after %d s)\n" % TIMEOUT
        if rc == 0:
            passed += 1
            if verbose:
                print("ok   %s" % rel)
            continue
        failed += 1
        why = "signal %d" % -rc if isinstance(rc, int) and rc < 0 else "exit %s" % rc
        if isinstance(rc, int) and rc == 70:
            why += " (internal compiler error)"
        print("FAIL %s: %s" % (rel, why))
        lines = err.rstrip("\n").split("\n")
        # from the sanitizer's or the ICE's first line if there is one, else the tail
        marks = ("ERROR: AddressSanitizer", "runtime error:", "internal compiler error",
                 "AddressSanitizer:DEADLYSIGNAL", "harness:")
        first = next((i for i, l in enumerate(lines) if any(m in l for m in marks)), None)
        shown = lines[first:first + 30] if first is not None else lines[-25:]
        for line in shown:
            print("     " + line)
    print("fuzz-regress: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
