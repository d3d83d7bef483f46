"""pybpf for CPython: run a probe file as ordinary Python.

`from pybpf import *` in a probe brings these names. In the kernel pybpf
compiles them; here they are plain Python with the same meaning, so a probe
can be run and tested in CPython, and the test suite can check that the
kernel computes exactly what CPython computes.

- Hash[K, V] (and LRUHash, PerCPUHash, LRUPerCPUHash) is a
  collections.defaultdict: a missing key reads as the value type's zero and
  is inserted; `d[k] += n` starts from zero.
- u8..u64, i8..i64 are int (range checks are pybpf's, see docs/language.md);
  str[N] is str.
- pid(), tid(), comm(), ktime_ns(), wallclock_ns(), cpu(), uid(), gid() answer for this process.
- @tracepoint("cat/name") returns the function unchanged.
- Packet probes (@xdp, @tc, @cgroup_skb; pybpf.net, docs/packets.md): a
  probe runs on a packet with run_packet(probe, data, **ctx_fields), which
  gives (verdict, the packet's bytes afterwards), as BPF_PROG_TEST_RUN does.
"""
import bisect
import builtins
import collections
import contextlib
import dataclasses
import errno
import os
import re
import sys
import threading
import time
import types
from typing import Final

__all__ = [
    "Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "Final",
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "str", "bytes",
    "pid", "tid", "comm", "ktime_ns", "wallclock_ns", "cpu", "uid", "gid", "tracepoint",
    "MapFullError", "FaultError", "Struct", "RingBuf", "Array", "PerCPUArray", "Queue", "Stack", "SortedList", "BloomFilter", "LPMTrie",
    "TaskStorage", "CgrpStorage", "SkStorage", "InodeStorage",
    "Count", "Sum", "Min", "Max", "Avg", "Stats", "Hist", "LHist", "ptr", "current_task", "ctx", "ksym", "user_str", "kernel_str",
    "user_bytes", "kernel_bytes", "user_read", "wallclock_ns", "ntohs", "ntohl", "htons", "htonl",
    "tp_btf", "raw_tp", "uprobe", "uretprobe", "usdt", "kprobe", "kretprobe", "fentry", "fexit", "lsm",
    "profile", "interval", "begin", "end", "iter", "TracepointArgs", "bpf",
    "bpf_strlen", "bpf_strnlen", "bpf_strchr", "bpf_strnchr", "bpf_strchrnul", "bpf_strrchr", "bpf_strstr",
    "bpf_strnstr", "bpf_strcmp", "bpf_strcasecmp", "bpf_strspn", "bpf_strcspn", "bpf_iter_bits",
    "bpf_copy_from_user_str", "bpf_copy_from_user_task_str", "bpf_cpumask_populate", "bpf_path_d_path",
    "bpf_cgroup_read_xattr", "bpf_get_file_xattr", "bpf_get_dentry_xattr", "bpf_set_dentry_xattr",
    "bpf_remove_dentry_xattr", "bpf_dynptr_clone", "bpf_local_irq_save",
    "Wq", "bpf_wq_init", "bpf_wq_set_callback", "bpf_wq_start",
    "bpf_rdonly_cast", "bpf_cast_to_kern_ctx", "TaskWork", "bpf_task_work_schedule_signal", "bpf_task_work_schedule_resume",
    "Timer", "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_BOOTTIME", "ProgArray",
    "PerfBuf", "PerfCounters", "BPF_F_CURRENT_CPU", "UserRingBuf",
    "SpinLock", "ResSpinLock", "bpf_res_spin_lock", "bpf_res_spin_lock_irqsave",
    "DSQ",
]


def _ip_text(v):
    """f"{x:ip}" as pybpf's print gives it: an int is an IPv4 address as read
    from memory (its low 32 bits, little-endian: network order), bytes of
    length 4 / 16 an IPv4 / IPv6 address; the text of inet_ntop(3)."""
    import socket
    if isinstance(v, builtins.bytes) and len(v) in (4, 16):
        return socket.inet_ntop(socket.AF_INET if len(v) == 4 else socket.AF_INET6, v)
    if isinstance(v, int) and not isinstance(v, bool):
        return socket.inet_ntop(socket.AF_INET, (v & 0xffffffff).to_bytes(4, "little"))
    raise ValueError(f"':ip' formats an int, bytes[4] or bytes[16], not {type(v).__name__}")


class _Int(int):
    """u8..u64 / i8..i64: ints; the bounds are checked by pybpf in the kernel."""
    bits = 64
    signed = False

    def __format__(self, spec):
        return _ip_text(self) if spec == "ip" else int.__format__(self, spec)


def _int_type(name, bits, signed):
    return type(name, (_Int,), {"bits": bits, "signed": signed})


u8, u16, u32, u64 = (_int_type(f"u{b}", b, False) for b in (8, 16, 32, 64))
i8, i16, i32, i64 = (_int_type(f"i{b}", b, True) for b in (8, 16, 32, 64))


class str(builtins.str):
    """str[N]: a string of capacity N bytes (the NUL included) in the kernel.
    str[N] is a subclass that knows N (cap), for a Struct's layout."""

    def __class_getitem__(cls, cap):
        return _sized(cls, "cap", cap)


class bytes(builtins.bytes):
    """bytes[N]: exactly N bytes in the kernel. f"{b:ip}" formats 4 or 16
    of them as an IP address, as pybpf's print does."""

    def __class_getitem__(cls, n):
        return _sized(cls, "n", n)

    def __format__(self, spec):
        return _ip_text(self) if spec == "ip" else builtins.bytes.__format__(self, spec)


_SIZED = {}


def _sized(cls, attr, n):
    """str[N] / bytes[N]: one subclass per N that carries it"""
    if (cls, n) not in _SIZED:
        _SIZED[cls, n] = type(f"{cls.__name__}[{n}]", (cls,), {attr: n})
    return _SIZED[cls, n]


class Hash(collections.defaultdict):
    """A BPF hash map: a defaultdict whose default is the value type's zero."""

    zero = 0
    agg = None   # Hash[K, Count]: the aggregation class whose new item a missing key reads as

    def __init__(self, max_entries=10240, items=None, labels=None, metric=None):
        super().__init__(self.agg if self.agg is not None else lambda: self.zero)
        self.max_entries = max_entries
        self.labels, self.metric = labels, metric   # pybpf load --metrics (docs/metrics.md)
        _fill(self, items)

    def __class_getitem__(cls, kv):
        v = kv[1] if isinstance(kv, tuple) and len(kv) == 2 else None
        if isinstance(v, type) and issubclass(v, _Agg):   # Hash[K, Count]: d[k].add() on a new Count
            return type(cls.__name__, (cls,), {"agg": v})
        if getattr(v, "__origin__", None) is tuple:   # Hash[K, tuple[A, B]]: items default to (0, 0)
            return type(cls.__name__, (cls,), {"zero": tuple(0 for _ in v.__args__)})
        if v is Timer and cls is Hash:
            return _TimerHash
        return cls

    def __missing__(self, key):
        if len(self) >= self.max_entries:
            raise MapFullError(f"map is full ({self.max_entries} entries)")
        if not getattr(self, "_typed", False):
            self._typed = True
            self._annotated_value()
        return super().__missing__(key)

    def _annotated_value(self):
        """`d: Hash[K, Count] = Hash()`: Hash() cannot see the annotation, so the
        first missing key looks it up (the module's __annotations__ of the global
        bound to this map), for the value type's zero: a Count, a tuple of zeros."""
        f = sys._getframe(2)
        while f:
            for name, v in f.f_globals.items():
                if v is self:
                    t = f.f_globals.get("__annotations__", {}).get(name)   # Hash[K, V] is a class here
                    if not (isinstance(t, type) and issubclass(t, Hash)):
                        return
                    if getattr(t, "agg", None) is not None:
                        self.default_factory = t.agg
                    elif getattr(t, "zero", 0) != self.zero:
                        self.zero = t.zero
                    return
            f = f.f_back


