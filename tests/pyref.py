"""The reference semantics: run a probe file in CPython, with pybpf's rules.

pybpf promises Python's meaning, with exactly these differences, all of
which raise instead of computing something else:

  - an int result outside 64-bit signed range raises OverflowError;
  - storing into u8..u64 / i8..i64 (annotated locals, module-level
    variables, map keys and values) raises OverflowError when out of range;
  - a str longer than its capacity N-1 raises ValueError when stored;
  - a map that is full raises MapFullError.

This module applies those rules to CPython by rewriting the probe's AST
(arithmetic goes through checking functions, typed stores are checked) and
running it with python/pybpf as the `pybpf` module. The runtime tests
compare what the kernel printed with what this computes.
"""
import ast
import collections
from builtins import bytes as builtins_bytes
import io
import os
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "python"))
import pybpf  # noqa: E402

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1


def _int(v):
    if isinstance(v, bool):
        return int(v)
    return v


def _chk(v):
    if not isinstance(v, bool) and isinstance(v, int) and not I64_MIN <= v <= I64_MAX:
        raise OverflowError("int does not fit in 64 bits")
    return v


_OPS = {
    "Add": lambda a, b: a + b, "Sub": lambda a, b: a - b, "Mult": lambda a, b: a * b,
    "FloorDiv": lambda a, b: a // b, "Mod": lambda a, b: a % b, "Pow": lambda a, b: a ** b,
    "LShift": lambda a, b: a << b, "RShift": lambda a, b: a >> b,
    "BitAnd": lambda a, b: a & b, "BitOr": lambda a, b: a | b, "BitXor": lambda a, b: a ^ b,
}


def binop(op, a, b):
    return _chk(_OPS[op](_int(a), _int(b)))


def neg(a):
    return _chk(-_int(a))


def store(v, t):
    """Store v into a value of annotated type t (u8..i64, int, bool, str[N],
    tuple[...] of them)."""
    if getattr(t, "__origin__", None) is tuple:
        if not isinstance(v, tuple) or len(v) != len(t.__args__):
            raise TypeError(f"{v!r} is not a {t}")
        return tuple(store(x, xt) for x, xt in zip(v, t.__args__))
    if isinstance(t, type) and issubclass(t, pybpf._Int):
        lo = -(1 << (t.bits - 1)) if t.signed else 0
        hi = (1 << (t.bits - 1)) - 1 if t.signed else (1 << t.bits) - 1
        if not lo <= v <= hi:
            raise OverflowError(f"{v} does not fit in {t.__name__}")
        return v
    cap = getattr(t, "cap", None)
    if cap is not None and len(v.encode()) >= cap:
        raise ValueError(f"string too long for str[{cap}]")
    return v


class _Str(pybpf.str):
    cap = None


def _str_type(cap):
    return type(f"str[{cap}]", (_Str,), {"cap": cap})


class _TypedHash(collections.defaultdict):
    key_t = val_t = None
    max_entries = 10240

    def __init__(self, max_entries=10240, items=None):
        super().__init__(self._zero)
        self.max_entries = max_entries
        pybpf._fill(self, items)   # through __setitem__: the key and value types checked

    def _zero(self):
        """the zero value of the value type: 0, a tuple of zeros, a new aggregation"""
        if isinstance(self.val_t, type) and issubclass(self.val_t, pybpf._Agg):
            return _AggValue(self.val_t.__name__)
        if getattr(self.val_t, "__origin__", None) is tuple:
            return tuple(0 for _ in self.val_t.__args__)
        return 0

    def __missing__(self, key):
        store(key, self.key_t)   # a key outside the key type is refused first
        if len(self) >= self.max_entries:
            raise pybpf.MapFullError("map is full")
        return super().__missing__(key)

    def __setitem__(self, k, v):
        store(k, self.key_t)
        store(v, self.val_t)
        if k not in self and len(self) >= self.max_entries:
            raise pybpf.MapFullError("map is full")
        super().__setitem__(k, v)

    def _storable(self, k):
        """a key outside the key type cannot be in the map: a lookup does
        not find it (it raises nothing, as in CPython)"""
        try:
            store(k, self.key_t)
            return True
        except OverflowError:
            return False

    def get(self, k, default=None):
        return super().get(k, default) if self._storable(k) else default

    def __contains__(self, k):
        return self._storable(k) and super().__contains__(k)


