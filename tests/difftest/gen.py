"""A seeded generator of random pybpf programs for differential testing.

    generate(seed, n_cases) -> str

returns ONE probe file (valid pybpf, docs/language.md) that runs n_cases
random cases when the probes fire once. Each case is wrapped in a
try/except chain that prints the name of the exception class that ended
it, so one case's exception does not hide the others:

    try:
        <case body>
    except E3:
        print("c17 E3")
    ...
    except Exception:
        print("c17 Exception")

Cases are spread over several probes on the same tracepoint (each probe
is a separate BPF program, so verification stays small). A few cases are
"whole-probe" cases: a probe of their own, not wrapped, so they may use
`return` (also inside loops and try/finally) and may end with an uncaught
exception, which the loader reports per raise site.

The program is built as a tree (Program > Probe > Case > statements) so
tests/difftest/run.py can minimize a failing program by deleting cases
and statements: Program.render(keep) renders any subset.

Everything is drawn from random.Random(seed): the same seed gives the same
file.
"""
import ast
import random
import re

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1
TRACEPOINT = "syscalls/sys_enter_getppid"

# ---- values ----------------------------------------------------------------

EDGE = [0, 1, -1, 2, -2, 3, -3, 5, 7, -7, 10, 13, 63, 64, 100, 127, 128, -128, -129, 255, 256,
        32767, -32768, 65535, 65536, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32 - 1, 2**32,
        2**62, -2**62, 2**63 - 1, -2**63 + 1, -2**63, 3037000499, 3037000500, -3037000500,
        10**18, -10**18, 0x5555555555555555, 2**53 + 1]
SMALL = list(range(-4, 10))

RANGES = {"u8": (0, 255), "u16": (0, 65535), "u32": (0, 2**32 - 1), "u64": (0, 2**64 - 1),
          "i8": (-128, 127), "i16": (-32768, 32767), "i32": (-2**31, 2**31 - 1),
          "i64": (I64_MIN, I64_MAX), "int": (I64_MIN, I64_MAX)}
FIXED = ["u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"]

# built-in exception classes and their bases (Python's hierarchy)
BUILTIN_EXC = {
    "Exception": None, "ArithmeticError": "Exception", "OverflowError": "ArithmeticError",
    "ZeroDivisionError": "ArithmeticError", "AssertionError": "Exception",
    "LookupError": "Exception", "IndexError": "LookupError", "KeyError": "LookupError",
    "RuntimeError": "Exception", "MapFullError": "RuntimeError", "ValueError": "Exception",
    "TypeError": "Exception",
}
# the classes pybpf raises by itself (arithmetic, stores, maps, range, assert)
RAISED_BY_PYBPF = ["OverflowError", "ZeroDivisionError", "ValueError", "KeyError",
                   "AssertionError", "MapFullError"]


def lit(v, r=None):
    """An int literal in some Python spelling (valid pybpf)."""
    if v == I64_MIN:
        return "(-9223372036854775807 - 1)"
    if v < 0:
        return "-" + lit(-v, r)
    if r is not None and v > 9:
        k = r.random()
        if k < 0.08:
            return hex(v)
        if k < 0.11:
            return hex(v).upper().replace("0X", "0x")
        if k < 0.14:
            return oct(v)
        if k < 0.17:
            return bin(v)
        if k < 0.22:
            return f"{v:_}"
    return str(v)


