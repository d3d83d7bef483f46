"""Runtime tests of issue 18: wallclock_ns(), {t:%H:%M:%S} and --timestamps.
Imported from tests/runtime.py, whose TESTS list they join."""
import datetime
import os
import re
import time

from runtime import PYBPF, Loader, assert_nothing_left, check, test


@test
def wallclock_ns_within_time_time():
    """wallclock_ns() in a probe lies between this process's time.time_ns()
    just before and just after the syscall it stamps; {t:%H:%M:%S.%f} prints
    the same instant as datetime.strftime of that value does."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def t_wall_ppid(args) -> None:
    if pid() == PID:
        t = wallclock_ns()
        print(f"{t} {t:%Y-%m-%d %H:%M:%S.%f}|{t:%%H}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        before = time.time_ns()
        os.getppid()
        after = time.time_ns()
        out, err = ld.finish()
    ns, rest = out.rstrip("\n").split(" ", 1)
    ns = int(ns)
    assert before <= ns <= after, f"{before} <= {ns} <= {after} does not hold"
    want = datetime.datetime.fromtimestamp(ns // 10**9).strftime("%Y-%m-%d %H:%M:%S") + f".{ns // 1000 % 10**6:06d}|%H"
    check(rest, want)
    assert_nothing_left(["t_wall_ppid"])


@test
def wallclock_timestamps_prefix_lines():
    """pybpf load --timestamps: every print line starts with HH:MM:SS, the
    local time between before and after the events (second resolution)."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_getppid")
def t_ts_ppid(args) -> None:
    if pid() == PID:
        print("a", end="")
        print("b")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}", "--timestamps"]) as ld:
        before = time.time()
        os.getppid()
        os.getppid()
        out, err = ld.finish()
        after = time.time()
    lines = out.splitlines()
    assert len(lines) == 2, out
    lo = datetime.datetime.fromtimestamp(int(before)).strftime("%H:%M:%S")
    hi = datetime.datetime.fromtimestamp(int(after)).strftime("%H:%M:%S")
    for ln in lines:
        m = re.fullmatch(r"(\d\d:\d\d:\d\d) ab", ln)
        assert m, f"line does not parse: {ln!r}"
        assert lo <= m.group(1) <= hi or hi < lo, f"{m.group(1)} not in [{lo}, {hi}]"
    assert_nothing_left(["t_ts_ppid"])


class _Timespec(__import__("ctypes").Structure):
    _fields_ = [("tv_sec", __import__("ctypes").c_long), ("tv_nsec", __import__("ctypes").c_long)]


def _nanosleep(ts):
    """syscall(SYS_nanosleep, ts, NULL); ts a _Timespec or a raw address."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    arg = ctypes.byref(ts) if isinstance(ts, _Timespec) else ctypes.c_void_p(ts)
    return libc.syscall(35, arg, None)


@test
def user_ptr_nanosleep_fields_and_fault():
    """args.rqtp.tv_sec / tv_nsec of sys_enter_nanosleep read the process's
    struct __kernel_timespec exactly; user_read(p, timespec) names the type
    explicitly; an unmapped rqtp raises FaultError, counted at its line."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_nanosleep")
def t_uptr_sleep(args) -> None:
    if pid() == PID:
        print(f"{args.rqtp.tv_sec} {args.rqtp.tv_nsec} {user_read(args.rqtp, timespec).tv_nsec}")
