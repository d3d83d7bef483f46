# {x:ip}: an int (IPv4 as read from memory), bytes[4] and bytes[16] as
# address text; the loader's inet_ntop and CPython's socket.inet_ntop (the
# shim) agree on zero compression, a single zero group, IPv4-mapped and
# IPv4-compatible addresses.
from pybpf import *

PID: Final[int] = 0
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def ip_text() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    a: bytes[16] = b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    if calls == 1:
        a = b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
    elif calls == 2:
        a = b"\xfe\x80\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
    elif calls == 3:
        a = b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x7f\x00\x00\x01"
    elif calls == 4:
        a = b"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x01"
    elif calls == 5:
        a = b"\x20\x01\x0d\xb8\x00\x00\x00\x01\x00\x01\x00\x01\x00\x01\x00\x01"
    elif calls == 6:
        a = b"\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    elif calls == 7:
        a = b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04"
    v4: bytes[4] = b"\x0a\x00\x00\x01" if calls % 2 == 0 else b"\xff\xff\xff\xff"
    n = 0x0100007f + calls * 0x01000000 - calls
    # mypy's str-bytes-safe check does not know the :ip spec
    print(f"{a:ip} [{a:ip}]:{calls} {v4:ip} {n:ip} {-calls:ip}")  # type: ignore[str-bytes-safe]
