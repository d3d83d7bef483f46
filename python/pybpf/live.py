"""pybpf.live: load a probe file into the kernel from a CPython program.

    import pybpf
    with pybpf.load("probe.py", defines={"PID": 42}) as prog:
        for rec in prog.events(timeout=1.0):
            print(rec)
        print(prog.maps["opens"].items())

The work is done by pybpf._native, the same compiler and loader `pybpf
load` runs (python/ext/native.c, built by `make native`); this module gives
it Python's shapes: maps are MutableMappings, Struct records dataclasses,
histograms Histogram objects. docs/python-api.md has the whole API.
"""
import atexit
import collections.abc
import dataclasses
import ipaddress
import json
import os
import time
import weakref

__all__ = ["load", "compile", "check", "Program", "CompileError", "LoadError", "Histogram", "Bucket", "Stats",
           "Print", "ExceptionCount"]


def _native():
    try:
        from pybpf import _native
    except ImportError as e:
        raise ImportError("pybpf._native is not built: run `make native` in the pybpf checkout "
                          f"(it builds python/pybpf/_native.abi3.so) [{e}]") from None
    return _native


class CompileError(Exception):
    """The program is not one pybpf compiles. file, line and col say where
    (None for an error with no position); message is the first error's
    text; text is everything the compiler printed, caret lines included,
    exactly as `pybpf check` prints it."""

    def __init__(self, text, file, line, col, message):
        super().__init__(text.rstrip("\n"))
        self.text, self.file, self.line, self.col, self.message = text, file, line or None, col or None, message


class LoadError(CompileError):
    """The kernel refused the program (the verifier, an attach, privileges):
    text is the explanation `pybpf load` prints. Nothing stays loaded."""


def _raise(err):
    phase, text, file, line, col, message = err.args
    raise (CompileError if phase == "compile" else LoadError)(text, file, line, col, message) from None


def _args(path, defines, btf):
    defs = [(k, v if isinstance(v, str) else repr(v)) for k, v in (defines or {}).items()]
    return os.fspath(path), defs, None if btf is None else os.fspath(btf)


def check(path, defines=None, btf=None):
    """Parse and type-check a probe file (`pybpf check`); CompileError if bad."""
    n = _native()
    try:
        n.check(*_args(path, defines, btf))
    except n.Error as e:
        _raise(e)


def compile(path, defines=None, btf=None):
    """The BPF C pybpf generates for a probe file (`pybpf compile`)."""
    n = _native()
    try:
        return n.compile(*_args(path, defines, btf))
    except n.Error as e:
        _raise(e)


# ---- values ---------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Bucket:
    """Values v with min <= v < max (None: unbounded on that side)."""
    min: object
    max: object
    count: int


class Histogram:
    """A Hist or LHist value: the buckets from the first to the last one
    that counted something, as `pybpf load` shows them."""

    def __init__(self, kind, buckets):
        self.kind = kind
        self.buckets = [Bucket(b["min"], b["max"], b["count"]) for b in buckets]

    @property
    def count(self):
        return sum(b.count for b in self.buckets)

    def __eq__(self, other):
        return isinstance(other, Histogram) and (self.kind, self.buckets) == (other.kind, other.buckets)

    def __repr__(self):
        return f"Histogram({self.kind}, {[(b.min, b.max, b.count) for b in self.buckets]})"


@dataclasses.dataclass(frozen=True)
class Stats:
    """A Min, Max, Avg or Stats value (min, max and avg None when count is 0)."""
    count: int
    sum: int
    min: object
    max: object
    avg: object


@dataclasses.dataclass(frozen=True)
class ExceptionCount:
    """An uncaught exception at a raise site, and how often it was raised."""
    file: str
    line: int
    exception: str
    message: object
    probe: str
    count: int


class Print(str):
    """A line a probe's print() wrote (without its newline)."""


class _Schema:
    """From the JSON that _native gives for a key or value to Python values."""

    def __init__(self, t, structs):
        self.t = t
        self.structs = structs

    def struct_class(self, t):
        name = t["name"]
        if name not in self.structs:
            self.structs[name] = dataclasses.make_dataclass(name, [f for f, _ in t["elems"]], frozen=True)
        return self.structs[name]

    def convert(self, v, t=None):
        t = t or self.t
        k = t["k"]
        if k in ("int", "bytes") and t.get("addr") and isinstance(v, str):
            return ipaddress.ip_address(v)
        if k == "bytes":
            return bytes(v)
        if k == "tuple":
            return tuple(self.convert(x, et) for x, (_, et) in zip(v, t["elems"]))
        if k == "struct":
            cls = self.struct_class(t)
            return cls(**{f: self.convert(v[f], ft) for f, ft in t["elems"]})
        if k == "stack":
            return tuple(v)
        if k == "agg":
            if t["agg"] in ("Hist", "LHist"):
                return Histogram(t["agg"], v["buckets"])
            if t["agg"] in ("Count", "Sum"):
                return v
            return Stats(v["count"], v["sum"], v["min"], v["max"], v["avg"])
        return v


# ---- maps --------------------------------------------------------------------------------

