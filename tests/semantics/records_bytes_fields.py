# bytes[N] fields of a Struct record read as bytes[N] values: printed (repr),
# indexed, len, ==, f-strings, assigned to locals and back.
from pybpf import *

PID: Final[int] = 0
calls: int = 0


class Hdr(Struct):
    kind: u8
    magic: bytes[4] = b"\x7fELF"
    rest: bytes[2] = b"\x00'"


@tracepoint("syscalls/sys_enter_getppid")
def records_bytes_fields() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    h = Hdr(calls)
    print(h.magic, h.rest, len(h.magic), h.magic[0], h.magic[-1], h.rest[1])
    print(h.magic == b"\x7fELF", h.magic != b"\x7fELG", h.rest == b"\x00\"", f"{h.magic!r}|{h.rest!r}")
    m = h.magic
    h.magic = b'"\\\n!'
    if calls % 2 == 0:
        h.rest = b"ab"
    print(h.magic, m, h.rest, m == h.magic)
    h2 = Hdr(kind=calls * 2, rest=h.rest, magic=m)
    h.magic = h2.magic
    print(h2.kind, h2.magic, h2.rest, h.magic == h2.magic)
    print(Hdr(calls).magic, Hdr(calls, rest=b"zz").rest[1], Hdr(calls + 1, m).kind)   # a record as a value
    if calls == 5:
        print(h.rest[calls])
