"""Long probes (issue 19): straight-line code of many try statements loads,
prints what CPython prints, and costs the verifier in proportion to its
length. tests/long/ holds the reported programs and their generator."""
import os
import re
import subprocess
import sys
import tempfile

from runtime import PYBPF, ROOT, check, test

LONG = os.path.join(ROOT, "tests", "long")
sys.path.insert(0, LONG)
import gen as long_gen  # noqa: E402  (tests/long/gen.py)


def run_and_compare(path):
    """`pybpf run path` prints exactly what CPython prints (tests/pyref.py);
    returns the verifier's count of processed instructions (pybpf -v)."""
    import pyref
    p = subprocess.run([PYBPF, "run", "-v", path], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    ref = pyref.Probe(path, {})
    for name in ref.probes():
        ref.call(name)
    check(p.stdout, ref.out.getvalue(), "kernel vs CPython output")
    m = re.search(r"^pybpf: go: the verifier processed (\d+) instructions", p.stderr, re.M)
    assert m, p.stderr[-2000:]
    return int(m.group(1))


@test
def long_probe_no_uninitialized_register():
    """150 try statements in one @begin probe (the reported
    long_probe_read_ok.py) load and print, block by block, what CPython
    prints. Before the fix the verifier refused it with "R3 !read_ok" at
    line 475: clang kept the value of -(z + 56) from line 475 for line 649,
    and the paths that had left line 475 for its OverflowError handler
    before computing it spilled a register never written."""
    run_and_compare(os.path.join(LONG, "long_probe_read_ok.py"))


@test
def long_probe_not_too_large():
    """60 try statements (long_probe_too_large.py) load and print what
    CPython prints; before, the verifier gave up after 1,000,001
    instructions, checking each statement once per path into it."""
    n = run_and_compare(os.path.join(LONG, "long_probe_too_large.py"))
    assert n < 20000, n


@test
def long_probe_verifier_cost_is_linear():
    """40 and 200 generated try statements: five times the statements cost
    the verifier at most six times the instructions (it was 45,869 for 40
    and over 1,000,000 for 60)."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    try:
        counts = []
        for n in (40, 200):
            path = os.path.join(d, f"long{n}.py")
            with open(path, "w") as f:
                f.write(long_gen.generate(n))
            counts.append(run_and_compare(path))
        assert counts[1] <= 6 * counts[0], counts
    finally:
        subprocess.run(["rm", "-rf", d])