class _AggValue:
    """A map's aggregation item (Count, Sum, Min, Max, Avg, Stats): add() as
    in the kernel, shown and sorted as the loader shows and sorts it
    (loader/output.c: the average truncates toward zero, as C's /)."""

    def __init__(self, kind):
        self.kind, self.count, self.sum, self.min, self.max = kind, 0, 0, None, None

    def add(self, x=1):
        if self.kind == "Count":
            x = 1
        self.count += 1
        self.sum = _chk(self.sum + x)
        self.min = x if self.min is None else min(self.min, x)
        self.max = x if self.max is None else max(self.max, x)

    def _avg(self):
        if not self.count:
            return 0
        q = abs(self.sum) // self.count
        return q if self.sum >= 0 else -q

    def _measure(self):
        if self.kind in ("Count", "Sum"):
            return self.sum
        if self.kind in ("Min", "Max"):
            v = self.min if self.kind == "Min" else self.max
            return I64_MIN if v is None else v
        return self._avg()

    def __lt__(self, other):
        return self._measure() < other._measure()

    def __eq__(self, other):
        return isinstance(other, _AggValue) and self._measure() == other._measure()

    def __str__(self):
        if self.kind in ("Min", "Max"):
            v = self.min if self.kind == "Min" else self.max
            return "None" if v is None else str(v)
        if self.kind == "Stats":
            return f"count {self.count}, average {self._avg()}, total {self.sum}"
        return str(self._measure())


def _hash_class(kv):
    k, v = kv
    return type("Hash", (_TypedHash,), {"key_t": k, "val_t": v})


class _Rewrite(ast.NodeTransformer):
    """Arithmetic through binop/neg; typed stores through store()."""

    def __init__(self, module_types):
        self.module_types = module_types   # global name -> annotation source
        self.local_types = {}

    def _call(self, fn, args, node):
        return ast.copy_location(ast.Call(ast.Attribute(ast.Name("_pyref_", ast.Load()), fn, ast.Load()), args, []), node)

    def visit_FunctionDef(self, node):
        self.local_types = {}
        self.globals = set()
        self.generic_visit(node)
        return node

    def visit_Global(self, node):
        self.globals.update(node.names)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return self._call("binop", [ast.Constant(type(node.op).__name__), node.left, node.right], node)

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.USub):
            return self._call("neg", [node.operand], node)
        return node

    def _typed(self, name):
        if name in self.local_types:
            return self.local_types[name]
        if name in getattr(self, "globals", ()) and name in self.module_types:
            return self.module_types[name]
        return None

    def visit_AnnAssign(self, node):
        self.generic_visit(node)
        if (not self_is_function(self) and isinstance(node.value, ast.Call) and isinstance(node.annotation, ast.Subscript)
                and ast.unparse(node.annotation.value) != "Final"):   # N: Final[int] = len(T) is a call
            # m: Hash[K, V] = Hash(...): build the typed map the annotation names
            node.value.func = node.annotation
            return node
        if isinstance(node.target, ast.Name) and node.value is not None and self_is_function(self):
            self.local_types[node.target.id] = node.annotation
            node.value = self._call("store", [node.value, node.annotation], node.value)
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            t = self._typed(node.targets[0].id)
            if t is not None:
                node.value = self._call("store", [node.value, t], node.value)
        return node

    def visit_FormattedValue(self, node):
        # f"{x:ip}": formatted by the shim as pybpf's print does (a plain
        # int or bytes has no such spec in CPython)
        self.generic_visit(node)
        spec = node.format_spec
        if (isinstance(spec, ast.JoinedStr) and len(spec.values) == 1 and isinstance(spec.values[0], ast.Constant)
                and spec.values[0].value == "ip" and node.conversion == -1):
            return ast.copy_location(ast.FormattedValue(self._call("ip_text", [node.value], node), -1, None), node)
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        op = type(node.op).__name__
        if isinstance(node.target, ast.Name):
            load = ast.copy_location(ast.Name(node.target.id, ast.Load()), node.target)
            value = self._call("binop", [ast.Constant(op), load, node.value], node)
            t = self._typed(node.target.id)
            if t is not None:
                value = self._call("store", [value, t], node)
            return ast.copy_location(ast.Assign([node.target], value), node)
        if isinstance(node.target, ast.Subscript):
            # d[k] += v  ->  __pyref.augitem(d, k, op, lambda: v): the key
            # evaluated once, d[k] read before v is evaluated (as CPython)
            t = node.target
            lazy = ast.Lambda(ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]),
                              node.value)
            return ast.copy_location(ast.Expr(self._call("augitem", [t.value, t.slice, ast.Constant(op), lazy], node)), node)
        return node