def _fill(m, items):
    """items={k: v, ...} of a map's constructor: its first items, stored as m[k] = v
    (in the kernel by a probe of pybpf's own, run before anything attaches)"""
    for k, v in (items or {}).items():
        m[k] = v


class LRUHash(Hash):
    pass


class PerCPUHash(Hash):
    pass


class LRUPerCPUHash(Hash):
    pass


class LPMTrie(dict):
    """LPMTrie[K, V](max_entries=N): keys are (prefix, length) pairs, the
    prefix being the top `length` bits of a K; t[addr] and t[prefix, length]
    find the longest stored prefix that matches (KeyError when none does)."""

    bits = 32
    key_t = None

    def __init__(self, max_entries=10240, items=None):
        super().__init__()
        self.max_entries = max_entries
        _fill(self, items)

    def __class_getitem__(cls, kv):
        return type(cls.__name__, (cls,), {"bits": kv[0].bits, "key_t": kv[0]})

    def _key(self, k):
        addr, length = k if isinstance(k, tuple) else (k, self.bits)
        if isinstance(addr, (builtins.bytes, bytearray)) and len(addr) * 8 == self.bits:
            addr = int.from_bytes(addr, "big")   # an IPv6 (bytes[16]): its prefix from the first octet
        if not 0 <= length <= self.bits:
            raise ValueError(f"prefix length {length} is not 0..{self.bits}")
        if not 0 <= addr < 1 << self.bits:
            raise OverflowError(f"{addr} does not fit in {self.bits} bits")
        return addr >> (self.bits - length) << (self.bits - length), length

    def _match(self, k):
        addr, length = self._key(k)
        for n in range(length, -1, -1):
            p = addr >> (self.bits - n) << (self.bits - n)
            if dict.__contains__(self, (p, n)):
                return p, n
        return None

    def __getitem__(self, k):
        m = self._match(k)
        if m is None:
            raise KeyError(k)
        return dict.__getitem__(self, m)

    def get(self, k, default=None):
        m = self._match(k)
        return default if m is None else dict.__getitem__(self, m)

    def __contains__(self, k):
        return self._match(k) is not None

    def __setitem__(self, k, v):
        key = self._key(k)
        if key not in self.keys() and len(self) >= self.max_entries:
            raise MapFullError("trie is full")
        dict.__setitem__(self, key, v)

    def __delitem__(self, k):
        dict.__delitem__(self, self._key(k))


class MapFullError(RuntimeError):
    """Raised by pybpf when a map update finds the map full."""


class FaultError(RuntimeError):
    """Raised by pybpf when reading kernel or user memory fails."""


class Struct:
    """class E(Struct): annotated fields become a dataclass (its repr is what
    pybpf load prints for a RingBuf record)."""

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        for name, t in cls.__dict__.get("__annotations__", {}).items():
            if t in (SpinLock, ResSpinLock):   # a lock field: its own lock, not part of the value
                setattr(cls, name, dataclasses.field(default_factory=t, init=False, repr=False, compare=False))
        dataclasses.dataclass(cls)


class SpinLock:
    """A Struct field: the item's lock (in the kernel a struct bpf_spin_lock in
    the map value), taken by 'with bpf.spin_lock(m, k) as v:'; here a
    threading.Lock, so that threads running the probe's code lock alike."""

    def __init__(self):
        self._lock = threading.Lock()

    def _take(self):
        self._lock.acquire()

    def _release(self):
        self._lock.release()


class ResSpinLock(SpinLock):
    """A Struct field: a resilient spin lock (struct bpf_res_spin_lock), taken
    by 'with bpf_res_spin_lock(m, k) as v:', which raises OSError instead of
    hanging: EDEADLK when this thread holds it already, ETIMEDOUT when it
    stays held by another for the kernel's timeout (0.25 s)."""

    def __init__(self):
        super().__init__()
        self._owner = None

    def _take(self):
        if self._owner == threading.get_ident():
            raise OSError(errno.EDEADLK, "bpf_res_spin_lock: a deadlock (this thread holds the lock)")
        if not self._lock.acquire(timeout=0.25):
            raise OSError(errno.ETIMEDOUT, "bpf_res_spin_lock: the lock stayed held")
        self._owner = threading.get_ident()

    def _release(self):
        self._owner = None
        self._lock.release()


def _zero_struct(t):
    """An Array's item of Struct t: its fields' defaults, else zero ('' for a str, b'' for bytes)"""
    def zero(f):
        ft = t.__annotations__.get(f.name)
        return "" if isinstance(ft, type) and issubclass(ft, builtins.str) else \
            ft(builtins.bytes(getattr(ft, "n", 0))) if isinstance(ft, type) and issubclass(ft, builtins.bytes) else \
            False if ft is bool else 0
    return t(**{f.name: zero(f) for f in dataclasses.fields(t)
                if f.init and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING})


def _lock_field(v, kind):
    """The lock of map item v, a Struct with a field of type kind"""
    for f in dataclasses.fields(v) if dataclasses.is_dataclass(v) else ():
        lock = getattr(v, f.name)
        if isinstance(lock, kind) and (kind is ResSpinLock) == isinstance(lock, ResSpinLock):
            return lock
    raise TypeError(f"the items of this map are {type(v).__name__}, not a Struct with a {kind.__name__} field "
                    f"(an Array of them is made as Array[S](N) here: the annotated form, a: Array[S] = Array(N), "
                    f"makes a list of zeros)")


@contextlib.contextmanager
def _locked(m, k, kind):
    """with bpf.spin_lock(m, k) as v: m[k] looked up once (KeyError for a
    Hash's missing key, not inserted; IndexError outside an Array), its lock
    held for the block and released on every way out"""
    if isinstance(m, dict) and k not in m:
        raise KeyError(k)
    v = m[k]
    lock = _lock_field(v, kind)
    lock._take()
    try:
        yield v
    finally:
        lock._release()


def bpf_res_spin_lock(m, k):
    """with bpf_res_spin_lock(m, k) as v: as bpf.spin_lock, on a ResSpinLock; OSError when it cannot lock"""
    return _locked(m, k, ResSpinLock)


