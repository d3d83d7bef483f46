"""Runtime tests of UserRingBuf and bpf.user_ringbuf_drain (issue 13):
records written by user space -- pybpf's standard input, a line each
(loader/userrb.c) -- taken by the program, which the kernel calls back
with each (pyc/check_userrb.c). Imported from tests/runtime.py."""
import os
import subprocess
import tempfile
import time

from runtime import PYBPF, assert_nothing_left, check, test

LINES = '''from pybpf import *
lines: UserRingBuf[str[16]] = UserRingBuf(size=4096)


def on_line(line: str[16]) -> None:
    print(f"got {line!r} {len(line)}")


@begin
def urb_begin() -> None:
    n = bpf.user_ringbuf_drain(lines, on_line)
    print(f"drained {n}")
    n = bpf.user_ringbuf_drain(lines, on_line)
    print(f"then {n}")
'''


@test
def user_ringbuf_lines_of_stdin():
    """pybpf run with 5 lines on stdin: @begin drains the 4 that fit a
    str[16] (an empty one too), in order, each given to the def whole; the
    15-character limit leaves the 4th out, reported with its number; a
    second drain finds nothing."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "lines.py")
    open(path, "w").write(LINES)
    p = subprocess.run([PYBPF, "run", path], input="alpha\nbeta\n\nthis line is too long\ngamma\n",
                       capture_output=True, text=True, timeout=60)
    check(p.returncode, 0, f"exit status ({p.stderr})")
    check(p.stdout, "got 'alpha' 5\ngot 'beta' 4\ngot '' 0\ngot 'gamma' 5\ndrained 4\nthen 0\n")
    check(p.stderr, "pybpf: line 4 of standard input was not written to UserRingBuf 'lines': it is longer than "
                    "15 characters\n")
    assert_nothing_left(["urb_begin"])


NUMS = '''from pybpf import *
PID: Final[int] = 0
nums: UserRingBuf[i16] = UserRingBuf(4096)
total: int = 0
seen: int = 0


def add(v: int) -> bool:
    global total, seen
    seen += 1
    if v == 0:
        return True
    total += v
    return False


@tracepoint("syscalls/sys_enter_getppid")
def urb_drain(args) -> None:
    if pid() == PID:
        n = bpf.user_ringbuf_drain(nums, add)
        print(f"drained {n}")
'''


@test
def user_ringbuf_ints_until_true():
    """An i16 UserRingBuf fed 8 lines: Python int literals (0x10, -3,
    1_000) are records; 'abc', 1__0 and 40000 (past i16) are refused with
    their line numbers. The first of 3 getppid()s drains up to the 0, whose
    callback returns True (stop: the kernel counts that record too), the
    second takes the 7 after it, the third finds none."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "nums.py")
    open(path, "w").write(NUMS)
    p = subprocess.Popen([PYBPF, "load", path, "-D", f"PID={os.getpid()}"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        p.stdin.write("1\n0x10\n-3\n1_000\nabc\n1__0\n40000\n0\n7\n")
        p.stdin.close()
        deadline = time.time() + 30
        err = ""
        while time.time() < deadline and "Attached" not in err:
            line = p.stderr.readline()
            if not line:
                break
            err += line
        for _ in range(3):
            os.getppid()
        time.sleep(0.3)
    finally:
        p.send_signal(2)
        p.wait(timeout=30)
        out, rest = p.stdout.read(), p.stderr.read()
    check(out, "drained 5\ndrained 1\ndrained 0\ntotal: 1021\nseen: 6\n")
    check(err + rest, "pybpf: line 5 of standard input was not written to UserRingBuf 'nums': it is not an int\n"
                      "pybpf: line 6 of standard input was not written to UserRingBuf 'nums': it is not an int\n"
                      "pybpf: line 7 of standard input was not written to UserRingBuf 'nums': it does not fit i16\n"
                      "Attached 1 probe. Ctrl-C to end.\n")
    assert_nothing_left(["urb_drain"])


@test
def user_ringbuf_in_cpython_shim():
    """The CPython shim reads the same 9 lines from sys.stdin at the first
    drain, with the loader's rules: the same records in the same order,
    the same 3 lines refused, and the same stop at the 0."""
    script = '''import sys
sys.path.insert(0, %r)
from pybpf import *
nums = UserRingBuf[i16](4096)
got = []
def add(v):
    got.append(v)
    return v == 0
print(bpf.user_ringbuf_drain(nums, add), bpf.user_ringbuf_drain(nums, add), bpf.user_ringbuf_drain(nums, add), got)
''' % os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python")
    p = subprocess.run(["python3", "-c", script], input="1\n0x10\n-3\n1_000\nabc\n1__0\n40000\n0\n7\n",
                       capture_output=True, text=True, timeout=60)
    check(p.stdout, "5 1 0 [1, 16, -3, 1000, 0, 7]\n")
    check(p.stderr, "pybpf: line 5 of standard input was not written to UserRingBuf: it is not an int\n"
                    "pybpf: line 6 of standard input was not written to UserRingBuf: it is not an int\n"
                    "pybpf: line 7 of standard input was not written to UserRingBuf: it does not fit i16\n")
