# Iterating a map of 200 signed keys inserted out of order: the kernel's sort
# gives CPython's order (checked by position-weighted sums and the ends).
from pybpf import *

PID: Final[int] = 0
vals: Hash[i32, u32] = Hash(max_entries=256)
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def items_sort() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    if calls == 1:
        for i in range(200):
            vals[(i * 73) % 211 - 100] = i
        return
    if calls != 2:
        return
    pos = 0
    weighted = 0
    for k, v in sorted(vals.items()):
        pos += 1
        weighted += pos * k + v
        if pos <= 3 or pos > 197:
            print(pos, k, v)
    print("items", pos, "weighted", weighted)