def bpf_res_spin_lock_irqsave(m, k):
    """with bpf_res_spin_lock_irqsave(m, k) as v: the same (a user process has no interrupts to disable)"""
    return _locked(m, k, ResSpinLock)


class RingBuf:
    """RingBuf[E](size=BYTES): output(rec) sends a record to user space."""

    def __init__(self, size=256 * 1024):
        self.size = size

    def __class_getitem__(cls, t):
        return types.GenericAlias(cls, (t,))   # RingBuf[E](...) keeps E in __orig_class__

    def output(self, rec):
        builtins.print(repr(rec))


class PerfBuf:
    """PerfBuf[E](): records sent by bpf.perf_event_output(ctx(), events,
    BPF_F_CURRENT_CPU, rec) (in the kernel a BPF_MAP_TYPE_PERF_EVENT_ARRAY,
    read per CPU by the loader); here printed as pybpf load prints them."""

    def __class_getitem__(cls, t):
        return types.GenericAlias(cls, (t,))


class UserRingBuf:
    """UserRingBuf[T](size=BYTES): records written by user space, the lines
    of standard input (a str[N] line without its newline, or an int literal),
    taken by bpf.user_ringbuf_drain(m, f). Here they are read from
    sys.stdin as pybpf load reads them, until its end, at the first drain."""

    def __class_getitem__(cls, t):
        return types.GenericAlias(cls, (t,))

    def __init__(self, size=65536):
        self.size = size
        self.records = None

    def _take(self, t):
        if self.records is None:
            self.records = collections.deque()
            for no, line in enumerate(sys.stdin, 1):
                line = line[:-1] if line.endswith("\n") else line
                why = _user_record(line, t)
                if isinstance(why, builtins.str) and why.startswith("!"):
                    print(f"pybpf: line {no} of standard input was not written to UserRingBuf: {why[1:]}",
                          file=sys.stderr)
                else:
                    self.records.append(why)
        return self.records


def _user_record(line, t):
    """A line as a record of type t, or "!why" (loader/userrb.c's rules)."""
    cap = getattr(t, "cap", None)
    if cap is not None:
        return line if len(line.encode()) < cap else f"!it is longer than {cap - 1} characters"
    try:
        prefixed = line.strip().lstrip("+-")[:2].lower() in ("0x", "0o", "0b")
        v = int(line, 0) if prefixed else int(line)
    except ValueError:
        return "!it is not an int"
    bits = getattr(t, "bits", 64)
    lo, hi = (-(1 << (bits - 1)), 1 << (bits - 1)) if getattr(t, "signed", True) else (0, 1 << bits)
    return v if lo <= v < hi else f"!it does not fit {getattr(t, '__name__', 'int')}"


# the perf events PerfCounters("NAME") takes (pyc/check_perf.c's list, perf(1)'s names)
_PERF_EVENTS = ("cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults",
                "major-faults", "alignment-faults", "emulation-faults", "cycles", "instructions", "cache-references",
                "cache-misses", "branches", "branch-misses", "bus-cycles", "ref-cycles")


class PerfCounters:
    """PerfCounters("NAME"): a perf event counting on each CPU (in the kernel
    a BPF_MAP_TYPE_PERF_EVENT_ARRAY the loader fills), read by
    bpf.perf_event_read(counters, BPF_F_CURRENT_CPU) in the kernel only."""

    def __init__(self, event):
        if event not in _PERF_EVENTS:
            raise ValueError(f"PerfCounters has no event {event!r}: it takes one of {', '.join(_PERF_EVENTS)}")
        self.event = event


# the index of the running CPU's item of a PerfBuf or PerfCounters
BPF_F_CURRENT_CPU: Final = 0xFFFFFFFF


class Array(list):
    """Array[V](N): a list of N zeros (IndexError out of range); Array[Timer](N): N timers."""

    def __init__(self, n=1, items=None):
        super().__init__([0] * n)
        _fill(self, items)

    def __class_getitem__(cls, t):
        if isinstance(t, type) and issubclass(t, Struct) and cls is Array:   # Array[S](N): N items S()
            return type(f"Array[{t.__name__}]", (cls,), {"__init__": lambda self, n=1: list.__init__(
                self, [_zero_struct(t) for _ in range(n)])})
        return _TimerArray if t is Timer else cls


class PerCPUArray(Array):
    pass


# bpf.timer_init's clocks (the kernel's clock ids)
CLOCK_REALTIME: Final = 0
CLOCK_MONOTONIC: Final = 1
CLOCK_BOOTTIME: Final = 7


class ProgArray(list):
    """ProgArray([f, g]): the probe functions bpf.tail_call(ctx(), handlers, i)
    runs by index (in the kernel a BPF_MAP_TYPE_PROG_ARRAY; its probes are
    loaded, not attached). handlers[i] is the function, as in the list."""


class Timer:
    """An item of Array[Timer](N) or Hash[K, Timer]: a BPF timer, used only through
    bpf.timer_init(t, clock), bpf.timer_set_callback(t, f),
    bpf.timer_start(t, nsecs, flags) and bpf.timer_cancel(t). Here a
    threading.Timer runs f(key) in a thread of its own, as the kernel runs
    the callback in a softirq."""

    def __init__(self, key=0):
        self.key = key
        self.clock = None
        self.callback = None
        self.pending = None
        self.lock = threading.Lock()

    def _drop(self):
        with self.lock:
            th, self.pending = self.pending, None
        if th:
            th.cancel()

    def _fire(self, t):
        with self.lock:
            if self.pending is not t:
                return
            self.pending = None
        self.callback(self.key)


class _TimerArray(Array):
    """Array[Timer](N): N timers, keyed 0..N-1."""

    def __init__(self, n=1):
        list.__init__(self, [Timer(i) for i in range(n)])


class _TimerHash(dict):
    """Hash[K, Timer](max_entries=N): timers[k] = Timer() makes k's timer
    (dropping, so cancelling, the one it had, as the kernel frees it with
    its item); a missing key is a KeyError (no defaultdict here)."""

    def __init__(self, max_entries=10240):
        super().__init__()
        self.max_entries = max_entries

    def __setitem__(self, key, value):
        if not isinstance(value, Timer):
            raise TypeError("an item of a Hash of timers is a Timer(): timers[k] = Timer()")
        if key not in self and len(self) >= self.max_entries:
            raise MapFullError(f"map is full ({self.max_entries} entries)")
        if key in self:
            self[key]._drop()
        value.key = key
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self[key]._drop()
        super().__delitem__(key)


def _timer(t, helper):
    if not isinstance(t, Timer):
        raise NotImplementedError(f"bpf.{helper}() takes timers[k] of an Array or Hash of timers; in CPython the map "
                                  "must be created as Array[Timer](N) or Hash[K, Timer](max_entries=N) (the annotated "
                                  "form, timers: Array[Timer] = Array(N), makes a map of zeros here)")
    return t


