"""mypy plugin for pybpf probes (enabled by mypy.ini at the repository root).

A plain stub cannot say three things pybpf's annotations mean:

- `str[N]`: pybpf's str takes its capacity, an int, where mypy wants a type.
  It is read as builtins.str (N is checked to be an int from 1 to 4096);
  a bare `str` is an error, as it is in pybpf.
- `LHist[lo, hi, step]`: three ints (checked as pybpf checks them).
- `class E(Struct)`: the class is a dataclass (E(a, b), E(x=1, y="s")).

And one thing about names: pybpf resolves a name the probe does not define
(and pybpf does not export) against the kernel's BTF -- kernel structs used
as annotations (`prev: task_struct`) and kfuncs (`tcp_reno_ssthresh(sk)`).
The probe's own names come first: a map named `filename` is the map, not
struct filename. The kernel names the stub knows are in _kernel.pyi; into a
module that imports from pybpf the plugin adds
`from pybpf._kernel import NAME, ...` for every one of them that the module
does not bind at module level itself (a star import of them would collide
with the module's own definitions).
"""
import ast
import os
from typing import Callable, List, Optional, Set, Tuple, Type as TypingType

from mypy.build import PRI_HIGH
from mypy.nodes import (AssignmentStmt, CallExpr, ClassDef, Decorator, Expression, FuncDef, Import, ImportAll,
                        ImportFrom, MypyFile, NameExpr, OperatorAssignmentStmt, OverloadedFuncDef, Statement, TupleExpr,
                        ListExpr)
from mypy.plugin import AnalyzeTypeContext, ClassDefContext, Plugin
from mypy.plugins.dataclasses import DataclassTransformer
from mypy.types import CallableType, Instance, RawExpressionType, Type, UnboundType, get_proper_type

STR = "pybpf.str"
BYTES = "pybpf.bytes"
LHIST = "pybpf.LHist"
STRUCT = "pybpf.Struct"
KERNEL = "pybpf._kernel"
LOCKS = ("pybpf.SpinLock", "pybpf.ResSpinLock")


def _kernel_names() -> List[str]:
    """The public names of _kernel.pyi (kernel structs and kfuncs)."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_kernel.pyi")) as f:
        tree = ast.parse(f.read())
    return [n.name for n in tree.body
            if isinstance(n, (ast.ClassDef, ast.FunctionDef)) and (not n.name.startswith("_") or n.name == "__sk_buff")]


KERNEL_NAMES = _kernel_names()


def _bound(e: Expression, out: Set[str]) -> None:
    if isinstance(e, NameExpr):
        out.add(e.name)
    elif isinstance(e, (TupleExpr, ListExpr)):
        for x in e.items:
            _bound(x, out)


def _module_names(defs: List[Statement]) -> Set[str]:
    """The names a module binds at module level (pybpf allows no nesting there)."""
    out: Set[str] = set()
    for s in defs:
        if isinstance(s, AssignmentStmt):
            for lv in s.lvalues:
                _bound(lv, out)
        elif isinstance(s, OperatorAssignmentStmt):
            _bound(s.lvalue, out)
        elif isinstance(s, (FuncDef, OverloadedFuncDef, ClassDef)):
            out.add(s.name)
        elif isinstance(s, Decorator):
            out.add(s.func.name)
        elif isinstance(s, ImportFrom):
            out.update(alias or name for name, alias in s.names)
        elif isinstance(s, Import):
            out.update(alias or name.split(".")[0] for name, alias in s.ids)
    return out


def _imports_pybpf(s: Statement) -> bool:
    return isinstance(s, (ImportFrom, ImportAll)) and s.id == "pybpf" and not s.relative

# a packet probe's context type, by its decorator (docs/packets.md)
PACKET_CONTEXTS = {"xdp": "xdp_md", "tc": "__sk_buff", "cgroup_skb": "__sk_buff", "socket_filter": "__sk_buff",
                   "cgroup_sock_addr": "bpf_sock_addr"}


def _packet_kind(d: Decorator) -> Optional[str]:
    for e in d.decorators:
        callee = e.callee if isinstance(e, CallExpr) else e
        if isinstance(callee, NameExpr) and callee.name in PACKET_CONTEXTS:
            return callee.name
    return None


def _annotate_contexts(defs: List[Statement]) -> None:
    """`@xdp def fw(ctx) -> int`: pybpf knows ctx's type from the decorator, so
    an unannotated context is given it (xdp_md, __sk_buff) before mypy reads the
    function, which --strict would otherwise call untyped."""
    for s in defs:
        kind = _packet_kind(s) if isinstance(s, Decorator) else None
        if kind is None:
            continue
        f = s.func
        if not f.arguments or f.arguments[0].type_annotation is not None or not isinstance(f.type, CallableType):
            continue
        t = UnboundType(PACKET_CONTEXTS[kind], line=f.line, column=f.column)
        f.arguments[0].type_annotation = t
        for ft in (f.type, f.unanalyzed_type):
            if isinstance(ft, CallableType) and ft.arg_types:
                ft.arg_types[0] = t


def _int_args(ctx: AnalyzeTypeContext, what: str) -> Optional[List[int]]:
    """The subscript's arguments as ints, or None after reporting an error."""
    out = []
    for a in ctx.type.args:
        if isinstance(a, RawExpressionType) and a.base_type_name == "builtins.int" and isinstance(a.literal_value, int):
            out.append(a.literal_value)
        else:
            ctx.api.fail(f"the parameters of {what} must be constant integers", ctx.context)
            return None
    return out


