# Struct records with bytes[N] fields through a RingBuf: built from literals,
# locals, defaults and fields of other records, changed field by field; the
# loader shows each record as its dataclass repr (bytes fields as repr(b)).
from pybpf import *

PID: Final[int] = 0
calls: int = 0


class Blob(Struct):
    pid: u32
    data: bytes[4]
    tag: bytes[3] = b"a'b"
    n: i64 = -1
    same: bool = False


blobs: RingBuf[Blob] = RingBuf(size=65536)


@tracepoint("syscalls/sys_enter_getppid")
def records_bytes() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    magic: bytes[4] = b"\x7fELF"
    b = Blob(calls, magic)
    blobs.output(b)
    b.n = len(b.data) * 1000 + b.data[0] + b.tag[1] + b.data[-1]
    b.same = b.data == b"\x7fELF" and b.tag != b"a'c"
    b.data = b"\x00\n\\\""
    if calls % 2 == 0:
        b.tag = b'x"y'
    blobs.output(b)
    blobs.output(Blob(pid=calls, data=b.data, n=calls * 10, same=b.data == magic))
    blobs.output(Blob(calls, b"\xff\x00\t\r", b.tag, b.data[calls % 4]))
    if calls > 4:
        b = Blob(b.pid + 1, b.data, b.tag)   # fields of the record it replaces
    else:
        b = Blob(b.pid + 1, magic, b.tag, b.n)
    blobs.output(b)
    if calls == 7:
        blobs.output(Blob(calls, magic, n=b.tag[calls]))   # IndexError: nothing is sent