'''
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        _nanosleep(_Timespec(0, 1234567))
        _nanosleep(_Timespec(0, 7654321))
        _nanosleep(8)           # an unmapped address: the kernel returns EFAULT, the probe FaultError
        out, err = ld.finish()
    check(out, "0 1234567 1234567\n0 7654321 7654321\n")
    assert "probe.py:7: FaultError in t_uptr_sleep: 1 time" in err, err
    assert_nothing_left(["t_uptr_sleep"])


@test
def user_ptr_connect_sockaddr_families():
    """connect()'s struct sockaddr * cast by sa_family to sockaddr_in /
    sockaddr_in6 with user_read(p, T): address (:ip, IPv4 and IPv6 as
    text) and port (ntohs) exact; an embedded in6_addr is also its
    bytes[16] (print shows repr), and :ip reads it without a copy too."""
    import socket
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_connect")
def t_uptr_conn(args) -> None:
    if pid() == PID:
        sa = args.uservaddr
        if sa.sa_family == 2:
            a = user_read(sa, sockaddr_in)
            print(f"inet {a.sin_addr.s_addr:ip}:{ntohs(a.sin_port)}")
        elif sa.sa_family == 10:
            a6 = user_read(sa, sockaddr_in6)
            print(f"inet6 [{a6.sin6_addr:ip}]:{ntohs(a6.sin6_port)}")
            print(f"scope {a6.sin6_scope_id} {user_read(sa, sockaddr_in6).sin6_addr:ip}", a6.sin6_addr)
'''
    srv4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv4.bind(("127.0.0.1", 0))
    srv4.listen(1)
    srv6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv6.bind(("::1", 0))
    srv6.listen(1)
    p4, p6 = srv4.getsockname()[1], srv6.getsockname()[1]
    try:
        with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
            for fam, addr in ((socket.AF_INET, ("127.0.0.1", p4)), (socket.AF_INET6, ("::1", p6))):
                with socket.socket(fam, socket.SOCK_STREAM) as s:
                    s.connect(addr)
            out, err = ld.finish()
    finally:
        srv4.close()
        srv6.close()
    loopback6 = repr(socket.inet_pton(socket.AF_INET6, "::1"))
    check(out, f"inet 127.0.0.1:{p4}\ninet6 [::1]:{p6}\nscope 0 ::1 {loopback6}\n")
    assert_nothing_left(["t_uptr_conn"])


@test
def user_ptr_readv_iov_lengths():
    """readv's const struct iovec *vec indexed: vec[i].iov_len for i < vlen
    gives the lengths this process passed, in order."""
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_readv")
def t_uptr_readv(args) -> None:
    if pid() == PID:
        for i in range(8):
            if i < args.vlen:
                print(f"{i} {args.vec[i].iov_len}")
'''
    r, w = os.pipe()
    try:
        os.write(w, b"x" * 100)
        with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
            os.readv(r, [bytearray(3), bytearray(17), bytearray(5)])
            out, err = ld.finish()
    finally:
        os.close(r)
        os.close(w)
    check(out, "0 3\n1 17\n2 5\n")
    assert "IndexError" not in err, err
    assert_nothing_left(["t_uptr_readv"])


@test
def user_ptr_stat_buffer_fields():
    """stat(path, buf) with a buffer this process filled beforehand: at
    sys_enter_newstat, args.statbuf.st_ino / st_size read that buffer (the
    known address), at struct stat's UAPI offsets 8 and 48."""
    import ctypes
    import struct as st
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_newstat")
def t_uptr_stat(args) -> None:
    if pid() == PID:
        print(f"{args.statbuf.st_ino} {args.statbuf.st_size} {user_str(args.filename, 32)}")
'''
    buf = ctypes.create_string_buffer(144)
    st.pack_into("<Q", buf, 8, 0x1122334455)
    st.pack_into("<q", buf, 48, 4242)
    libc = ctypes.CDLL(None, use_errno=True)
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        libc.syscall(4, b"/", buf)   # SYS_stat
        out, err = ld.finish()
    check(out, f"{0x1122334455} 4242 /\n")
    assert_nothing_left(["t_uptr_stat"])


UREAD_C = r"""
#include <stdio.h>
#include <time.h>
__attribute__((noinline)) long pybpf_ts_target(const struct timespec *ts)
{
	__asm__ volatile("" ::: "memory");
	return ts->tv_sec + ts->tv_nsec;
}
int main(void)
{
	struct timespec a = {7, 123456789}, b = {0, 999999999};
	long s = pybpf_ts_target(&a) + pybpf_ts_target(&b);
	printf("%ld\n", s);
	return 0;
}
"""


