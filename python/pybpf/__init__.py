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
"""
import bisect
import builtins
import collections
import dataclasses
import errno
import os
import re
import threading
import time
from typing import Final

__all__ = [
    "Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "Final",
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "str", "bytes",
    "pid", "tid", "comm", "ktime_ns", "wallclock_ns", "cpu", "uid", "gid", "tracepoint",
    "MapFullError", "FaultError", "Struct", "RingBuf", "Array", "PerCPUArray", "Queue", "Stack", "SortedList", "BloomFilter", "LPMTrie",
    "TaskStorage", "CgrpStorage",
    "Count", "Sum", "Min", "Max", "Avg", "Stats", "Hist", "LHist", "ptr", "current_task", "user_str", "kernel_str",
    "user_bytes", "kernel_bytes", "user_read", "wallclock_ns", "ntohs", "ntohl", "htons", "htonl",
    "tp_btf", "raw_tp", "uprobe", "uretprobe", "usdt", "kprobe", "kretprobe", "fentry", "fexit", "lsm",
    "profile", "interval", "begin", "end", "iter", "TracepointArgs", "bpf",
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
    """str[N]: a string of capacity N bytes (the NUL included) in the kernel."""

    def __class_getitem__(cls, cap):
        return cls


class bytes(builtins.bytes):
    """bytes[N]: exactly N bytes in the kernel. f"{b:ip}" formats 4 or 16
    of them as an IP address, as pybpf's print does."""

    def __class_getitem__(cls, n):
        return cls

    def __format__(self, spec):
        return _ip_text(self) if spec == "ip" else builtins.bytes.__format__(self, spec)


class Hash(collections.defaultdict):
    """A BPF hash map: a defaultdict whose default is the value type's zero."""

    zero = 0

    def __init__(self, max_entries=10240):
        super().__init__(lambda: self.zero)
        self.max_entries = max_entries

    def __class_getitem__(cls, kv):
        v = kv[1] if isinstance(kv, tuple) and len(kv) == 2 else None
        if getattr(v, "__origin__", None) is tuple:   # Hash[K, tuple[A, B]]: items default to (0, 0)
            return type(cls.__name__, (cls,), {"zero": tuple(0 for _ in v.__args__)})
        return cls

    def __missing__(self, key):
        if len(self) >= self.max_entries:
            raise MapFullError(f"map is full ({self.max_entries} entries)")
        return super().__missing__(key)


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

    def __init__(self, max_entries=10240):
        super().__init__()
        self.max_entries = max_entries

    def __class_getitem__(cls, kv):
        return type(cls.__name__, (cls,), {"bits": kv[0].bits})

    def _key(self, k):
        addr, length = k if isinstance(k, tuple) else (k, self.bits)
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
        dataclasses.dataclass(cls)


class RingBuf:
    """RingBuf[E](size=BYTES): output(rec) sends a record to user space."""

    def __init__(self, size=256 * 1024):
        self.size = size

    def __class_getitem__(cls, t):
        return cls

    def output(self, rec):
        builtins.print(repr(rec))


class Array(list):
    """Array[V](N): a list of N zeros (IndexError out of range)."""

    def __init__(self, n=1):
        super().__init__([0] * n)

    def __class_getitem__(cls, t):
        return cls


class PerCPUArray(Array):
    pass


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

    def for_each_map_elem(self, m, callback_fn):
        """The kernel's bpf_for_each_map_elem: callback_fn(key, value) for each
        item (an Array: every index) until it returns True; how many calls."""
        items = list(enumerate(m)) if isinstance(m, list) else list(m.items())
        for n, (k, v) in enumerate(items, 1):
            if callback_fn(k, v):
                return n
        return len(items)

    def get_current_task_btf(self):
        raise NotImplementedError("bpf.get_current_task_btf() gives the kernel's task_struct: it runs only in the "
                                  "kernel (pybpf load)")

    def get_task_stack(self, task, buf, flags):
        raise NotImplementedError("bpf.get_task_stack() walks a task's kernel stack: it runs only in the kernel "
                                  "(pybpf load)")

    def task_pt_regs(self, task):
        raise NotImplementedError("bpf.task_pt_regs() gives the address of a task's saved registers in kernel "
                                  "memory: it runs only in the kernel (pybpf load)")

    def __getattr__(self, name):
        raise NotImplementedError(f"bpf.{name}() runs only in the kernel (pybpf load)")


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


def kstack():
    raise NotImplementedError("kstack() samples the kernel's stack: it runs only in the kernel")


def ustack():
    raise NotImplementedError("ustack() samples a process's stack: it runs only in the kernel")


def tcp_sk(sk):
    raise NotImplementedError("tcp_sk() reads kernel memory: it runs only in the kernel")