class Queue(collections.deque):
    """Queue[V](N): append() and popleft(); MapFullError when full."""

    def __init__(self, n=1):
        super().__init__()
        self.max_entries = n

    def __class_getitem__(cls, t):
        return cls

    def append(self, v):
        if len(self) >= self.max_entries:
            raise MapFullError("queue is full")
        super().append(v)


class Stack(Queue):
    """Stack[V](N): append() and pop()."""


class SortedList:
    """SortedList[V](N): add(), first(), pop_first(), len(); smallest first."""

    def __init__(self, max_entries=1):
        self.items = []
        self.max_entries = max_entries

    def __class_getitem__(cls, t):
        return cls

    def add(self, v):
        if len(self.items) >= self.max_entries:
            raise MapFullError("sorted list is full")
        bisect.insort(self.items, v)

    def first(self):
        if not self.items:
            raise IndexError("first() of an empty SortedList")
        return self.items[0]

    def pop_first(self):
        if not self.items:
            raise IndexError("pop_first() of an empty SortedList")
        return self.items.pop(0)

    def __len__(self):
        return len(self.items)


class BloomFilter(set):
    """BloomFilter[V](N): add() and `in`. A set here; the kernel's filter
    may also say True for a value never added (a false positive)."""

    def __init__(self, max_entries=1):
        super().__init__()
        self.max_entries = max_entries

    def __class_getitem__(cls, t):
        return cls


class TaskStorage:
    """TaskStorage[V](): one item per kernel task, keyed by the task's
    task_struct (current_task()), which a user process has not: it can be
    declared here (so a probe file imports), but its items are reached only
    in the kernel."""

    keyed_by = "task"

    def __class_getitem__(cls, t):
        return cls

    def _kernel_only(self, *args):
        raise NotImplementedError(f"a {type(self).__name__} is keyed by the kernel's {self.keyed_by} objects: its "
                                  "items are reached only in the kernel (pybpf load)")

    __getitem__ = __setitem__ = __delitem__ = __contains__ = get = _kernel_only


class CgrpStorage(TaskStorage):
    """CgrpStorage[V](): one item per cgroup, keyed by the kernel's struct
    cgroup (a with block's bpf_cgroup_from_id reference); kernel only."""

    keyed_by = "cgroup"


class SkStorage(TaskStorage):
    """SkStorage[V](): one item per socket, keyed by the kernel's socket
    pointer (a @tp_btf probe's struct sock *); kernel only."""

    keyed_by = "socket"


class InodeStorage(TaskStorage):
    """InodeStorage[V](): one item per inode, keyed by the kernel's inode
    pointer (an @lsm hook's struct inode *); kernel only."""

    keyed_by = "inode"


class _Agg:
    def __init__(self):
        self.values = []

    def add(self, x=1):
        self.values.append(x)


class Count(_Agg):
    pass


class Sum(_Agg):
    pass


class Min(_Agg):
    pass


class Max(_Agg):
    pass


class Avg(_Agg):
    pass


class Stats(_Agg):
    pass


class Hist(_Agg):
    pass


class LHist(_Agg):
    def __class_getitem__(cls, bounds):
        return cls


class ptr(int):
    """An address read from a register or a tracepoint field."""


def current_task():
    raise NotImplementedError("current_task() reads kernel memory: it runs only in the kernel")


def user_str(p, n):
    raise NotImplementedError("user_str() reads process memory: it runs only in the kernel")


def kernel_str(p, n):
    raise NotImplementedError("kernel_str() reads kernel memory: it runs only in the kernel")


def user_read(p, t=None):
    raise NotImplementedError("user_read() reads process memory: it runs only in the kernel")


def ntohs(x):
    import socket
    return socket.ntohs(x & 0xffff)


def ntohl(x):
    import socket
    return socket.ntohl(x & 0xffffffff)


htons, htonl = ntohs, ntohl


def user_bytes(p, n):
    raise NotImplementedError("user_bytes() reads process memory: it runs only in the kernel")


def kernel_bytes(p, n):
    raise NotImplementedError("kernel_bytes() reads kernel memory: it runs only in the kernel")


def pid():
    return os.getpid()


def tid():
    return threading.get_native_id()


def comm():
    with open("/proc/self/comm") as f:
        return f.read().strip()[:15]


def ktime_ns():
    return time.monotonic_ns()


class _WallNs(int):
    """wallclock_ns(): an int; f"{t:%H:%M:%S}" formats it with strftime (%f: microseconds), as pybpf's print does."""
    def __format__(self, spec):
        if re.search("%[A-Za-z]", spec):
            import datetime
            return datetime.datetime.fromtimestamp(int(self) / 1e9).strftime(spec)
        return int.__format__(self, spec)


def wallclock_ns():
    return _WallNs(time.time_ns())


def cpu():
    return os.sched_getaffinity(0).pop() if hasattr(os, "sched_getaffinity") else 0


def uid():
    return os.getuid()


def gid():
    return os.getgid()


