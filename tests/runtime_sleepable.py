"""Runtime tests of sleepable probes (issue 13): @uprobe(..., sleepable=True)
is a uprobe.s program, which may call the helpers that sleep:
bpf.copy_from_user() faults a user page in where bpf.probe_read_user(),
which may not sleep, fails on it. Imported from tests/runtime.py."""
import ctypes
import mmap
import os
import tempfile

from runtime import Loader, assert_nothing_left, check, test

_libc = ctypes.CDLL(None, use_errno=True)
_libc.mmap.restype = ctypes.c_void_p
_libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
_libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

SRC = '''from pybpf import *
PID: Final[int] = 0
ADDR: Final[int] = 0
FRESH: Final[int] = 0
calls: Count = Count()


@uprobe("libc:getppid", sleepable=True)
def h_sleep() -> None:
    if pid() != PID:
        return
    calls.add()
    buf: str[17] = ""
    bpf.copy_from_user(buf, ADDR)
    print(buf)
    fresh: str[17] = ""
    try:
        bpf.probe_read_user(fresh, FRESH)
        print(f"probe_read_user: {fresh}")
    except OSError:
        print("probe_read_user: OSError")
    n = bpf.copy_from_user(fresh, FRESH)
    print(f"copy_from_user: {n} {fresh}")
    try:
        bpf.copy_from_user(buf, 1)
    except OSError:
        print("EFAULT")
'''


@test
def sleepable_uprobe_copy_from_user_faults_pages_in():
    """Three getppid calls into a sleepable uprobe: copy_from_user reads a
    ctypes buffer's exact 17 bytes; on a file page mapped but never touched
    (no page table entry yet), probe_read_user fails (it may not fault) and
    copy_from_user reads the file's bytes, faulting the page in, so the
    next events' probe_read_user succeed; address 1 raises OSError (EFAULT)
    once per call; the Count counts exactly 3."""
    data = ctypes.create_string_buffer(b"pybpf-sleepable!", 17)
    with tempfile.NamedTemporaryFile(prefix="pybpf-fresh-") as f:
        f.write(b"fresh-page-bytes" + b"\0" * (4096 - 16))
        f.flush()
        addr = _libc.mmap(None, 4096, mmap.PROT_READ, mmap.MAP_PRIVATE, f.fileno(), 0)
        assert addr not in (None, ctypes.c_void_p(-1).value), ctypes.get_errno()
        try:
            args = ["-D", f"PID={os.getpid()}", "-D", f"ADDR={ctypes.addressof(data)}", "-D", f"FRESH={addr}"]
            with Loader(SRC, args) as ld:
                for _ in range(3):
                    os.getppid()
                out, err = ld.finish()
        finally:
            _libc.munmap(addr, 4096)
    ev = ["pybpf-sleepable!", "probe_read_user: OSError", "copy_from_user: 0 fresh-page-bytes", "EFAULT"]
    later = [ev[0], "probe_read_user: fresh-page-bytes", ev[2], ev[3]]
    check(out.splitlines(), ev + later + later + ["calls: 3"], err)
    assert_nothing_left(["h_sleep"])
