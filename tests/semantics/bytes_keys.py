# bytes[N] map keys: a key is exactly N bytes (NULs and bytes above 0x7f
# included); d[k] = v, d[k] += n, d[k] (a defaultdict read inserts the key),
# d.get(k, default), k in d, del d[k] as with a Python dict of bytes keys.
# At exit keys show as repr(k) and tie by key as Python sorts bytes (by
# unsigned byte); a tuple key may hold bytes too. (The LRU maps have room to
# spare: a kernel LRU map may evict before it is full, which CPython would not.)
from pybpf import *

PID: Final[int] = 0
seen: Hash[bytes[4], i64] = Hash()
lru: LRUHash[bytes[3], u32] = LRUHash(max_entries=1024)
per: PerCPUHash[bytes[2], u64] = PerCPUHash()
lruper: LRUPerCPUHash[bytes[2], u64] = LRUPerCPUHash(max_entries=1024)
pairs: Hash[tuple[bytes[2], u8], int] = Hash()
calls: int = 0


@tracepoint("syscalls/sys_enter_getppid")
def bytes_keys() -> None:
    global calls
    if pid() != PID:
        return
    calls += 1
    magic: bytes[4] = b"\x7fELF"
    other = b"\x80\x00\x00\x01"
    seen[magic] += 1
    seen[b"\x00\x00\x00\x00"] = 5   # all NULs is a key like any other
    n = seen[other]   # a missing key is inserted with 0, as a defaultdict would
    seen[other] = n + calls
    print(seen[magic], seen[other], seen.get(b"none", -1), seen.get(magic, -1), b"none" in seen, magic in seen,
          b"\x7fELG" not in seen)
    k = b"abc"
    if calls % 2 == 0:
        k = b"a'c"
    lru[k] += 2
    print(k, lru[k], k in lru)
    per[b"\xff\x00"] += 1
    lruper[b"\x00\xff"] += calls
    print(b"\xff\x00" in per, b"\x00\xff" in lruper, b"\x00\x00" in per)
    pairs[b"ab", u8(calls % 3)] += 10
    print(pairs[b"ab", 1], pairs.get((b"ab", 7), -1), (b"ab", 2) in pairs, (b"ba", 2) in pairs)
    if calls == 3:
        del seen[b"\x00\x00\x00\x00"]
        print(b"\x00\x00\x00\x00" in seen, seen.get(b"\x00\x00\x00\x00", 9))
        try:
            del seen[b"gone"]
        except KeyError:
            print("KeyError")
    if calls == 5:
        seen[b"ab\x00\xff"] = 1   # ties with others at 1: by key, unsigned
        seen[b"ab\x00\x7f"] = 1
        seen[b"\xfe\x00\x00\x00"] = 1
    if calls == 8:
        del seen[b"\x7fELF"]
        del seen[b"gone"]   # KeyError, not caught