class _Helpers:
    """bpf.NAME(): the BPF helpers that mean the same in a user process (the
    one running the probe file). Others raise NotImplementedError; in the
    kernel every helper of bpf_helper_defs.h is there (docs/language.md)."""

    def get_prandom_u32(self):
        import random
        return random.getrandbits(32)

    def get_current_pid_tgid(self):
        return os.getpid() << 32 | threading.get_native_id()

    def get_current_uid_gid(self):
        return os.getgid() << 32 | os.getuid()

    def get_current_cgroup_id(self):
        with builtins.open("/proc/self/cgroup") as f:
            path = [ln.split(":", 2)[2].strip() for ln in f if ln.startswith("0::")][0]
        return os.stat("/sys/fs/cgroup" + path).st_ino

    def get_smp_processor_id(self):
        return cpu()

    def ktime_get_ns(self):
        return time.monotonic_ns()

    def ktime_get_boot_ns(self):
        return time.clock_gettime_ns(time.CLOCK_BOOTTIME)

    def send_signal(self, sig):
        os.kill(os.getpid(), sig)   # OSError for an invalid signal, as -EINVAL is in the kernel
        return 0

    def loop(self, nr_loops, callback_fn):
        """The kernel's bpf_loop: callback_fn(i) for i in 0..nr_loops-1 until
        it returns True; how many calls it made. More than 1 << 23 is E2BIG."""
        if not 0 <= nr_loops < 2**32:
            raise OverflowError(f"{nr_loops} does not fit the number of calls of bpf.loop (u32)")
        if nr_loops > 1 << 23:
            raise OSError(errno.E2BIG, "bpf.loop: more than 1 << 23 calls")
        for i in range(nr_loops):
            if callback_fn(i):
                return i + 1
        return nr_loops

    def user_ringbuf_drain(self, m, callback_fn):
        """The kernel's bpf_user_ringbuf_drain: callback_fn(record) for each
        record of the UserRingBuf m, in order, until it returns True (that
        record is taken too); how many it took."""
        t = getattr(getattr(m, "__orig_class__", None), "__args__", (int,))[0]
        records, n = m._take(t), 0
        while records:
            n += 1
            if callback_fn(records.popleft()):
                break
        return n

    def for_each_map_elem(self, m, callback_fn):
        """The kernel's bpf_for_each_map_elem: callback_fn(key, value) for each
        item (an Array: every index) until it returns True; how many calls."""
        items = list(enumerate(m)) if isinstance(m, list) else list(m.items())
        for n, (k, v) in enumerate(items, 1):
            if callback_fn(k, v):
                return n
        return len(items)

    # ring buffer reservations and dynptrs (pyc/check_dynptr.c); here the
    # ring buffer is never full, so a reservation is never None

    def spin_lock(self, m, k):
        """with bpf.spin_lock(m, k) as v: the item m[k] with its SpinLock held (pyc/check_lock.c)"""
        return _locked(m, k, SpinLock)

    def spin_unlock(self, lock):
        raise NotImplementedError("bpf.spin_unlock() is called by the end of 'with bpf.spin_lock(m, k) as v:'")

    def ringbuf_reserve(self, ringbuf, flags=0):
        """with bpf.ringbuf_reserve(events) as rec: a zeroed record, output
        at the block's end unless an exception leaves it (discarded)"""
        return _Reservation(ringbuf, False)

    def ringbuf_reserve_dynptr(self, ringbuf, flags=0):
        """with bpf.ringbuf_reserve_dynptr(events) as d: a Dynptr over the
        record's sizeof(E) zero bytes, output at the block's end"""
        return _Reservation(ringbuf, True)

    def dynptr_from_mem(self, data, flags):
        """A Dynptr over a copy of data's bytes (a str: its UTF-8 bytes and a NUL)"""
        _dynptr_flags(flags)
        return Dynptr(_mem_bytes(data))

    def dynptr_read(self, dst, src, offset, flags):
        """Reads len(dst) bytes at offset into dst: a bytearray, or a Struct"""
        _dynptr_flags(flags)
        n = len(dst) if isinstance(dst, bytearray) else _layout(type(dst))[1]
        got = src._slice(offset, n)
        if isinstance(dst, bytearray):
            dst[:] = got
        elif isinstance(dst, Struct):
            for f, v in vars(_unpack(type(dst), got)).items():
                setattr(dst, f, v)
        else:
            raise NotImplementedError("bpf.dynptr_read() writes into dst: in CPython pass a bytearray or a Struct "
                                      "(bytes and str are immutable)")
        return 0

    def dynptr_write(self, dst, offset, src, flags):
        """Writes src's bytes into dst at offset"""
        _dynptr_flags(flags)
        data = _mem_bytes(src)
        dst._slice(offset, len(data))
        dst.buf[offset:offset + len(data)] = data
        return 0

    def timer_init(self, timer, flags):
        """-EBUSY when already initialised, -EINVAL for another clock."""
        t = _timer(timer, "timer_init")
        with t.lock:
            if t.clock is not None:
                raise OSError(errno.EBUSY, "bpf.timer_init: the timer is already initialised")
            if flags not in (CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME):
                raise OSError(errno.EINVAL, "bpf.timer_init: flags must be CLOCK_MONOTONIC, CLOCK_REALTIME or CLOCK_BOOTTIME")
            t.clock = flags
        return 0

    def timer_set_callback(self, timer, callback_fn):
        t = _timer(timer, "timer_set_callback")
        with t.lock:
            if t.clock is None:
                raise OSError(errno.EINVAL, "bpf.timer_set_callback: the timer is not initialised")
            t.callback = callback_fn
        return 0

    def timer_start(self, timer, nsecs, flags):
        """callback_fn(key) after nsecs; -EINVAL before init and set_callback."""
        t = _timer(timer, "timer_start")
        with t.lock:
            if t.clock is None or t.callback is None or flags:
                raise OSError(errno.EINVAL, "bpf.timer_start: the timer has no callback yet (or flags are not 0)")
            if t.pending:
                t.pending.cancel()
            th = threading.Timer(nsecs / 1e9, lambda: t._fire(th))
            th.daemon = True
            t.pending = th
        th.start()
        return 0

    def perf_event_output(self, ctx, map, flags, data):
        """A PerfBuf's record: printed as pybpf load prints it (0, as the kernel's success)."""
        if not isinstance(map, PerfBuf):
            raise TypeError("bpf.perf_event_output() takes a PerfBuf")
        builtins.print(repr(data))
        return 0

    def perf_event_read(self, map, flags):
        raise NotImplementedError("bpf.perf_event_read() reads the running CPU's perf event of a PerfCounters, which "
                                  "the loader opens: it runs only in the kernel (pybpf load)")

    def perf_event_read_value(self, map, flags):
        raise NotImplementedError("bpf.perf_event_read_value() reads the running CPU's perf event of a PerfCounters, "
                                  "which the loader opens: it runs only in the kernel (pybpf load)")

    def tail_call(self, ctx, prog_array_map, index):
        raise NotImplementedError("bpf.tail_call() runs the handler with the probe's context in place of the rest "
                                  "of the probe (like os.exec): it exists only in the kernel, as ctx() does")

    def timer_cancel(self, timer):
        """1 when the timer was armed, else 0; -EINVAL before init."""
        t = _timer(timer, "timer_cancel")
        with t.lock:
            if t.clock is None:
                raise OSError(errno.EINVAL, "bpf.timer_cancel: the timer is not initialised")
            th, t.pending = t.pending, None
        if th:
            th.cancel()
        return int(th is not None)

    def map_lookup_elem(self, m, key):
        """The kernel's bpf_map_lookup_elem: m.get(key), None when missing."""
        return m.get(key)

    def strtol(self, buf, flags):
        """The kernel's bpf_strtol: (value, characters parsed)."""
        return _strto(buf, flags, True)

    def strtoul(self, buf, flags):
        """The kernel's bpf_strtoul: (value, characters parsed)."""
        return _strto(buf, flags, False)
    def get_current_task_btf(self):
        raise NotImplementedError("bpf.get_current_task_btf() gives the kernel's task_struct: it runs only in the "
                                  "kernel (pybpf load)")

    def get_task_stack(self, task, buf, flags):
        raise NotImplementedError("bpf.get_task_stack() walks a task's kernel stack: it runs only in the kernel "
                                  "(pybpf load)")

    def task_pt_regs(self, task):
        raise NotImplementedError("bpf.task_pt_regs() gives the address of a task's saved registers in kernel "
                                  "memory: it runs only in the kernel (pybpf load)")

    def _sock_helper(self, name, what):
        raise NotImplementedError(f"bpf.{name}() gives {what} of a kernel socket pointer, or None: it runs only "
                                  "in the kernel (pybpf load, a @tp_btf probe)")

    def skc_to_tcp_sock(self, sk):
        self._sock_helper("skc_to_tcp_sock", "the tcp_sock")

    def skc_to_tcp6_sock(self, sk):
        self._sock_helper("skc_to_tcp6_sock", "the tcp6_sock")

    def skc_to_udp6_sock(self, sk):
        self._sock_helper("skc_to_udp6_sock", "the udp6_sock")

    def skc_to_unix_sock(self, sk):
        self._sock_helper("skc_to_unix_sock", "the unix_sock")

    def skc_to_tcp_timewait_sock(self, sk):
        self._sock_helper("skc_to_tcp_timewait_sock", "the tcp_timewait_sock")

    def skc_to_tcp_request_sock(self, sk):
        self._sock_helper("skc_to_tcp_request_sock", "the tcp_request_sock")

    # the packet path's (pybpf.net): ctx.adjust_head(n) is bpf.xdp_adjust_head(ctx, n)
    def xdp_adjust_head(self, ctx, delta):
        return net.xdp_adjust_head(ctx, delta)

    def xdp_adjust_tail(self, ctx, delta):
        return net.xdp_adjust_tail(ctx, delta)

    def redirect(self, ifindex, flags):
        return net.redirect(ifindex, flags)

    def skb_pull_data(self, ctx, length):
        return net.skb_pull_data(ctx, length)

    def skb_change_tail(self, ctx, new_len, flags):
        return net.skb_change_tail(ctx, new_len, flags)

    def skb_adjust_room(self, ctx, len_diff, mode, flags):
        return net.skb_adjust_room(ctx, len_diff, mode, flags)

    def l3_csum_replace(self, ctx, offset, from_, to, flags):
        return net.l3_csum_replace(ctx, offset, from_, to, flags)

    def l4_csum_replace(self, ctx, offset, from_, to, flags):
        return net.l4_csum_replace(ctx, offset, from_, to, flags)

    def sock_from_file(self, file):
        raise NotImplementedError("bpf.sock_from_file() gives the struct socket of a kernel struct file pointer, or "
                                  "None: it runs only in the kernel (pybpf load, a @tp_btf probe)")

    def __getattr__(self, name):
        if name in ("ringbuf_submit", "ringbuf_discard", "ringbuf_submit_dynptr", "ringbuf_discard_dynptr"):
            raise NotImplementedError(f"bpf.{name}() is called by the with block of a reservation, not by the program")
        raise NotImplementedError(f"bpf.{name}() runs only in the kernel (pybpf load)")


