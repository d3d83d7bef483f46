# Maps are collections.defaultdict: reads insert zero; get, in and del as in Python.
from pybpf import *

PID: Final[int] = 0
m: Hash[u32, i64] = Hash()
names: Hash[str[16], u32] = Hash()
hits: u32 = 0


@tracepoint("syscalls/sys_enter_getppid")
def maps() -> None:
    global hits
    if pid() != PID:
        return
    n = m[100]
    m[100] += 1
    print("read", m[n * 2], "has", (n * 2) in m, (n * 2 + 1) in m, m.get(n * 2 + 1, -1), 5 not in m)
    m[n * 2 + 1] = n * n - 3
    if n == 2:
        del m[4]
    if n == 3:
        del m[99]
    names["probe"] += 2
    hits += 1
    print("hits", hits, names["probe"], names.get("other", 7))