def rlen(a, b, step):
    """len(range(a, b, step)) without CPython's ssize_t limit."""
    if step > 0:
        return max(0, (b - a + step - 1) // step)
    return max(0, (a - b - step - 1) // -step)


def _c64(v):
    return v if I64_MIN <= v <= I64_MAX else None


def const_value(node, consts):
    """The value pybpf's checker gives an expression at compile time
    (pyc/check.c const_int: literals, Final constants with their declared
    values, unary - + ~ and binary operators without overflow), or None."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return int(node.value)
        return node.value if isinstance(node.value, int) else None
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    if isinstance(node, ast.UnaryOp):
        a = const_value(node.operand, consts)
        if a is None:
            return None
        if isinstance(node.op, ast.USub):
            return None if a == I64_MIN else -a
        if isinstance(node.op, ast.UAdd):
            return a
        if isinstance(node.op, ast.Invert):
            return ~a
        return None
    if isinstance(node, ast.BinOp):
        a = const_value(node.left, consts)
        b = const_value(node.right, consts)
        if a is None or b is None:
            return None
        op = type(node.op).__name__
        if op in ("Add", "Sub", "Mult"):
            return _c64({"Add": a + b, "Sub": a - b, "Mult": a * b}[op])
        if op in ("FloorDiv", "Mod"):
            if b == 0 or (a == I64_MIN and b == -1):
                return None
            return a // b if op == "FloorDiv" else a % b
        if op == "BitAnd":
            return a & b
        if op == "BitOr":
            return a | b
        if op == "BitXor":
            return a ^ b
        if op == "LShift":   # as const_int: 0 << any b >= 0 is 0; -1 << 63 fits
            if b < 0 or (a != 0 and b >= 64):
                return None
            return 0 if a == 0 else _c64(a << b)
        if op == "RShift":
            return None if b < 0 else (-1 if a < 0 else 0) if b >= 64 else a >> b
        if op == "Pow":
            return None if b < 0 or b > 64 else _c64(a ** b)
        return None
    return None


def strlit(s):
    """A Python string literal for s (repr is a valid literal)."""
    return repr(s)


# ---- program tree ----------------------------------------------------------

class Line:
    def __init__(self, text):
        self.text = text

    def render(self, ind, out):
        out.append(" " * ind + self.text)

    def children(self):
        return []


class Compound:
    """if/elif/else, for/else, try/except/else/finally: a list of clauses
    [kind, header, body]; kinds: if elif else for forelse try except
    tryelse finally."""

    def __init__(self, clauses):
        self.clauses = clauses

    def render(self, ind, out):
        for kind, header, body in self.clauses:
            out.append(" " * ind + header)
            if body:
                for s in body:
                    s.render(ind + 4, out)
            else:
                out.append(" " * (ind + 4) + "pass")

    def children(self):
        return [c[2] for c in self.clauses]


class Case:
    def __init__(self, cid, body, handlers, whole=False):
        self.cid = cid
        self.body = body
        self.handlers = handlers     # exception classes, most specific first
        self.whole = whole           # a probe of its own, not wrapped


class Program:
    def __init__(self, gen, globals_, cases, per_probe, probe_globals, prologue=()):
        self.gen = gen
        self.prologue = list(prologue)
        self.globals = globals_
        self.cases = cases
        self.per_probe = per_probe
        self.probe_globals = probe_globals

    def render(self, keep=None):
        """The probe file; keep: a set of case ids to keep (None: all)."""
        out = self.gen.header()
        cases = [c for c in self.cases if keep is None or c.cid in keep]
        probes, cur, used = [], [], 0
        hw = {}
        for h in self.gen.helpers:
            lines = []
            for st in h[3]:
                st.render(0, lines)
            hw[h[0]] = str_weight("\n".join(lines), hw)
        for c in cases:
            if c.whole:
                probes.append([c])
                continue
            lines = []
            render_case(c, lines)
            w = str_weight("\n".join(lines), hw)
            # each str temporary takes 16 bytes of the 512-byte BPF stack
            # for the whole probe (pybpf declares them all at the top)
            if cur and used + w > getattr(self, "str_budget", STR_BUDGET):
                probes.append(cur)
                cur, used = [], 0
            cur.append(c)
            used += w
            if len(cur) >= self.per_probe:
                probes.append(cur)
                cur, used = [], 0
        if cur:
            probes.append(cur)
        if not probes:
            probes = [[]]
        for pi, cs in enumerate(probes):
            name = f"w{cs[0].cid}" if cs and cs[0].whole else f"p{cs[0].cid if cs else 0}"
            out.append("")
            out.append("")
            out.append(f'@tracepoint("{TRACEPOINT}")')
            out.append(f"def {name}() -> None:")
            if self.probe_globals:
                out.append("    global " + ", ".join(self.probe_globals))
            out.append("    if pid() != PID:")
            out.append("        return")
            out += self.prologue
            for c in cs:
                render_case(c, out)
            if not cs:
                out.append("    pass")
        return "\n".join(out) + "\n"


STR_BUDGET = 36


def str_weight(text, helper_weights):
    """Roughly how many 16-byte string buffers pybpf puts on the stack."""
    w = len(re.findall(r"comm\(\)|\bm_str\b|\bm_s8\b|\bs4\b|\bs8\b|\bs16\b", text))
    w += len(re.findall(r"'[^']*'", text)) // 2
    for name, hwt in helper_weights.items():
        w += len(re.findall(r"\b%s\(" % name, text)) * (hwt + 2)
    return w


def render_case(c, out):
    if c.whole:
        out.append(f'    print("w{c.cid} start")')
        for s in c.body:
            s.render(4, out)
        out.append(f'    print("w{c.cid} end")')
        return
    out.append("    try:")
    if c.body:
        for s in c.body:
            s.render(8, out)
    else:
        out.append("        pass")
    for h in c.handlers:
        out.append(f"    except {h}:")
        out.append(f'        print("c{c.cid} {h}")')


def walk_bodies(stmts):
    """Yield every statement list (body) in a statement tree, outermost first."""
    yield stmts
    for s in stmts:
        for b in s.children():
            yield from walk_bodies(b)


# ---- the generator ----------------------------------------------------------

class Scope:
    """What the generator may use at a point of a case."""

    def __init__(self, defined=(), loop=0, in_except=0, whole=False, loopvars=(), ret=None, tag=None):
        self.defined = set(defined)
        self.loop = loop
        self.in_except = in_except
        self.whole = whole          # 'return' allowed (a whole probe or a helper)
        self.loopvars = list(loopvars)
        self.ret = ret              # a helper's return type: "int", "bool", None
        self.tag = tag              # print tag when not the case's

    def child(self, **kw):
        s = Scope(self.defined, self.loop, self.in_except, self.whole, self.loopvars, self.ret, self.tag)
        for k, v in kw.items():
            setattr(s, k, v)
        return s


class Gen:
    INT_LOCALS = ["a", "b", "c", "d", "e"]
    BOOL_LOCALS = ["p", "q"]
    TYPED_LOCALS = {f"t_{t}": t for t in FIXED}
    STR_LOCALS = {"s4": 4, "s8": 8, "s16": 16}
    BYTES_LOCALS = {"y4": 4, "y8": 8}
    BYTE_POOL = [0, 0, 1, 9, 10, 0x27, 0x22, 0x5c, 0x61, 0x62, 0x7f, 0x80, 0xff]
    LOOPVARS = ["i", "j", "k"]

    def __init__(self, seed, avoid=()):
        self.r = random.Random(seed)
        r = self.r
        # constructs not to generate (to look past a known bug): "mul" (* ** *= **=)
        self.avoid = set(avoid)
        self.helpers = []           # [name, ret, params, body, raised]
        self.callable = 0           # helpers 0..callable-1 may be called here
        self.calls_left = 0
        self.in_helper = False
        # Final constants: edge values the compiler cannot fold (const volatile)
        self.finals = {"ZERO": 0, "ONE": 1}
        for n in range(4):
            self.finals[f"K{n}"] = r.choice(EDGE)
        self.final_bools = {"FLAG": r.choice([True, False])}
        self.consts = dict(self.finals, PID=0, FLAG=int(self.final_bools["FLAG"]))
        # maps: name -> (kind, key type, value type, max_entries)
        self.maps = {
            "m_i64": ("Hash", "u32", "i64", 10240),
            "m_u8": ("Hash", "i16", "u8", 10240),
            "m_u64": ("Hash", "u64", "u64", 10240),
            "m_i32": ("PerCPUHash", "i8", "i32", 10240),
            "m_u32": ("LRUHash", "u32", "u32", 10240),
            "m_full": ("Hash", "u32", "i16", r.choice([1, 2, 3, 5])),
            "m_str": ("Hash", "str[16]", "u32", 10240),
            "m_s8": ("Hash", "str[8]", "i64", 10240),
            "m_b4": ("Hash", "bytes[4]", "u32", 10240),
        }
        self.explicit_max = {m for m in self.maps if r.random() < 0.3}
        self.int_maps = [m for m, v in self.maps.items() if not v[1].startswith(("str", "bytes"))]
        self.str_maps = [m for m, v in self.maps.items() if v[1].startswith("str")]
        # module-level variables: name -> (type, initial)
        self.globals = {"g_int": ("int", r.choice(EDGE)), "g_u8": ("u8", r.randint(0, 255)),
                        "g_i32": ("i32", r.choice([0, -5, 2**31 - 1, -2**31])),
                        "g_u64": ("u64", r.choice([0, 1, 2**63 - 1])), "g_i16": ("i16", r.choice([0, -32768, 32767])),
                        "g_u32": ("u32", r.choice([0, 2**32 - 1, 7])), "g_flag": ("bool", False)}
        # own exception classes: name -> base
        self.exc = dict(BUILTIN_EXC)
        own = []
        for n in range(r.randint(3, 7)):
            base = r.choice(["Exception", "Exception", "ValueError", "KeyError", "ArithmeticError",
                             "RuntimeError", "LookupError", "OverflowError", "ZeroDivisionError",
                             "AssertionError", "TypeError", "MapFullError"] + own)
            self.exc[f"E{n}"] = base
            own.append(f"E{n}")
        self.own = own
        self.budget_prints = 0
        self.in_fstr = False
        self.raised = set()
        self.loopmul = 1
        self.printed = 0
        self.print_cap = 40
        for n in range(r.randint(2, 5)):
            self.make_helper(n)

    # -- helpers
    def store_val(self, expr, t):
        """expr, made opaque to the checker when it is a constant that does
        not fit t (pybpf rejects those at compile time; we want the run-time
        OverflowError)."""
        v = const_value(ast.parse(expr, mode="eval").body, self.consts)
        if v is None or t in ("int", "bool"):
            return expr
        lo, hi = RANGES[t]
        hi = min(hi, I64_MAX)
        if lo <= v <= hi:
            return expr
        return f"({expr} + (pid() - pid()))"

    def depth_of(self, cls):
        d = 0
        while self.exc.get(cls):
            cls = self.exc[cls]
            d += 1
        return d

    def is_sub(self, cls, base):
        while cls:
            if cls == base:
                return True
            cls = self.exc.get(cls)
        return False

    def chance(self, p):
        return self.r.random() < p

    # -- expressions: each returns source text; int exprs have type int,
    #    bool exprs have type bool (pybpf's and/or/ifexp need one type)
    def int_atom(self, sc):
        r = self.r
        if self.chance(0.03):
            return self.bytes_int(sc)
        k = r.random()
        ints = [v for v in self.INT_LOCALS if v in sc.defined] + [v for v in sc.loopvars]
        typed = [v for v in self.TYPED_LOCALS if v in sc.defined]
        if k < 0.30 and ints:
            return r.choice(ints)
        if k < 0.38 and typed:
            return r.choice(typed)
        if k < 0.55:
            return lit(r.choice(SMALL), r)
        if k < 0.70:
            v = lit(r.choice(EDGE), r)
            return v if not v.startswith(("-", "(")) else f"({v})"
        if k < 0.78 and not (self.in_helper and "helperfinal" in self.avoid):
            return r.choice(list(self.finals))
        if k < 0.82:
            return r.choice(["(pid() - pid())", "(PID - pid())", "(uid() - uid())", "(gid() * 0)"])
        if k < 0.88:
            return r.choice([g for g, (t, _) in self.globals.items() if t != "bool"])
        if k < 0.95:
            return self.map_read(sc)
        call = self.helper_call(sc, "int")
        return call or lit(r.choice(SMALL), r)

    def helper_call(self, sc, ret):
        """h(args) for a helper returning ret, or None."""
        cands = [h for h in self.helpers[:self.callable] if h[1] == ret]
        if not cands or self.calls_left <= 0:
            return None
        self.calls_left -= 1
        h = self.r.choice(cands)
        self.raised |= h[4]
        args = []
        for t in h[2]:
            args.append(self.int_expr(sc, self.r.randint(0, 1)) if t == "int" else self.bool_expr(sc, 0))
        return f"{h[0]}({', '.join(args)})"

    def make_helper(self, n):
        """def h<n>(a: int, b: int[, p: bool]) -> int | bool | None, at module level."""
        r = self.r
        ret = r.choice(["int", "int", "bool", None])
        params = ["int", "int"] + (["bool"] if self.chance(0.4) else [])
        self.raised = set()
        self.callable = n
        self.calls_left = 2
        self.loopmul = 1
        self.maxdepth = r.choice([1, 1, 2])
        self.in_helper = True
        for _ in range(100):
            sc = Scope(defined=["a", "b"] + (["p"] if len(params) == 3 else []), whole=True, ret=ret, tag=f"h{n}")
            body = []
            for _ in range(r.randint(1, 4)):
                body.append(self.stmt(sc, n, 0))
            if ret == "int":
                body.append(Line(f"return {self.int_expr(sc)}"))
            elif ret == "bool":
                body.append(Line(f"return {self.bool_expr(sc)}"))
            if "helperfinal" not in self.avoid:
                break
            out = []
            for st in body:
                st.render(0, out)
            if not re.search(r"\b(PID|ZERO|ONE|K\d|FLAG)\b", "\n".join(out)):
                break
        self.helpers.append([f"h{n}", ret, params, body, set(self.raised)])
        self.callable = 0
        self.in_helper = False

    def simple_key(self, m):
        """A key of m that reads no map (for the avoid flags)."""
        kt = self.maps[m][1]
        if kt.startswith("str"):
            return "'ab'"
        if kt.startswith("bytes"):
            return "b'ab\\x00c'"
        return lit(self.r.randint(0, 7))

    def key_expr(self, sc, m):
        kt = self.maps[m][1]
        r = self.r
        if kt.startswith("str"):
            return self.str_expr(sc, quote="'", short=True)
        if kt.startswith("bytes"):
            return self.bytes_expr(sc, int(kt[6:-1]))
        k = r.random()
        if k < 0.5:
            e = lit(r.randint(0, 7), r)
        elif k < 0.75:
            e = f"({self.int_expr(sc, 1)}) % {r.choice([3, 5, 8])}"
        elif k < 0.85:
            e = r.choice([lit(v) for v in (-1, 128, 255, 256, -129, 2**32, 2**63 - 1, 40000)])
        else:
            e = self.int_expr(sc, 1)
        if m == "m_full" and "fullkey" in self.avoid:
            e = lit(r.randint(0, 7))
        return self.store_val(e, kt)

    def pick_map(self):
        # str-keyed maps rarely: every str temporary costs 16 bytes of stack
        if self.chance(0.04):
            return "m_b4"
        return self.r.choice(self.str_maps if self.chance(0.08) else self.int_maps)

    def map_read(self, sc, m=None):
        r = self.r
        m = m or self.pick_map()
        key = self.key_expr(sc, m)
        if self.chance(0.35) or ((sc.loop or self.in_helper) and "maploop" in self.avoid):
            if "getorder" in self.avoid:
                key = self.simple_key(m)
            return f"{m}.get({key}, {self.int_expr(sc, 0)})"
        return f"{m}[{key}]"

    def int_expr(self, sc, depth=None):
        r = self.r
        if depth is None:
            depth = r.randint(0, 3)
        if depth <= 0:
            return self.int_atom(sc)
        k = r.random()
        if k < 0.55:
            op = r.choice(["+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^",
                           "+", "-", "*", "//", "%"])
            if "mul" in self.avoid and op in ("*", "**"):
                op = "+"
            left = self.arith_operand(sc, depth - 1)
            if op == "**":
                right = str(r.choice([0, 1, 2, 2, 3, 3, 5, 7, 31, 32, 62, 63, 64]))
                if self.chance(0.5):  # a small base, so the power is often in range
                    left = lit(r.choice([0, 1, -1, 2, -2, 3, 7]))
                    left = f"({left})" if left.startswith("-") else left
            elif op in ("<<", ">>") and self.chance(0.6):
                right = r.choice([lit(r.randint(0, 66)), f"({self.int_expr(sc, depth - 1)}) % 70",
                                  str(r.choice([-1, 62, 63, 64, 65, 100]))])
                if op == "<<" and "shl63" in self.avoid:
                    right = r.choice([lit(r.randint(0, 62)), f"({self.int_expr(sc, depth - 1)}) % 63", "64", "-1"])
                right = f"({right})" if right.startswith("-") else right
            elif op in ("//", "%") and self.chance(0.4):
                right = r.choice(["ZERO", "(pid() - pid())", lit(r.choice([1, -1, 2, -2, 3, 7, -7])),
                                  f"({self.int_expr(sc, depth - 1)} - {self.int_expr(sc, 0)})"])
                right = f"({right})" if right.startswith("-") else right
            else:
                right = self.arith_operand(sc, depth - 1)
            return f"({left} {op} {right})"
        if k < 0.65:
            op = r.choice(["-", "~", "+", "-"])
            return f"({op}{self.arith_operand(sc, depth - 1)})"
        if k < 0.75:
            return f"({self.int_expr(sc, depth - 1)} if {self.cond(sc, depth - 1)} else {self.int_expr(sc, depth - 1)})"
        if k < 0.83:
            op = r.choice(["and", "or"])
            parts = [self.int_expr(sc, depth - 1) for _ in range(r.randint(2, 3))]
            return "(" + f" {op} ".join(parts) + ")"
        if k < 0.90:
            return self.map_read(sc)
        if k < 0.95:
            # a bool used as an int
            op = r.choice(['+', '-', '^'] + ([] if "mul" in self.avoid else ['*']))
            return f"({self.bool_expr(sc, depth - 1)}) {op} {self.int_atom(sc)}"
        return self.int_atom(sc)

    def arith_operand(self, sc, depth):
        # an int or (rarely) a bool: both are ints in arithmetic
        if self.chance(0.05):
            return f"({self.bool_expr(sc, 0)})"
        return self.int_expr(sc, depth)

    def cond(self, sc, depth):
        """A condition: bool or int."""
        if self.chance(0.75):
            return self.bool_expr(sc, depth)
        return self.int_expr(sc, depth)

    def bool_atom(self, sc):
        r = self.r
        bools = [v for v in self.BOOL_LOCALS if v in sc.defined]
        k = r.random()
        if k < 0.3 and bools:
            return r.choice(bools)
        if k < 0.4:
            return r.choice(["True", "False", "g_flag"] + ([] if self.in_helper and "helperfinal" in self.avoid else ["FLAG"]))
        if k < 0.45:
            call = self.helper_call(sc, "bool")
            if call:
                return call
        return self.compare(sc, 0)

    def compare(self, sc, depth):
        r = self.r
        if self.chance(0.03):
            n = r.choice([4, 4, 8])
            if n == 4 and self.chance(0.3):
                return f"{self.bytes_expr(sc, 4)} {r.choice(['in', 'not in'])} m_b4"
            a, b = self.bytes_expr(sc, n), self.bytes_expr(sc, n if self.chance(0.9) else 12 - n)
            return f"{a} {r.choice(['==', '!='])} {b}"
        if self.chance(0.04):
            strs = [self.str_expr(sc, quote="'") for _ in range(2)]
            return f"{strs[0]} {r.choice(['==', '!='])} {strs[1]}"
        if self.chance(0.12):
            m = self.pick_map()
            return f"{self.key_expr(sc, m)} {r.choice(['in', 'not in'])} {m}"
        n = r.choice([2, 2, 2, 3, 4])
        parts = [self.arith_operand(sc, depth) for _ in range(n)]
        s = parts[0]
        for p in parts[1:]:
            s += f" {r.choice(['<', '<=', '>', '>=', '==', '!='])} {p}"
        return s

    def bool_expr(self, sc, depth=None):
        r = self.r
        if depth is None:
            depth = r.randint(0, 2)
        if depth <= 0:
            return self.bool_atom(sc)
        k = r.random()
        if k < 0.35:
            return self.compare(sc, depth - 1)
        if k < 0.55:
            return f"not {self.bool_expr(sc, depth - 1)}" if self.chance(0.5) else f"not ({self.int_expr(sc, depth - 1)})"
        if k < 0.8:
            op = r.choice(["and", "or"])
            parts = [self.bool_expr(sc, depth - 1) for _ in range(r.randint(2, 3))]
            return "(" + f" {op} ".join(f"({p})" for p in parts) + ")"
        if k < 0.9:
            return f"(({self.bool_expr(sc, depth - 1)}) if {self.cond(sc, depth - 1)} else ({self.bool_expr(sc, depth - 1)}))"
        return self.bool_atom(sc)

    STRS = ["", "a", "ab", "abc", "python3", "hello", "xyz12", "0123456", "longer_text", "A B"]
    FANCY = ["é", "日本", "a'b", 'q"q', "tab\there", "nl\nx", "back\\s", "€x", "🙂", "\x7f", "mixé'\""]

    def bytes_lit(self, n):
        """b'...' of n bytes (no escapes inside an f-string, where 3.11
        allows no backslash)."""
        pool = b"ab0 ~" if self.in_fstr else self.BYTE_POOL
        data = bytes(self.r.choice(pool) for _ in range(n))
        return "b'" + "".join(chr(c) if 0x20 <= c < 0x7f and c not in (0x27, 0x5c) else f"\\x{c:02x}"
                              for c in data) + "'"

    def bytes_expr(self, sc, n, depth=1):
        """A bytes[n] expression: a local of that length, a literal, or a
        conditional expression of two of them."""
        r = self.r
        locs = [v for v, ln in self.BYTES_LOCALS.items() if ln == n and v in sc.defined]
        k = r.random()
        if k < 0.4 and locs:
            return r.choice(locs)
        if k < 0.85 or depth <= 0:
            return self.bytes_lit(n)
        return f"({self.bytes_expr(sc, n, depth - 1)} if {self.cond(sc, 0)} else {self.bytes_expr(sc, n, depth - 1)})"

    def bytes_int(self, sc):
        """An int read from bytes: b[i] (IndexError outside -n..n-1) or len(b)."""
        r = self.r
        n = r.choice([4, 8])
        b = self.bytes_expr(sc, n, 0)
        if self.chance(0.2):
            return f"len({b})"
        i = r.choice([0, 1, n - 1, -1, -n, n, -n - 1, r.randint(-n, n - 1)])
        return f"{b}[{lit(i) if i >= 0 else f'({i})'}]"

    def str_expr(self, sc, quote="'", short=False):
        """A str expression. quote="'": usable inside an f-string (3.11: no
        backslashes, no double quotes)."""
        r = self.r
        strs = [v for v in self.STR_LOCALS if v in sc.defined]
        k = r.random()
        if k < 0.3 and strs:
            return r.choice(strs)
        if k < 0.45:
            return "comm()"
        return "'" + r.choice(self.STRS[:9] if not short else self.STRS[:8]) + "'"

    def str_value(self, sc, cap):
        """A value to store into str[cap] (may be too long: ValueError)."""
        r = self.r
        k = r.random()
        if k < 0.15:
            return "comm()"
        if k < 0.3:
            strs = [v for v in self.STR_LOCALS if v in sc.defined]
            if strs:
                return r.choice(strs)
        pool = [s for s in self.STRS + self.FANCY if len(s.encode()) < cap]
        return strlit(r.choice(pool))

    # -- format specs, validated by CPython
    def int_spec(self):
        r = self.r
        for _ in range(50):
            s = ""
            if self.chance(0.5):
                if self.chance(0.5):
                    s += r.choice("*-_.0x#@~+ <>=^")
                s += r.choice("<>^=")
            s += r.choice(["", "", "+", "-", " "])
            if self.chance(0.25):
                s += "#"
            if self.chance(0.25):
                s += "0"
            if self.chance(0.6):
                s += str(r.choice([1, 2, 3, 5, 8, 10, 12, 20, 25, 30]))
            s += r.choice(["", "", "", ",", "_"])
            t = r.choice(["", "", "d", "b", "o", "x", "X", "d", "x"] + (["e", "f", "g", "%", "E", "F", "G"] if self.chance(0.1) else []))
            if t in "efg%EFG" and t and self.chance(0.5):
                s += "." + str(r.randint(0, 12))
            s += t
            try:
                for v in (0, -5, 2**63 - 1, True):
                    format(v, s)
            except (ValueError, OverflowError):
                continue
            return s
        return ""

    def str_spec(self):
        r = self.r
        for _ in range(50):
            s = ""
            if self.chance(0.5):
                if self.chance(0.5):
                    s += r.choice("*-_.0x#@~+ <>^")
                s += r.choice("<>^")
            if self.chance(0.15):
                s += "0"
            if self.chance(0.6):
                s += str(r.choice([1, 2, 3, 5, 8, 10, 16, 20]))
            if self.chance(0.3):
                s += "." + str(r.randint(0, 9))
            if self.chance(0.2):
                s += "s"
            try:
                format("ab", s)
            except ValueError:
                continue
            return s
        return ""

    def fpart(self, sc):
        """One {...} replacement field of an f-string."""
        self.in_fstr = True   # 3.11: no backslash in it (bytes_lit)
        try:
            return self.fpart_in(sc)
        finally:
            self.in_fstr = False

    def fpart_in(self, sc):
        r = self.r
        k = r.random()
        if k < 0.55:
            e = self.int_expr(sc, r.randint(0, 2))
            conv = r.choice(["", "", "", "", "!r", "!s"])
            spec = self.str_spec() if conv else (self.int_spec() if self.chance(0.7) else "")
        elif k < 0.7:
            e = self.bool_expr(sc, r.randint(0, 1))
            conv = r.choice(["", "", "!r", "!s"])
            spec = self.str_spec() if conv else (self.int_spec() if self.chance(0.4) else "")
        else:
            e = self.str_expr(sc, quote="'")
            conv = r.choice(["", "", "", "!r", "!s"])
            spec = self.str_spec() if self.chance(0.6) else ""
        if e.startswith("(") is False and (" " in e) and self.chance(0.5):
            e = f"({e})"
        selfdoc = "=" if self.chance(0.06) and "selfdoc" not in self.avoid else ""
        if selfdoc:
            e = r.choice([v for v in self.INT_LOCALS if v in sc.defined] or ["ZERO"])
            spec = self.str_spec() if conv else (self.int_spec() if self.chance(0.5) else "")
        return "{" + e + selfdoc + conv + (":" + spec if spec else "") + "}"

    def print_stmt(self, sc, cid):
        r = self.r
        tag = sc.tag or (f"w{cid}" if sc.whole else f"c{cid}")
        self.budget_prints += 1
        if self.chance(0.5):
            parts = []
            for _ in range(r.randint(1, 3)):
                txt = r.choice(["", " ", " x=", "|", " [", "] ", " {{}} ", " %d ", " é "])
                parts.append(txt + self.fpart(sc))
            return Line(f'print(f"{tag}' + " " + "".join(parts) + '")')
        args = [f'"{tag}"']
        for _ in range(r.randint(1, 3)):
            k = r.random()
            if k < 0.6:
                args.append(self.int_expr(sc))
            elif k < 0.85:
                args.append(self.bool_expr(sc))
            elif k < 0.9:
                args.append(self.bytes_expr(sc, r.choice([4, 8])))
            else:
                args.append(self.str_expr(sc, quote="'"))
        kw = ""
        if self.chance(0.2):
            kw += ", sep=" + r.choice(['""', '", "', '"|"', '"\\t"', '"é"'])
        if self.chance(0.15):
            kw += ", end=" + r.choice(['";\\n"', '"\\n\\n"', '" <end>\\n"'])
        return Line("print(" + ", ".join(args) + kw + ")")

    # -- statements
    def assign(self, sc):
        r = self.r
        if self.chance(0.05):
            v = r.choice(list(self.BYTES_LOCALS))
            n = self.BYTES_LOCALS[v]
            ann = f": bytes[{n}]" if self.chance(0.3) else ""
            s = Line(f"{v}{ann} = {self.bytes_expr(sc, n)}")
            sc.defined.add(v)
            return s
        k = r.random()
        if k < 0.45:
            v = r.choice(self.INT_LOCALS)
            s = Line(f"{v} = {self.int_expr(sc)}")
            sc.defined.add(v)
            return s
        if k < 0.55:
            v = r.choice(self.BOOL_LOCALS)
            s = Line(f"{v} = {self.bool_expr(sc)}")
            sc.defined.add(v)
            return s
        if k < 0.8:
            v = r.choice(list(self.TYPED_LOCALS))
            t = self.TYPED_LOCALS[v]
            lo, hi = RANGES[t]
            hi = min(hi, I64_MAX)
            if self.chance(0.5):
                val = lit(r.choice([lo, hi, lo - 1 if lo - 1 >= I64_MIN else lo, min(hi + 1, I64_MAX), 0, 1, -1, 100, 200]))
            else:
                val = self.int_expr(sc, r.randint(0, 2))
            ann = f": {t}" if self.chance(0.4) else ""
            s = Line(f"{v}{ann} = {self.store_val(val, t)}")
            sc.defined.add(v)
            return s
        v = r.choice(list(self.STR_LOCALS))
        cap = self.STR_LOCALS[v]
        ann = f": str[{cap}]" if self.chance(0.4) else ""
        s = Line(f"{v}{ann} = {self.str_value(sc, cap)}")
        sc.defined.add(v)
        return s

    def augassign(self, sc):
        r = self.r
        cands = [v for v in self.INT_LOCALS + list(self.TYPED_LOCALS) if v in sc.defined]
        if not cands:
            return self.assign(sc)
        v = r.choice(cands)
        op = r.choice(["+=", "-=", "*=", "//=", "%=", "**=", "<<=", ">>=", "&=", "|=", "^=", "+=", "-="])
        if ("mul" in self.avoid and op in ("*=", "**=")) or ("powaug" in self.avoid and op == "**="):
            op = "+="
        if op == "**=":
            rhs = str(r.choice([0, 1, 2, 3, 5, 63, 64]))
        elif op in ("<<=", ">>="):
            rhs = r.choice([str(r.randint(0, 65)), f"({self.int_expr(sc, 1)}) % 66"])
            if op == "<<=" and "shl63" in self.avoid:
                rhs = r.choice([str(r.randint(0, 62)), f"({self.int_expr(sc, 1)}) % 63"])
        else:
            rhs = self.int_expr(sc, r.randint(0, 2))
        return Line(f"{v} {op} {rhs}")

    def global_stmt(self, sc):
        r = self.r
        g = r.choice(list(self.globals))
        t = self.globals[g][0]
        if t == "bool":
            return Line(f"{g} = {self.bool_expr(sc)}")
        k = r.random()
        lo, hi = RANGES[t]
        hi = min(hi, I64_MAX)
        if k < 0.4:
            val = lit(r.choice([0, 1, -1, lo, hi, min(hi + 1, I64_MAX), 7])) if self.chance(0.5) else self.int_expr(sc)
            return Line(f"{g} = {self.store_val(val, t)}")
        if "globalaug" in self.avoid:
            return Line(f"{g} = {self.store_val(self.int_expr(sc), t)}")
        op = r.choice(["+=", "-="])
        val = lit(r.choice([1, 2, -1, 100, 255, 2**31, 2**32, 2**62, 2**63 - 1, I64_MIN])) if self.chance(0.5) else self.int_expr(sc)
        return Line(f"{g} {op} {val}")

    def map_stmt(self, sc):
        r = self.r
        m = self.pick_map()
        key = self.key_expr(sc, m)
        k = r.random()
        vt = self.maps[m][2]
        lo, hi = RANGES[vt]
        hi = min(hi, I64_MAX)
        if "storeorder" in self.avoid and re.search(r"m_\w+(\[|\.get)", key):
            key = self.simple_key(m)
        if k < 0.35 or (k < 0.75 and "mapaug" in self.avoid):
            if self.chance(0.5):
                val = lit(r.choice([0, 1, -1, lo, hi, min(hi + 1, I64_MAX), 42, 250]))
            else:
                val = self.int_expr(sc)
            return Line(f"{m}[{key}] = {self.store_val(val, vt)}")
        if k < 0.75:
            op = r.choice(["+=", "-="])
            if self.chance(0.5):
                val = lit(r.choice([1, 1, 2, -1, 100, 200, 255, 2**31, 2**32, 2**62, 2**63 - 1, I64_MIN]))
            else:
                val = self.int_expr(sc)
            return Line(f"{m}[{key}] {op} {val}")
        if "delkey" in self.avoid and not self.maps[m][1].startswith(("str", "bytes")):
            key = lit(r.randint(0, 7))
        return Line(f"del {m}[{key}]")

    def raise_stmt(self, sc, cid):
        r = self.r
        if sc.in_except and self.chance(0.3):
            return Line("raise")
        cls = r.choice(self.own + ["ValueError", "KeyError", "ZeroDivisionError", "OverflowError", "Exception",
                                   "ArithmeticError", "LookupError", "IndexError", "RuntimeError", "TypeError",
                                   "MapFullError", "AssertionError"])
        self.raised.add(cls)
        if self.chance(0.4):
            return Line(f'raise {cls}("m{cid} {r.choice(["boom", "bad value", "x"])}")')
        if self.chance(0.2):
            return Line(f"raise {cls}()")
        return Line(f"raise {cls}")

    def assert_stmt(self, sc, cid):
        c = self.cond(self.r.choice([sc]), self.r.randint(0, 2))
        if self.chance(0.5):
            return Line(f'assert {c}, "a{cid} failed"')
        return Line(f"assert {c}")

    def if_stmt(self, sc, cid, depth):
        r = self.r
        clauses = [["if", f"if {self.cond(sc, r.randint(0, 2))}:", self.block(sc.child(), cid, depth + 1)]]
        for _ in range(r.choice([0, 0, 1, 2])):
            clauses.append(["elif", f"elif {self.cond(sc, r.randint(0, 2))}:", self.block(sc.child(), cid, depth + 1)])
        if self.chance(0.5):
            clauses.append(["else", "else:", self.block(sc.child(), cid, depth + 1)])
        return Compound(clauses)

    def range_args(self, sc):
        r = self.r
        k = r.random()
        if k < 0.5:
            # (avoid "emptyrange": no constant empty ranges)
            n = r.randint(1 if "emptyrange" in self.avoid else 0, 6)
            if self.chance(0.5):
                return [lit(n)], n
            a, b = r.randint(-4, 6), r.randint(-4, 8)
            step = r.choice([1, 1, 2, 3, -1, -2, -3])
            ln = rlen(a, b, step)
            if ln == 0 and "emptyrange" in self.avoid:
                a, b, step, ln = 0, 2, 1, 2
            return [lit(a), lit(b)] + ([lit(step)] if step != 1 or self.chance(0.3) else []), ln
        if k < 0.8:
            # bounded by % : at most 6 / 9 iterations
            a = f"({self.int_expr(sc, 1)}) % 6"
            if self.chance(0.5):
                return [a], 6
            b = f"({self.int_expr(sc, 1)}) % 9 - 2"
            step = r.choice(["1", "2", "-1", "-2", "(ONE + ZERO)", "(pid() - pid())", "(-ONE)"])
            return [a, b, step], 11
        # edge literals: empty, tiny, or too long (OverflowError)
        for _ in range(0 if "emptyrange" in self.avoid else 100):
            a, b = r.choice(EDGE), r.choice(EDGE)
            step = r.choice([1, -1, 2, 3, 7, -(2**62), 2**62, 2**63 - 1, I64_MIN, 1000000])
            ln = rlen(a, b, step)
            if ln <= 6 or ln > 8388608:
                args = [lit(a), lit(b), lit(step)]
                args = [f"({x})" if x.startswith("(") else x for x in args]
                return args, min(ln, 6)
        return ["3"], 3

    def for_stmt(self, sc, cid, depth):
        r = self.r
        lv = self.LOOPVARS[len(sc.loopvars)] if len(sc.loopvars) < len(self.LOOPVARS) else None
        if lv is None:
            return self.simple(sc, cid)
        has_else = self.chance(0.3)
        calls = self.calls_left
        if has_else and "forelse" in self.avoid:
            self.calls_left = 0
        args, n = self.range_args(sc)
        inner = sc.child(loop=sc.loop + 1, loopvars=sc.loopvars + [lv])
        old = self.loopmul
        self.loopmul *= max(n, 1)
        body = self.block(inner, cid, depth + 1)
        self.loopmul = old
        clauses = [["for", f"for {lv} in range({', '.join(args)}):", body]]
        if has_else:
            # (avoid "forelse": only simple statements in the else clause)
            clauses.append(["forelse", "else:", self.block(sc.child(), cid, 99 if "forelse" in self.avoid else depth + 1)])
            if "forelse" in self.avoid:
                self.calls_left = calls
        return Compound(clauses)

    def handler_list(self):
        r = self.r
        n = r.randint(1, 3)
        hs = []
        pool = self.own + list(BUILTIN_EXC) + ["BaseException"]
        for _ in range(n):
            if self.chance(0.2):
                hs.append("(" + ", ".join(r.sample(pool, 2)) + ")")
            else:
                hs.append(r.choice(pool))
        return hs

    def try_stmt(self, sc, cid, depth):
        r = self.r
        clauses = [["try", "try:", self.block(sc.child(), cid, depth + 1)]]
        handlers = self.handler_list() if self.chance(0.85) else []
        for h in handlers:
            clauses.append(["except", f"except {h}:", self.block(sc.child(in_except=sc.in_except + 1), cid, depth + 1)])
        if handlers and self.chance(0.15):
            clauses.append(["except", "except:", self.block(sc.child(in_except=sc.in_except + 1), cid, depth + 1)])
        if handlers and self.chance(0.3):
            clauses.append(["tryelse", "else:", self.block(sc.child(), cid, depth + 1)])
        if not handlers or self.chance(0.35):
            clauses.append(["finally", "finally:", self.block(sc.child(), cid, depth + 1)])
        return Compound(clauses)

    def simple(self, sc, cid):
        r = self.r
        k = r.random()
        if k < 0.22:
            return self.assign(sc)
        if k < 0.34:
            return self.augassign(sc)
        if k < 0.55:
            if self.budget_prints * 1 + self.loopmul > 100000:
                return self.assign(sc)
            self.printed += self.loopmul
            return self.print_stmt(sc, cid)
        if k < 0.67:
            return self.map_stmt(sc)
        if k < 0.75:
            return self.global_stmt(sc)
        if k < 0.81:
            return self.raise_stmt(sc, cid)
        if k < 0.86:
            return self.assert_stmt(sc, cid)
        if k < 0.93 and sc.loop:
            return Line(r.choice(["break", "continue"]))
        if k < 0.96 and sc.whole and self.chance(0.3):
            if sc.ret == "int":
                return Line(f"return {self.int_expr(sc)}")
            if sc.ret == "bool":
                return Line(f"return {self.bool_expr(sc)}")
            return Line("return")
        if k < 0.98:
            call = self.helper_call(sc, None)
            if call:
                return Line(call)
        if sc.loop and self.chance(0.5):
            return Compound([["if", f"if {self.cond(sc, 1)}:", [Line(r.choice(["break", "continue"]))]]])
        return self.assign(sc)

    def stmt(self, sc, cid, depth):
        r = self.r
        if depth < self.maxdepth:
            k = r.random()
            if k < 0.12:
                return self.if_stmt(sc, cid, depth)
            if k < 0.19 and self.printed < self.print_cap:
                return self.for_stmt(sc, cid, depth)
            if k < 0.28:
                return self.try_stmt(sc, cid, depth)
        return self.simple(sc, cid)

    def block(self, sc, cid, depth):
        n = self.r.randint(1, 3 if depth else 6)
        out = []
        for _ in range(n):
            out.append(self.stmt(sc, cid, depth))
        return out

    def case(self, cid, whole=False):
        r = self.r
        self.raised = set()
        self.loopmul = 1
        self.printed = 0
        self.print_cap = 40
        self.maxdepth = r.choice([1, 2, 2, 3])
        self.callable = len(self.helpers)
        self.calls_left = r.choice([0, 1, 2])
        sc = Scope(whole=whole)
        body = []
        # the case's own inputs first: it never reads what an earlier case left
        for v in r.sample(self.INT_LOCALS, r.randint(1, 3)):
            body.append(Line(f"{v} = {self.int_expr(sc, r.randint(0, 2))}"))
            sc.defined.add(v)
        if self.chance(0.3):
            body.append(self.assign(sc))
        body += self.block(sc, cid, 0)
        if self.chance(0.7):
            body.append(self.print_stmt(sc, cid))
        if whole:
            return Case(cid, body, [], whole=True)
        classes = set(RAISED_BY_PYBPF) | self.raised
        for c in list(classes):
            if c in self.own and self.chance(0.5):
                classes.add(self.exc[c])   # sometimes the base too
        if self.chance(0.3):
            classes.add(r.choice(["ArithmeticError", "LookupError", "RuntimeError"]))
        classes.discard("Exception")
        order = sorted(classes, key=lambda c: (-self.depth_of(c), c))
        return Case(cid, body, order + ["Exception"])

    def long_case(self, cid):
        """One statement of a long probe (build_long): a try around one or
        two int assignments and a print, with the handlers case() picks."""
        r = self.r
        self.raised = set()
        self.callable = len(self.helpers)
        self.calls_left = r.choice([0, 0, 1])
        sc = Scope()
        body = []
        for v in r.sample(self.INT_LOCALS, r.randint(1, 2)):
            body.append(Line(f"{v} = {self.int_expr(sc, r.randint(0, 3))}"))
            sc.defined.add(v)
        body.append(Line(f'print("c{cid}", {self.int_expr(sc, r.randint(0, 2))})'))
        classes = set(r.sample(RAISED_BY_PYBPF, r.randint(1, 3))) | self.raised
        order = sorted(classes, key=lambda c: (-self.depth_of(c), c))
        return Case(cid, body, order + (["Exception"] if self.chance(0.5) else []))

    # -- the file
    def header(self):
        h = ["# generated by tests/difftest/gen.py", "from pybpf import *", "", "PID: Final[int] = 0"]
        for n, v in self.finals.items():
            h.append(f"{n}: Final[int] = {lit(v)}")
        for n, v in self.final_bools.items():
            h.append(f"{n}: Final[bool] = {v}")
        for n, (kind, kt, vt, me) in self.maps.items():
            arg = f"max_entries={me}" if me != 10240 or n in self.explicit_max else ""
            h.append(f"{n}: {kind}[{kt}, {vt}] = {kind}({arg})")
        for n, (t, v) in self.globals.items():
            h.append(f"{n}: {t} = {lit(v) if t != 'bool' else v}")
        for n in self.own:
            h += ["", "", f"class {n}({self.exc[n]}):", "    pass"]
        for name, ret, params, body, _ in self.helpers:
            ps = ", ".join(f"{['a', 'b', 'p'][i]}: {t}" for i, t in enumerate(params))
            h += ["", "", f"def {name}({ps}) -> {ret}:", "    global " + ", ".join(self.globals)]
            out = []
            for st in body:
                st.render(4, out)
            text = "\n".join(out)
            h += [l for l in probe_prologue(self, skip_ints=True) if re.search(r"\b%s\b" % l.split(":")[0].strip(), text)]
            h += out
        return h


def build(seed, n_cases, per_probe=15, whole_every=150, avoid=()):
    """The program tree for (seed, n_cases)."""
    g = Gen(seed, avoid)
    cases = []
    for cid in range(n_cases):
        whole = whole_every and cid % whole_every == whole_every - 1
        cases.append(g.case(cid, whole=bool(whole)))
    # every local is assigned at the top of each probe (so pybpf's
    # definite-assignment check always passes); cases assign their inputs
    # themselves and read only what they assigned.
    return Program(g, g.globals, cases, per_probe, list(g.globals), probe_prologue(g)), g


def build_long(seed, n_stmts):
    """A program of one probe whose body is n_stmts try statements of int
    arithmetic one after another (issue 19: long straight-line probes must
    load, and cost the verifier in proportion to their length)."""
    g = Gen(seed)
    cases = [g.long_case(cid) for cid in range(n_stmts)]
    prog = Program(g, g.globals, cases, n_stmts, list(g.globals), probe_prologue(g))
    prog.str_budget = 10 ** 9      # no str temporaries: one probe
    return prog, g


def probe_prologue(g, skip_ints=False):
    """Lines assigning every local at the start of a probe (helpers: only the
    typed ones, so their first assignment fixes the type)."""
    out = []
    for v in ([] if skip_ints else Gen.INT_LOCALS + Gen.LOOPVARS):
        out.append(f"    {v} = 0")
    for v in ([] if skip_ints else Gen.BOOL_LOCALS):
        out.append(f"    {v} = False")
    for v, t in Gen.TYPED_LOCALS.items():
        out.append(f"    {v}: {t} = 0")
    for v, cap in Gen.STR_LOCALS.items():
        out.append(f"    {v}: str[{cap}] = ''")
    for v, n in Gen.BYTES_LOCALS.items():
        out.append(f"    {v}: bytes[{n}] = {bytes(n)!r}")
    return out


def generate(seed, n_cases, avoid=()):
    prog, _ = build(seed, n_cases, avoid=avoid)
    return prog.render()