class Dynptr:
    """A dynptr: bytes the dynptr helpers read and write (in CPython a bytearray)."""

    def __init__(self, buf):
        self.buf = buf

    def _slice(self, offset, n):
        if not 0 <= offset < 2**32:
            raise OverflowError(f"{offset} does not fit the offset of a dynptr (u32)")
        if offset + n > len(self.buf):
            raise OSError(errno.E2BIG, f"offset {offset} + {n} bytes is past the dynptr's {len(self.buf)} bytes")
        return builtins.bytes(self.buf[offset:offset + n])


def _dynptr_flags(flags):
    if flags != 0:
        raise OSError(errno.EINVAL, "the flags of a dynptr helper must be 0")


def _ringbuf_record(rb):
    """E of a RingBuf[E]: RingBuf[E](...) keeps it; `events: RingBuf[E] = RingBuf(...)` in the annotation"""
    t = getattr(rb, "__orig_class__", None)
    if t is not None:
        return t.__args__[0]
    f = sys._getframe(1)
    while f:
        for name, v in f.f_globals.items():
            ann = f.f_globals.get("__annotations__", {}).get(name)
            if v is rb and getattr(ann, "__args__", None):
                return ann.__args__[0]
        f = f.f_back
    raise TypeError("the RingBuf's record type is unknown: write 'events: RingBuf[E] = RingBuf(...)'")


def _field_size(t):
    """(size, alignment) of a Struct field of type t, as pybpf lays it out in C"""
    if isinstance(t, type) and issubclass(t, _Int):
        return t.bits // 8, t.bits // 8
    if t is bool:
        return 1, 1
    if t is int:
        return 8, 8
    n = getattr(t, "cap", None) or getattr(t, "n", None)
    if n is None:
        raise TypeError(f"a Struct field of type {t} has no size (str[N] and bytes[N] need N)")
    return n, 1


def _layout(cls):
    """([(field, type, offset, size)], sizeof): the C struct of a Struct class"""
    off, align, out = 0, 1, []
    for f in dataclasses.fields(cls):
        size, a = _field_size(f.type)
        off = (off + a - 1) // a * a
        out.append((f.name, f.type, off, size))
        off += size
        align = max(align, a)
    return out, (off + align - 1) // align * align


def _pack(rec):
    fields, size = _layout(type(rec))
    b = bytearray(size)
    for name, t, off, n in fields:
        v = getattr(rec, name)
        if isinstance(v, builtins.str):
            raw = v.encode()[:n - 1]
        elif isinstance(v, builtins.bytes):
            raw = v[:n]
        else:
            raw = int(v).to_bytes(n, "little", signed=getattr(t, "signed", t is int))
        b[off:off + len(raw)] = raw
    return b


def _unpack(cls, data):
    fields, _ = _layout(cls)
    vals = {}
    for name, t, off, n in fields:
        raw = data[off:off + n]
        if issubclass(t, builtins.str):
            vals[name] = raw.split(b"\0", 1)[0].decode(errors="replace")
        elif issubclass(t, builtins.bytes):
            vals[name] = builtins.bytes(raw)
        elif t is bool:
            vals[name] = raw[0] != 0
        else:
            vals[name] = int.from_bytes(raw, "little", signed=getattr(t, "signed", t is int))
    return cls(**vals)


def _mem_bytes(v):
    """The bytes of memory a dynptr helper takes: bytes, a str (and its NUL), a Struct"""
    if isinstance(v, (builtins.bytes, bytearray)):
        return bytearray(v)
    if isinstance(v, builtins.str):
        return bytearray(v.encode() + b"\0")
    if isinstance(v, Struct):
        return _pack(v)
    raise TypeError(f"a dynptr helper takes str, bytes or a Struct, not {type(v).__name__}")


class _Reservation:
    """with bpf.ringbuf_reserve(rb) as rec: (dynptr: as d:)"""

    def __init__(self, rb, dynptr):
        self.rb, self.cls = rb, _ringbuf_record(rb)
        size = _layout(self.cls)[1]
        self.val = Dynptr(bytearray(size)) if dynptr else _unpack(self.cls, builtins.bytes(size))

    def __enter__(self):
        return self.val

    def __exit__(self, et, ev, tb):
        if et is None:   # submitted; an exception discards it and goes on
            self.rb.output(_unpack(self.cls, self.val.buf) if isinstance(self.val, Dynptr) else self.val)
        return False

