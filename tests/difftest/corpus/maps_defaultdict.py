# Maps are collections.defaultdict: reads insert zeros, get does not, in
# and del, string keys with capacity checks, value range checks
# (OverflowError) and a full map (MapFullError), per-CPU and LRU maps;
# the exit print sorts by value.
from pybpf import *

PID: Final[int] = 0
m: Hash[i16, u8] = Hash()
s: Hash[str[8], i64] = Hash()
full: Hash[u32, u32] = Hash(max_entries=2)
pc: PerCPUHash[u32, i64] = PerCPUHash()
lru: LRUHash[u64, i32] = LRUHash()


@tracepoint("syscalls/sys_enter_getppid")
def maps() -> None:
    if pid() != PID:
        return
    z = pid() - pid()
    print(m[-5], -5 in m, 6 in m, m.get(6, -1), 6 not in m)
    m[7] = 255
    try:
        m[8] = 256 + z
    except OverflowError:
        print("value OverflowError")
    try:
        m[32768 + z] = 1
    except OverflowError:
        print("key OverflowError")
    try:
        del m[100]
    except KeyError:
        print("KeyError")
    del m[-5]
    s["python3"] += 3
    s[comm()] -= 1
    long: str[16] = "toolong!"
    try:
        s[long] = 1
    except ValueError:
        print("ValueError")
    full[1] = 1
    full[2] = 2
    full[1] += 5
    try:
        full[3] = 3
    except MapFullError:
        print("MapFullError")
    try:
        print(full[4])
    except RuntimeError:
        print("RuntimeError")
    pc[0] += 5
    pc[1] -= 2
    lru[9223372036854775807] = -1
    lru[z] = 2147483647
    print(lru.get(z, 0), lru.get(1, 9))
