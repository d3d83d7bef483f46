"""Runtime tests of an @iter probe's own output (issue 13): bpf.seq_write
and bpf.seq_printf write to the iterator's seq_file, which `pybpf run`
copies to stdout as it reads the iterator, before the run's prints."""
import os
import subprocess
import tempfile
import threading

from runtime import PYBPF, assert_nothing_left, check, test

SEQ = '''from pybpf import *
PID: Final[int] = 0
lines: Count = Count()


@iter("task")
def t_iter_seq(task: task_struct) -> None:
    if task.tgid == PID:
        bpf.seq_printf(ctx(), "tid %d of %d: ", task.pid, task.tgid)
        name = task.comm
        bpf.seq_write(ctx(), name)
        bpf.seq_write(ctx(), b"|\\x00|")
        bpf.seq_write(ctx(), "\\n")
        lines.add()
        if task.pid == PID:
            print("leader", task.pid)
'''


@test
def iter_seq_output_per_thread():
    """Three blocked threads and the leader: one seq_printf'd line each, in
    the iterator's (ascending tid) order, with each thread's comm written
    up to its NUL, a bytes value written whole (its NUL too); then the
    print and the count."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "seq.py")
    open(path, "w").write(SEQ)
    gate = threading.Event()
    started = [threading.Thread(target=gate.wait) for _ in range(3)]
    for t in started:
        t.start()
    try:
        tids = sorted(int(t) for t in os.listdir("/proc/self/task"))
        comms = {t: open(f"/proc/self/task/{t}/comm").read().rstrip("\n") for t in tids}
        p = subprocess.run([PYBPF, "run", path, "-D", f"PID={os.getpid()}"], capture_output=True, timeout=60)
        after = sorted(int(t) for t in os.listdir("/proc/self/task"))
    finally:
        gate.set()
        for t in started:
            t.join()
    assert tids == after and len(tids) >= 4, (tids, after)
    assert p.returncode == 0, p
    want = b"".join(b"tid %d of %d: %s|\x00|\n" % (t, os.getpid(), comms[t].encode()) for t in tids)
    check(p.stdout, want + b"leader %d\nlines: %d\n" % (os.getpid(), len(tids)))
    assert p.stderr == b"", p.stderr
    assert_nothing_left(["t_iter_seq"], ["lines"])


DPATH = '''from pybpf import *
PID: Final[int] = 0
FD: Final[int] = 0


@iter("task_file")
def t_iter_dpath(task: task_struct, fd: u32, file: file) -> None:
    if task.pid == PID and fd == FD:
        buf: str[128] = ""
        n = bpf.d_path(file.f_path, buf)
        print(f"{n} {buf}")
'''


@test
def iter_d_path_of_own_file():
    """bpf.d_path(file.f_path, buf) in @iter("task_file"): the path of the
    file the test holds open at fd FD, exactly, and the kernel's length
    with the NUL (the path struct is passed by its address in the file)."""
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    path = os.path.join(d, "dpath.py")
    open(path, "w").write(DPATH)
    held = os.path.join(d, "held-open.txt")
    fd = os.open(held, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        p = subprocess.run([PYBPF, "run", path, "-D", f"PID={os.getpid()}", "-D", f"FD={fd}"], capture_output=True,
                           text=True, timeout=60)
    finally:
        os.close(fd)
    assert p.returncode == 0, p
    real = os.path.realpath(held)
    check(p.stdout, f"{len(real) + 1} {real}\n")
    assert_nothing_left(["t_iter_dpath"])