def _strto(buf, flags, signed):
    """bpf_strtol/bpf_strtoul as the kernel parses (kernel/bpf/helpers.c):
    leading white space, a '-' (strtol), the base from flags' low 5 bits (0:
    0x.. hex, 0.. octal, else decimal; 16 also skips 0x), then the digits;
    OSError EINVAL without digits or for other flags, ERANGE beyond the
    type. Returns (value, characters parsed)."""
    s = buf.decode("latin-1") if isinstance(buf, (bytes, bytearray)) else buf
    s = s.split("\0")[0]
    base = flags & 0x1f
    if flags & ~0x1f or base not in (0, 8, 10, 16):
        raise OSError(errno.EINVAL, "bpf.strtol: bad flags")
    i = 0
    while i < len(s) and s[i] in " \t\n\v\f\r":
        i += 1
    neg = i < len(s) and s[i] == "-"
    if neg:
        if not signed:
            raise OSError(errno.EINVAL, "bpf.strtoul: a negative number")
        i += 1
    hexp = s[i:i + 1] == "0" and s[i + 1:i + 2].lower() == "x" and s[i + 2:i + 3].lower() in set("0123456789abcdef") - {""}
    if base == 0:
        base = 16 if hexp else 8 if s[i:i + 1] == "0" else 10
    if base == 16 and s[i:i + 1] == "0" and s[i + 1:i + 2].lower() == "x":
        i += 2
    start = i
    digits = "0123456789abcdef"[:base]
    while i < len(s) and s[i].lower() in digits:
        i += 1
    if i == start:
        raise OSError(errno.EINVAL, "bpf.strtol: no digits")
    v = int(s[start:i], base)
    if v >= 2**64 or (signed and v > 2**63 - 1 + neg):
        raise OSError(errno.ERANGE, "bpf.strtol: out of range")
    if not signed and v > 2**63 - 1:
        raise OverflowError(f"{v} does not fit an int (above 2**63-1)")
    return (-v if neg else v), i


bpf = _Helpers()


class TracepointArgs:
    """The parameter of a @tracepoint probe (`def f(args: TracepointArgs)`):
    the tracepoint's fields, from its format in tracefs, as attributes."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def _decorator(kind):
    def deco(target=None, **kw):
        def wrap(fn):
            fn.__pybpf_attach__ = (kind, target, kw)
            return fn
        return wrap
    deco.__name__ = kind
    return deco


tracepoint = _decorator("tracepoint")
tp_btf = _decorator("tp_btf")
raw_tp = _decorator("raw_tp")
uprobe = _decorator("uprobe")
uretprobe = _decorator("uretprobe")
usdt = _decorator("usdt")
kprobe = _decorator("kprobe")
kretprobe = _decorator("kretprobe")
fentry = _decorator("fentry")
fexit = _decorator("fexit")
lsm = _decorator("lsm")
iter = _decorator("iter")   # noqa: A001  (as a decorator; builtins.iter stays reachable)
profile = _decorator("profile")
interval = _decorator("interval")


def begin(fn):
    fn.__pybpf_attach__ = ("begin", None, {})
    return fn


def end(fn):
    fn.__pybpf_attach__ = ("end", None, {})
    return fn


# ---- what runs only in the kernel, or only as pybpf load shows it ----------

import platform  # noqa: E402  (the standard modules: time.time_ns(), platform.release(),
import socket  # noqa: E402    socket.gethostname() mean the same in CPython)

open = builtins.open


def struct_ops(ops_type, name=None):
    """@struct_ops("tcp_congestion_ops", name="x"): the class is unchanged."""
    def wrap(cls):
        cls.__pybpf_struct_ops__ = (ops_type, name or cls.__name__)
        return cls
    return wrap


class DSQ(int):
    """SHARED = DSQ(0): a sched_ext dispatch queue, created by the scheduler's
    init in the kernel; in CPython the queue's id, as the scx kfuncs take it."""
    def __new__(cls, dsq_id):
        if not 0 <= dsq_id < 1 << 63:
            raise ValueError("a DSQ's id is from 0 to 2**63 - 1")
        return super().__new__(cls, dsq_id)


def printk(msg, level=6):
    """printk(msg, level=N): in CPython, to standard error with the level."""
    import sys
    sys.stderr.write(f"<{level}>{msg}\n")


def show(m):
    """show(m): prints the map the way pybpf load does."""
    for k, v in sorted(m.items(), key=lambda kv: (kv[1], kv[0])):
        builtins.print(f"[{k}]: {v}")


class KStack(int):
    """A kernel stack id: only the kernel has stacks to take."""


class UStack(int):
    """A user stack id: only the kernel has stacks to take."""


def _cstr(s):
    """A str value as the kernel's string kfuncs see it: up to its NUL"""
    return (s.decode("latin-1") if isinstance(s, (bytes, bytearray)) else s).split("\0")[0]


def _find(s, c, n=None):
    t = (_cstr(s) + "\0")[:n]
    return t.find(chr(c & 0xff))


# The kernel's string kfuncs (6.17+), as they compute: -1 where a search
# finds nothing (the kernel's -ENOENT, which pybpf gives as str.find's -1)
def bpf_strlen(s):
    return len(_cstr(s))


def bpf_strnlen(s, count):
    return min(len(_cstr(s)), count)


def bpf_strchr(s, c):
    return _find(s, c)


def bpf_strnchr(s, count, c):
    return _find(s, c, count)


def bpf_strchrnul(s, c):
    i = _find(s, c)
    return len(_cstr(s)) if i < 0 else i


def bpf_strrchr(s, c):
    return (_cstr(s) + "\0").rfind(chr(c & 0xff))


def bpf_strstr(s1, s2):
    return _cstr(s1).find(_cstr(s2))


def bpf_strnstr(s1, s2, count):
    return _cstr(s1)[:count].find(_cstr(s2))


def bpf_strcmp(s1, s2):
    a, b = _cstr(s1), _cstr(s2)
    return (a > b) - (a < b)


def bpf_strcasecmp(s1, s2):
    return bpf_strcmp(_cstr(s1).lower(), _cstr(s2).lower())


def bpf_strspn(s, accept):
    t, n = _cstr(s), 0
    while n < len(t) and t[n] in _cstr(accept):
        n += 1
    return n


def bpf_strcspn(s, reject):
    t, n = _cstr(s), 0
    while n < len(t) and t[n] not in _cstr(reject):
        n += 1
    return n


def _read_own_str(addr, size):
    """Up to size - 1 bytes of the NUL-ended string at addr in this
    process's memory, read through /proc/self/mem (an unmapped page is
    OSError EFAULT, as the kernel's copy gives, not a crash)"""
    out = b""
    try:
        with open("/proc/self/mem", "rb", buffering=0) as m:
            while len(out) < size - 1:
                chunk = os.pread(m.fileno(), min(size - 1 - len(out), 4096 - (addr + len(out)) % 4096), addr + len(out))
                if not chunk:
                    break
                out += chunk
                if b"\0" in chunk:
                    break
    except (OSError, OverflowError, ValueError):
        raise OSError(errno.EFAULT, "bpf_copy_from_user_str: the address cannot be read") from None
    return out.split(b"\0")[0][:size - 1]


