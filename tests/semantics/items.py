# for k, v in sorted(d.items()) and for k in sorted(d): a snapshot sorted in the
# kernel, with break, continue and else, the same as CPython's sorted().
from pybpf import *
PID: Final[int] = 0
counts: Hash[u32, int] = Hash(max_entries=64)
n: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def map_items() -> None:
    global n
    if pid() != PID:
        return
    n += 1
    counts[(n * 7) % 5] += n
    if n == 6:
        total = 0
        for k, v in sorted(counts.items()):
            print(k, v)
            total += v
            if k == 3:
                break
        else:
            print("no break")
        print("total", total)
        for k in sorted(counts):
            if k % 2 == 1:
                continue
            print("even", k)
