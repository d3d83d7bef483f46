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
- pid(), tid(), comm(), ktime_ns(), cpu(), uid(), gid() answer for this process.
- @tracepoint("cat/name") returns the function unchanged.
"""
import builtins
import collections
import os
import threading
import time
from typing import Final

__all__ = [
    "Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "Final",
    "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "str",
    "pid", "tid", "comm", "ktime_ns", "cpu", "uid", "gid", "tracepoint",
    "MapFullError",
]


class _Int(int):
    """u8..u64 / i8..i64: ints; the bounds are checked by pybpf in the kernel."""
    bits = 64
    signed = False


def _int_type(name, bits, signed):
    return type(name, (_Int,), {"bits": bits, "signed": signed})


u8, u16, u32, u64 = (_int_type(f"u{b}", b, False) for b in (8, 16, 32, 64))
i8, i16, i32, i64 = (_int_type(f"i{b}", b, True) for b in (8, 16, 32, 64))


class str(builtins.str):
    """str[N]: a string of capacity N bytes (the NUL included) in the kernel."""

    def __class_getitem__(cls, cap):
        return cls


class Hash(collections.defaultdict):
    """A BPF hash map: a defaultdict whose default is the value type's zero."""

    def __init__(self, max_entries=10240):
        super().__init__(int)
        self.max_entries = max_entries

    def __class_getitem__(cls, kv):
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


class MapFullError(RuntimeError):
    """Raised by pybpf when a map update finds the map full."""


def pid():
    return os.getpid()


def tid():
    return threading.get_native_id()


def comm():
    with open("/proc/self/comm") as f:
        return f.read().strip()[:15]


def ktime_ns():
    return time.monotonic_ns()


def cpu():
    return os.sched_getaffinity(0).pop() if hasattr(os, "sched_getaffinity") else 0


def uid():
    return os.getuid()


def gid():
    return os.getgid()


def tracepoint(name):
    def wrap(fn):
        fn.__pybpf_attach__ = ("tracepoint", name)
        return fn
    return wrap