@test
def user_read_of_a_uprobe_argument():
    """user_read(arg0, timespec) in a uprobe on a test binary's function
    taking a struct timespec *: tv_sec and tv_nsec of each call exactly."""
    import subprocess
    import tempfile
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    csrc, exe = os.path.join(d, "uread.c"), os.path.join(d, "uread")
    with open(csrc, "w") as f:
        f.write(UREAD_C)
    subprocess.run(["cc", "-O1", "-g", "-o", exe, csrc], check=True)
    src = f'''from pybpf import *

@uprobe("{exe}:pybpf_ts_target")
def t_uread_ts(ts: ptr) -> None:
    print(user_read(ts, timespec).tv_sec, user_read(ts, timespec).tv_nsec)
'''
    with Loader(src) as ld:
        subprocess.run([exe], check=True, capture_output=True)
        out, err = ld.finish()
    check(out, "7 123456789\n0 999999999\n")
    assert_nothing_left(["t_uread_ts"])


@test
def user_read_copies_a_struct_once():
    """ts = user_read(args.rqtp) / st = user_read(args.statbuf): the whole
    struct is read once into a stack copy (the generated C has exactly one
    bpf_probe_read_user per probe, none per field), its fields are exact,
    and an unmapped pointer raises FaultError at the user_read line."""
    import ctypes
    import struct as st
    import subprocess
    import tempfile
    src = '''from pybpf import *
PID: Final[int] = 0

@tracepoint("syscalls/sys_enter_nanosleep")
def t_copy_sleep(args) -> None:
    if pid() == PID:
        ts = user_read(args.rqtp)
        print(f"{ts.tv_sec} {ts.tv_nsec} {ts.tv_sec * 1000000000 + ts.tv_nsec}")

@tracepoint("syscalls/sys_enter_newstat")
def t_copy_stat(args) -> None:
    if pid() == PID:
        s = user_read(args.statbuf, stat)
        print(s.st_ino, s.st_nlink, s.st_mode, s.st_uid, s.st_size, s.st_mtime, s.st_mtime_nsec)
'''
    d = tempfile.mkdtemp(prefix="pybpf-test-")
    try:
        py, c = os.path.join(d, "copy.py"), os.path.join(d, "copy.c")
        with open(py, "w") as f:
            f.write(src)
        subprocess.run([PYBPF, "compile", py, "-o", c], check=True)
        text = open(c).read()
    finally:
        subprocess.run(["rm", "-rf", d])
    for probe in ("t_copy_sleep", "t_copy_stat"):
        body = text[text.index(f"int {probe}("):]
        body = body[:body.index("\n}\n")]
        n = body.count("bpf_probe_read_user(")
        assert n == 1, f"{probe}: {n} bpf_probe_read_user calls, want 1:\n{body}"
    buf = ctypes.create_string_buffer(144)
    # struct stat (x86_64): st_ino @8, st_nlink @16, st_mode @24, st_uid @28,
    # st_size @48, st_mtime @88, st_mtime_nsec @96
    for off, fmt, v in ((8, "<Q", 0x1122334455), (16, "<Q", 3), (24, "<I", 0o100644), (28, "<I", 1234),
                        (48, "<q", 4242), (88, "<q", 1700000000), (96, "<q", 987654321)):
        st.pack_into(fmt, buf, off, v)
    libc = ctypes.CDLL(None, use_errno=True)
    with Loader(src, ["-D", f"PID={os.getpid()}"]) as ld:
        _nanosleep(_Timespec(0, 2345678))
        _nanosleep(_Timespec(0, 999))
        _nanosleep(8)           # unmapped: FaultError at the user_read line
        libc.syscall(4, b"/", buf)   # SYS_stat
        out, err = ld.finish()
    check(out, f"0 2345678 2345678\n0 999 999\n{0x1122334455} 3 {0o100644} 1234 4242 1700000000 987654321\n")
    assert "probe.py:7: FaultError in t_copy_sleep: 1 time" in err, err
    assert "probe.py:8:" not in err, err
    assert_nothing_left(["t_copy_sleep", "t_copy_stat"])
