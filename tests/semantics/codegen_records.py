# Struct records built in place in a ring buffer record: comm() is read
# straight into the field and the memset is left out, as the fields cover
# the record (records.py has a padded one).
from pybpf import *

PID: Final[int] = 0
n: int = 0


class Tight(Struct):
    pid: u32
    small: u32
    comm: str[16]


tight: RingBuf[Tight] = RingBuf(size=65536)


@tracepoint("syscalls/sys_enter_getppid")
def codegen_records() -> None:
    global n
    if pid() != PID:
        return
    n += 1
    tight.output(Tight(pid(), n - 1, comm()))
    t = Tight(n, 7, comm())
    tight.output(t)