def bpf_copy_from_user_str(dst, unsafe_ptr__ign, flags):
    """The string at an address of this process into dst (a bytearray: bytes
    and str are immutable here), NUL-ended and truncated to len(dst) - 1
    bytes; flags 1 (BPF_F_PAD_ZEROS) zeroes the rest. Gives the bytes
    copied with the NUL, as the kernel's kfunc."""
    if not isinstance(dst, bytearray):
        raise NotImplementedError("bpf_copy_from_user_str() writes into dst: in CPython pass a bytearray "
                                  "(bytes and str are immutable)")
    if flags & ~1:
        raise OSError(errno.EINVAL, "bpf_copy_from_user_str: flags other than BPF_F_PAD_ZEROS (1)")
    got = _read_own_str(unsafe_ptr__ign, len(dst))
    if flags & 1:
        dst[:] = got + bytes(len(dst) - len(got))
    else:
        dst[:len(got) + 1] = got + b"\0"
    return len(got) + 1


def _kernel_kfunc(name, what):
    def f(*args):
        raise NotImplementedError(f"{name}() {what}: it runs only in the kernel (pybpf load)")
    f.__name__ = name
    return f


bpf_copy_from_user_task_str = _kernel_kfunc("bpf_copy_from_user_task_str", "reads another task's memory")
bpf_cpumask_populate = _kernel_kfunc("bpf_cpumask_populate", "fills a kernel cpumask")
bpf_path_d_path = _kernel_kfunc("bpf_path_d_path", "names a kernel struct path")
bpf_cgroup_read_xattr = _kernel_kfunc("bpf_cgroup_read_xattr", "reads a kernel cgroup's xattr into a kernel dynptr")
bpf_get_file_xattr = _kernel_kfunc("bpf_get_file_xattr", "reads a kernel struct file's xattr")
bpf_get_dentry_xattr = _kernel_kfunc("bpf_get_dentry_xattr", "reads a kernel dentry's xattr")
bpf_set_dentry_xattr = _kernel_kfunc("bpf_set_dentry_xattr", "sets a kernel dentry's xattr")
bpf_remove_dentry_xattr = _kernel_kfunc("bpf_remove_dentry_xattr", "removes a kernel dentry's xattr")
bpf_dynptr_clone = _kernel_kfunc("bpf_dynptr_clone", "makes a second view of a kernel dynptr's memory")
bpf_local_irq_save = _kernel_kfunc("bpf_local_irq_save", "disables this CPU's interrupts (with bpf_local_irq_save():)")

def ksym(name):
    raise NotImplementedError("ksym() names a kernel variable: it exists only in the kernel")


def ctx():
    raise NotImplementedError("ctx() is the probe's context as the kernel passes it: it exists only in the kernel")


def kstack():
    raise NotImplementedError("kstack() samples the kernel's stack: it runs only in the kernel")


def ustack():
    raise NotImplementedError("ustack() samples a process's stack: it runs only in the kernel")


def tcp_sk(sk):
    raise NotImplementedError("tcp_sk() reads kernel memory: it runs only in the kernel")


def bpf_iter_bits(words, nr_words):
    """for b in bpf_iter_bits(words, nr_words): the index of each set bit of
    the first nr_words 64-bit words, lowest first (bit j of word i is 64 * i
    + j), as the kernel's bit iterator gives them. words is an int (its 64
    bits, two's complement) or bytes of 8*K bytes (K little-endian words);
    nr_words outside 0..K raises ValueError, as pybpf does."""
    if isinstance(words, int):
        k, v = 1, words & (2**64 - 1)
    elif isinstance(words, (builtins.bytes, bytearray)) and len(words) and len(words) % 8 == 0:
        k, v = len(words) // 8, int.from_bytes(words, "little")
    else:
        raise TypeError("the words of bpf_iter_bits must be an int or bytes of 8*K bytes")
    if not 0 <= nr_words <= k:
        raise ValueError(f"bpf_iter_bits reads {nr_words} words, but its words hold {k}")
    v &= (1 << (64 * nr_words)) - 1
    return builtins.iter([i for i in range(64 * nr_words) if v >> i & 1])


_WQ_NOT_HERE = ("a BPF work queue runs its callback in a kernel worker thread, which a user process has not; "
                "pybpf compiles Array[Wq] / Hash[K, Wq] and bpf_wq_init(), bpf_wq_set_callback() and bpf_wq_start() "
                "for the kernel only (pybpf load)")


class Wq:
    """An item of Array[Wq](N) or Hash[K, Wq]: a BPF work queue, used only through
    bpf_wq_init(w, 0), bpf_wq_set_callback(w, f, 0) and bpf_wq_start(w, 0). CPython
    has no kernel worker thread to run it: NotImplementedError."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_WQ_NOT_HERE)


def bpf_wq_init(wq, flags):
    raise NotImplementedError(_WQ_NOT_HERE)


def bpf_wq_set_callback(wq, callback_fn, flags):
    raise NotImplementedError(_WQ_NOT_HERE)


def bpf_wq_start(wq, flags):
    raise NotImplementedError(_WQ_NOT_HERE)


def bpf_rdonly_cast(obj, btf_id):
    raise NotImplementedError("bpf_rdonly_cast(addr, task_struct) reads kernel memory at addr as a kernel struct: "
                              "it runs only in the kernel (pybpf load)")


def bpf_cast_to_kern_ctx(obj):
    raise NotImplementedError("bpf_cast_to_kern_ctx(ctx()) is the probe's context as the kernel's own struct: "
                              "it exists only in the kernel (pybpf load)")


_TASK_WORK_NOT_HERE = ("a BPF task work runs its callback in a task's own kernel context, as it returns to user "
                       "space, which a user process has not; pybpf compiles Array[TaskWork] / Hash[K, TaskWork] and "
                       "bpf_task_work_schedule_signal() / _resume() for the kernel only (pybpf load)")


class TaskWork:
    """An item of Array[TaskWork](N) or Hash[K, TaskWork]: a BPF task work, used only
    through bpf_task_work_schedule_signal(task, w, f) and _resume. CPython has no
    task context to run it in: NotImplementedError."""

    def __init__(self, *args, **kwargs):
        raise NotImplementedError(_TASK_WORK_NOT_HERE)


def bpf_task_work_schedule_signal(task, tw, callback):
    raise NotImplementedError(_TASK_WORK_NOT_HERE)


def bpf_task_work_schedule_resume(task, tw, callback):
    raise NotImplementedError(_TASK_WORK_NOT_HERE)


# ---- packet probes (docs/packets.md): pybpf.net ---------------------------------

from . import net  # noqa: E402  (net reads _Int and bytes, defined above)
from .net import *  # noqa: E402,F401,F403
from .net import run_packet, run_context, packet_context, run_sock_addr, sock_addr_context, uncaught_report  # noqa: E402,F401

__all__ += net.__all__


# The loader from CPython (pybpf.live, docs/python-api.md): pybpf.load(),
# pybpf.compile(), pybpf.check() and their classes, imported on first use
# and kept out of __all__, so `from pybpf import *` in a probe file brings
# only the simulation's names (and never shadows the builtin compile).
_LIVE = ("load", "compile", "check", "Program", "CompileError", "LoadError", "Histogram", "Bucket", "Stats",
         "Print", "ExceptionCount")


def __getattr__(name):
    if name in _LIVE:
        from pybpf import live
        return getattr(live, name)
    raise AttributeError(f"module 'pybpf' has no attribute {name!r}")