def self_is_function(rw):
    return hasattr(rw, "globals")


ip_text = pybpf._ip_text


def augitem(d, k, op, v):
    old = d[k]
    d[k] = binop(op, old, v())


class Probe:
    """A probe file loaded into CPython under pybpf's rules."""

    def __init__(self, path, consts=None):
        self.path = path
        src = open(path).read()
        tree = ast.parse(src, path)
        module_types = {}
        for st in tree.body:
            if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
                module_types[st.target.id] = st.annotation
        tree = _Rewrite(module_types).visit(tree)
        ast.fix_missing_locations(tree)
        self.out = io.StringIO()
        ns = {"__name__": "probe", "_pyref_": sys.modules[__name__]}
        shim = dict(vars(pybpf))
        shim["Hash"] = shim["LRUHash"] = shim["PerCPUHash"] = shim["LRUPerCPUHash"] = _Typed
        shim["str"] = _StrFactory
        for name in ("u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"):
            shim[name] = _checked_int(getattr(pybpf, name))
        shim["print"] = lambda *a, sep=" ", end="\n": self.out.write(sep.join(_show(x) for x in a) + end)
        probe = self

        class _RB(pybpf.RingBuf):
            def output(self, rec):
                probe.out.write(repr(rec) + "\n")
        shim["RingBuf"] = _RB
        ns.update({k: shim[k] for k in pybpf.__all__ if k in shim})
        ns["print"] = shim["print"]
        # `from pybpf import *` inside the file must bring the shim's names
        sys.modules["pybpf"] = _ShimModule(shim)
        try:
            exec(compile(tree, path, "exec"), ns)
        finally:
            sys.modules["pybpf"] = pybpf
        for k, v in (consts or {}).items():
            ns[k] = v
        self.ns = ns
        self.uncaught = collections.Counter()

    def call(self, name):
        fn = self.ns[name]
        try:
            fn(*([None] * fn.__code__.co_argcount))
        except Exception as exc:
            fr = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == self.path][-1]
            exc_name = type(exc).__name__
            # pybpf reports the message of `raise E("msg")` and `assert c, "msg"`
            if fr.line.startswith(("raise ", "assert ")) and str(exc):
                exc_name += f": {exc}"
            self.uncaught[(fr.lineno, exc_name, name)] += 1

    def probes(self):
        """The probes a getppid() call can fire: every one but the network's (call_packet and
        call_sock_addr run those)."""
        return [k for k, v in self.ns.items() if callable(v) and hasattr(v, "__pybpf_attach__")
                and v.__pybpf_attach__[0] not in pybpf.net.NET_KINDS]

    def packet_probes(self):
        return [k for k, v in self.ns.items() if callable(v) and getattr(v, "__pybpf_attach__", ("",))[0]
                in pybpf.net.PACKET_KINDS]

    def call_packet(self, name, data, /, **ctx_fields):
        """Runs packet probe `name` on the packet data, as BPF_PROG_TEST_RUN does:
        (verdict, the packet's bytes after it); an uncaught exception is counted
        as call() counts it, and the verdict is the one as if no program ran."""
        fn = self.ns[name]

        def counted(exc):
            _, line, exc_name, _ = pybpf.net.exception_key(exc, fn)
            self.uncaught[(line, exc_name, name)] += 1
        return pybpf.net.run_context(fn, pybpf.net.packet_context(fn, data, **ctx_fields), counted)

    def call_sock_addr(self, name, **ctx_fields):
        """Runs @cgroup_sock_addr probe `name` as in its socket call: (verdict, the context
        after it); an uncaught exception is counted, and the verdict is 1 (allowed)."""
        fn = self.ns[name]
        ctx = pybpf.net.sock_addr_context(fn, **ctx_fields)

        def counted(exc):
            _, line, exc_name, _ = pybpf.net.exception_key(exc, fn)
            self.uncaught[(line, exc_name, name)] += 1
        return pybpf.net._call(fn, ctx, counted), ctx

    def maps_text(self):
        """The loader's exit output: maps sorted by value, then globals."""
        blocks, scalars = [], []
        for name, v in self.ns.items():
            if isinstance(v, _TypedHash):
                if v:
                    items = sorted(v.items(), key=lambda kv: (kv[1], kv[0]))
                    blocks.append("".join(f"{name}[{_key(k, v.key_t)}]: {val}\n" for k, val in items))
            elif isinstance(v, pybpf.Array):
                items = sorted(((i, x) for i, x in enumerate(v) if x), key=lambda kv: (kv[1], kv[0]))
                if items:
                    blocks.append("".join(f"{name}[{i}]: {x}\n" for i, x in items))
            elif isinstance(v, pybpf.LPMTrie):
                if v:
                    items = sorted(dict.items(v), key=lambda kv: (kv[1], kv[0]))
                    blocks.append("".join(f"{name}[{_prefix(k, v.key_t)}]: {val}\n" for k, val in items))
            elif isinstance(v, pybpf.Queue):
                if v:
                    blocks.append(f"{name}: [{', '.join(str(x) for x in v)}]\n")
        for name, t in self.module_types().items():
            if name in self.ns and not isinstance(self.ns[name], (_TypedHash, pybpf.Array, pybpf.Queue, pybpf.RingBuf,
                                                                  pybpf.LPMTrie)):
                scalars.append(f"{name}: {_show(self.ns[name])}\n")
        text = "\n".join(blocks)
        if scalars:
            text += ("\n" if text else "") + "".join(scalars)
        return text

    def module_types(self):
        tree = ast.parse(open(self.path).read())
        out = {}
        for st in tree.body:
            if isinstance(st, ast.AnnAssign) and isinstance(st.target, ast.Name):
                ann = ast.unparse(st.annotation)
                if not ann.startswith(("Final", "Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "Array", "PerCPUArray",
                                       "Queue", "Stack", "RingBuf", "LPMTrie")):
                    out[st.target.id] = ann
        return out

    def report(self):
        return "".join(f"{self.path}:{line}: {exc} in {fn}: {n} time{'s' if n != 1 else ''}\n"
                       for (line, exc, fn), n in sorted(self.uncaught.items()))


