# Python builtins and str operations.
from pybpf import *

PID: Final[int] = 0
n: Hash[u32, i64] = Hash()


@tracepoint("syscalls/sys_enter_getppid")
def builtins() -> None:
    if pid() != PID:
        return
    k = n[0]
    n[0] += 1
    s = "hello, world"
    print(len(s), len(""), abs(k - 4), min(k, 3, 5 - k), max(-k, k - 2, 1), int(True), bool(k), u8(k + 250))
    print(s.startswith("hello"), s.startswith("world"), s.endswith("world"), s.endswith(""), s[k], s[-1 - k])
    print(s[2:5], s[:k], s[k:], s[-5:], s[-100:3], s[7:100], f"[{s[3:3]}]")
    print(s[k + 9])