def _str_type(ctx: AnalyzeTypeContext) -> Type:
    t: Type = ctx.api.named_type("builtins.str", [])
    if not ctx.type.args:
        ctx.api.fail("'str' needs a capacity in pybpf: write str[N] (N bytes, including the terminating NUL)",
                     ctx.context)
        return t
    if len(ctx.type.args) != 1:
        ctx.api.fail("str takes one capacity: str[N]", ctx.context)
        return t
    cap = _int_args(ctx, "str[N]")
    if cap is not None and not 1 <= cap[0] <= 4096:
        ctx.api.fail(f"str capacity must be between 1 and 4096 bytes, not {cap[0]}", ctx.context)
    return t


def _bytes_type(ctx: AnalyzeTypeContext) -> Type:
    t: Type = ctx.api.named_type("builtins.bytes", [])
    if len(ctx.type.args) != 1:
        ctx.api.fail("'bytes' needs a length in pybpf: write bytes[N] (exactly N bytes)", ctx.context)
        return t
    n = _int_args(ctx, "bytes[N]")
    if n is not None and not 1 <= n[0] <= 4096:
        ctx.api.fail(f"the length in bytes[N] must be from 1 to 4096, not {n[0]}", ctx.context)
    return t


def _lhist_type(ctx: AnalyzeTypeContext) -> Type:
    t: Type = ctx.api.named_type(LHIST, [])
    if len(ctx.type.args) != 3:
        ctx.api.fail("LHist needs its buckets: LHist[lo, hi, step]", ctx.context)
        return t
    v = _int_args(ctx, "LHist")
    if v is not None:
        lo, hi, step = v
        if step <= 0 or hi <= lo or (hi - lo) % step:
            ctx.api.fail("LHist[lo, hi, step] needs lo < hi, step > 0 and hi - lo a multiple of step", ctx.context)
        elif (hi - lo) // step > 1000:
            ctx.api.fail(f"LHist[{lo}, {hi}, {step}] has {(hi - lo) // step} buckets; pybpf allows 1000", ctx.context)
    return t


def _struct_class(ctx: ClassDefContext) -> None:
    """class E(Struct): what @dataclass does to E (mypy's own transformer)."""
    if not DataclassTransformer(ctx).transform():
        ctx.api.defer()
        return
    _drop_lock_params(ctx)


def _drop_lock_params(ctx: ClassDefContext) -> None:
    """A SpinLock / ResSpinLock field is no parameter of E(...): it starts unlocked."""
    locks = set()
    for st in ctx.cls.defs.body:
        t = get_proper_type(st.type) if isinstance(st, AssignmentStmt) and st.type is not None else None
        if isinstance(t, Instance) and t.type.fullname in LOCKS and isinstance(st.lvalues[0], NameExpr):
            locks.add(st.lvalues[0].name)
    init = ctx.cls.info.names.get("__init__")
    if not locks or init is None or not isinstance(init.node, FuncDef) or not isinstance(init.node.type, CallableType):
        return
    f = init.node.type
    keep = [i for i, n in enumerate(f.arg_names) if n not in locks]
    node = init.node
    node.arguments = [a for a in node.arguments if a.variable.name not in locks]
    node.arg_names = [n for n in node.arg_names if n not in locks]
    node.arg_kinds = [a.kind for a in node.arguments]
    init.node.type = f.copy_modified(arg_types=[f.arg_types[i] for i in keep], arg_kinds=[f.arg_kinds[i] for i in keep],
                                     arg_names=[f.arg_names[i] for i in keep])


class PybpfPlugin(Plugin):
    def get_additional_deps(self, file: MypyFile) -> List[Tuple[int, str, int]]:
        """A module that imports from pybpf sees the kernel's names beneath its own."""
        if file.fullname == "pybpf" or file.fullname.startswith("pybpf."):
            return []
        at = next((i for i, s in enumerate(file.defs) if _imports_pybpf(s)), None)
        if at is None:
            return []
        imp = file.defs[at]
        _annotate_contexts(file.defs)
        if not any(isinstance(s, ImportFrom) and s.id == KERNEL for s in file.defs):
            own = _module_names(file.defs)
            names = [n for n in KERNEL_NAMES if n not in own]
            node = ImportFrom(KERNEL, 0, [(n, None) for n in names])
            node.set_line(imp)
            node.is_top_level = True
            file.defs.insert(at + 1, node)
        return [(PRI_HIGH, KERNEL, imp.line)]   # as a top-level "from m import ..."

    def get_type_analyze_hook(self, fullname: str) -> Optional[Callable[[AnalyzeTypeContext], Type]]:
        if fullname == STR:
            return _str_type
        if fullname == BYTES:
            return _bytes_type
        if fullname == LHIST:
            return _lhist_type
        return None

    def get_base_class_hook(self, fullname: str) -> Optional[Callable[[ClassDefContext], None]]:
        if fullname == STRUCT:
            return _struct_class
        return None


def plugin(version: str) -> TypingType[Plugin]:
    return PybpfPlugin