def _show(x):
    return str(x)


def _key(k, t=None):
    """a key as the loader shows it: a tuple's elements without parentheses
    (str raw, bytes as repr, like print); an IPv4 / IPv6 key as its address"""
    if t is pybpf.IPv4 or t is pybpf.IPv6:
        import ipaddress
        return str(ipaddress.ip_address(int(k) if t is pybpf.IPv4 else builtins_bytes(k)))
    if isinstance(k, tuple) and getattr(t, "__origin__", None) is tuple and len(t.__args__) == len(k):
        return ", ".join(_key(x, xt) for x, xt in zip(k, t.__args__))
    return ", ".join(_show(x) for x in k) if isinstance(k, tuple) else _show(k)


def _prefix(k, t):
    """an LPMTrie's key (prefix, length): 10.0.0.0/8 for an IPv4 / IPv6 key
    type (docs/packets.md), else the pair as a tuple key"""
    addr, length = k
    if t is pybpf.IPv4 or t is pybpf.IPv6:
        import ipaddress
        return f"{ipaddress.ip_address(addr) if t is pybpf.IPv4 else ipaddress.IPv6Address(addr)}/{length}"
    return _key(k)


def _checked_int(t):
    """u32(x) in a probe: the value must fit, as when stored into a u32."""
    def new(cls, v=0):
        return int.__new__(cls, store(int(v), t))
    return type(t.__name__, (t,), {"__new__": new})


class _Typed:
    def __class_getitem__(cls, kv):
        return _hash_class(kv)


class _StrFactory:
    def __class_getitem__(cls, cap):
        return _str_type(cap)


class _ShimModule:
    def __init__(self, names):
        self.__dict__.update(names)
        self.__all__ = list(pybpf.__all__)
