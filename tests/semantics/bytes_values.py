# bytes[N]: exactly N bytes (NULs included); indexing gives ints, len() is N,
# == compares every byte, print shows repr(), as in CPython.
from pybpf import *

PID: Final[int] = 0
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def bytes_values() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    magic: bytes[4] = b"\x7fELF"
    other = b"\x00a'b"
    print(magic, other, len(magic), magic[0], magic[-1], other[1])
    print(magic == b"\x7fELF", magic != b"\x7fELG", magic == b"\x7fEL", b'say "hi"')
    print(f"{magic!r} {other!r} {b'ab'!r}")
    for i in range(2):   # a bytes local assigned in a loop
        if i == 0:
            other = magic
        else:
            other = b"abcd"
        print(i, other)
    pick = b"odd!" if calls % 2 == 1 else magic   # a conditional expression of bytes[4]
    print(pick, pick[3], len(pick), pick == magic, b"ab" if calls > 1 else b"cd")
    if calls == 3:
        print(magic[calls + 1])
