# map.get(key) without a default is Optional[int]: tested before use.
from pybpf import *

PID: Final[int] = 0
seen: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def optional() -> None:
    if pid() != PID:
        return
    n = seen.get(0)
    if n is None:
        seen[0] = 1
        print("first time")
        return
    seen[0] = n + 1
    m = seen.get(n % 3)
    if m is not None and m > 1:
        print("have", n % 3, m)
    elif m is None:
        print("no", n % 3)
    else:
        print("small", m)
    a, b = n, n * 2
    a, b = b, a
    print(a, b)
