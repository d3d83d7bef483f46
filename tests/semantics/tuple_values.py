# Maps of tuples: d[k] = (a, b) stores the tuple, a, b = d[k] unpacks it (a
# missing key reads as zeros and is inserted, as a defaultdict would); maps
# print with tuple values.
from pybpf import *

PID: Final[int] = 0
spans: Hash[u32, tuple[i64, u32]] = Hash(max_entries=64)
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def tuple_values() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    lo, n = spans[calls % 3]
    print("was", calls % 3, lo, n)
    spans[calls % 3] = (lo - calls * 10, n + 1)
    first, count = spans[calls % 3]
    print("now", first, count)
    if calls == 5:
        spans[7] = (-1, 300)
        del spans[7]
        print(7 in spans, 1 in spans)