class Map(collections.abc.MutableMapping):
    """A map of the loaded program, read and written live (every operation
    is a system call: `m[k]` a lookup, `items()` a walk). Per-CPU values
    read merged, as `pybpf load` shows them; a missing key is a KeyError
    (the kernel's maps have no default)."""

    def __init__(self, prog, name, kind, key, value, max_entries, percpu):
        self._prog, self.name, self.kind = prog, name, kind
        self.max_entries, self.percpu = max_entries, percpu
        self._key, self._value = _Schema(key, prog._structs), _Schema(value, prog._structs)

    def _s(self):
        return self._prog._session()

    def __getitem__(self, key):
        v = self._s().lookup(self.name, key)
        if v is None:
            raise KeyError(key)
        return self._value.convert(json.loads(v))

    def __setitem__(self, key, value):
        self._s().update(self.name, key, value)

    def __delitem__(self, key):
        if not self._s().delete(self.name, key):
            raise KeyError(key)

    def _rows(self):
        return [(self._key.convert(k), self._value.convert(v)) for k, v in json.loads(self._s().items(self.name))]

    def __iter__(self):
        return iter([k for k, _ in self._rows()])

    def __len__(self):
        return len(self._rows())

    def items(self):
        """(key, value) pairs read in one walk of the map (a list)."""
        return self._rows()

    def values(self):
        return [v for _, v in self._rows()]

    def keys(self):
        return [k for k, _ in self._rows()]

    def clear(self):
        """Empty the map (an Array's slots go back to zero)."""
        self._s().clear(self.name)

    def __repr__(self):
        return f"<pybpf map {self.name!r} ({self.kind}), {len(self)} entries>"


class _Values(collections.abc.Mapping):
    """Module-level variables and unkeyed aggregations (`lat: Hist = Hist()`), read live."""

    def __init__(self, prog, pairs):
        self._prog = prog
        self._schemas = {n: _Schema(json.loads(s), prog._structs) for n, s in pairs}

    def __getitem__(self, name):
        if name not in self._schemas:
            raise KeyError(name)
        return self._schemas[name].convert(json.loads(self._prog._session().value(name)))

    def __iter__(self):
        return iter(self._schemas)

    def __len__(self):
        return len(self._schemas)


# ---- a loaded program ------------------------------------------------------------------

_live = weakref.WeakSet()


@atexit.register
def _close_all():
    for p in list(_live):
        p.close()


class Program:
    """A probe file loaded and attached. Close it with close(), a with
    block, or let it go: it is also closed when garbage collected and at
    interpreter exit. Closing detaches every probe, runs @end, and frees
    every kernel object the program made."""

    def __init__(self, path, defines=None, btf=None):
        n = _native()
        self.path = os.fspath(path)
        self._structs = {}
        self._pending = []
        self._partial = ""
        self._rb_schemas = {}   # RingBuf map -> its records' schema (JSON)
        try:
            self._s = n.load(*_args(path, defines, btf))
        except n.Error as e:
            _raise(e)
        self.maps = {name: Map(self, name, kind, json.loads(k), json.loads(v), mx, pc)
                     for name, kind, k, v, mx, pc in self._s.maps()}
        self.globals = _Values(self, self._s.values())
        _live.add(self)

    def _session(self):
        if self._s is None:
            raise ValueError("the program is closed")
        return self._s

    def _take(self, records):
        for rec in records:
            if rec[0] == "print":
                text = self._partial + rec[1]
                *lines, self._partial = text.split("\n")
                self._pending.extend(Print(line) for line in lines)
            else:
                if rec[1] not in self._rb_schemas:
                    self._rb_schemas[rec[1]] = self._session().ringbuf_schema(rec[1])
                schema = _Schema(json.loads(self._rb_schemas[rec[1]]), self._structs)
                self._pending.append(schema.convert(json.loads(rec[2])))

    def poll(self, timeout=0.0):
        """Wait up to timeout seconds for records; return those that came
        (print lines as Print strings, RingBuf records as dataclasses)."""
        self._take(self._session().poll(max(0, int(timeout * 1000))))
        out, self._pending = self._pending, []
        return out

    def events(self, timeout=None):
        """Yield the records that come in the next timeout seconds (None:
        until the program is closed or the loop broken)."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._s is not None:
            wait = 0.1 if end is None else min(0.1, end - time.monotonic())
            if wait <= 0:
                break
            yield from self.poll(wait)
        yield from self.poll(0) if self._s is not None else ()

    def exceptions(self):
        """Uncaught exceptions so far: an ExceptionCount for each raise site that raised."""
        return [ExceptionCount(*e) for e in self._session().counters()[1] if e[5]]

    def lost(self):
        """print() records lost because the ring buffer was full."""
        return self._session().counters()[0]

    def prog_ids(self):
        """The kernel's ids of the loaded BPF programs (bpftool prog show id N)."""
        return self._session().prog_ids()

    def close(self):
        if self._s is not None:
            s, self._s = self._s, None
            s.close()
        _live.discard(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_s", None) is not None:
            self.close()

    def __repr__(self):
        return f"<pybpf.Program {self.path!r}{' closed' if self._s is None else ''}>"


def load(path, defines=None, btf=None):
    """Compile, load and attach a probe file: a live Program. defines are
    -D overrides of Final constants ({"PID": 42}); btf a BTF file to
    compile against instead of the running kernel's."""
    return Program(path, defines, btf)
