#!/usr/bin/env python3
"""Generate pybpf's tables of BPF helpers and kfuncs (helpers/helpers_gen.[ch]).

    python3 helpers/gen_helpers.py [--helpers PATH] [--kfuncs PATH] [-o DIR]

Inputs
  --helpers  libbpf's bpf_helper_defs.h (default /usr/include/bpf/bpf_helper_defs.h):
             `static RET (* const bpf_xxx)(ARGS) = (void *) N;` with a kernel-doc
             comment above each one.
  --kfuncs   the companion module's header (default kfuncs/pybpf_kfuncs.h). Optional:
             when the file does not exist the kfunc table is empty. Declarations:
                 extern RET name(ARGS) __ksym;          (also __weak, __attribute__((..)))
             KF_* flags, any of:
                 /* KF_ACQUIRE | KF_RET_NULL */         on the lines right above it,
                 extern ... __ksym; /* KF_SLEEPABLE */   or after it on its last line,
                 BTF_ID_FLAGS(func, name, KF_RCU)        anywhere in the file (code or comment).
             #-directives are ignored (no preprocessor runs): put declarations outside
             #ifdef __KERNEL__-style blocks the BPF side should not see.

Outputs (DIR defaults to the directory of this script): helpers_gen.h, helpers_gen.c.
The output depends only on the inputs' contents and the paths as given on the
command line (recorded in the banner with a hash of each file), never on the
time, the machine or the pycparser version.

Program types: bpf_helper_defs.h does not carry the kernel's per-program-type
helper lists. prog_types is "any" unless the helper's own documentation says
otherwise in one of the phrasings recognised by DOC_RULES below; "any" means
"not restricted by the docs", the verifier has the last word.
"""

import argparse
import hashlib
import os
import re
import sys

try:
    from pycparser import c_ast, c_parser
except ImportError:  # pragma: no cover
    sys.stderr.write("gen_helpers: pycparser is missing (apt-get install python3-pycparser)\n")
    sys.exit(2)

MAX_ARGS = 5  # MAX_BPF_FUNC_ARGS

# ---- a fake libc: everything the headers may name without defining ----------

# typedef name -> (C spelling of the underlying type)
TYPEDEFS = [
    ("__u8", "unsigned char"), ("__s8", "signed char"),
    ("__u16", "unsigned short"), ("__s16", "short"),
    ("__u32", "unsigned int"), ("__s32", "int"),
    ("__u64", "unsigned long long"), ("__s64", "long long"),
    ("u8", "unsigned char"), ("s8", "signed char"),
    ("u16", "unsigned short"), ("s16", "short"),
    ("u32", "unsigned int"), ("s32", "int"),
    ("u64", "unsigned long long"), ("s64", "long long"),
    ("uint8_t", "unsigned char"), ("int8_t", "signed char"),
    ("uint16_t", "unsigned short"), ("int16_t", "short"),
    ("uint32_t", "unsigned int"), ("int32_t", "int"),
    ("uint64_t", "unsigned long long"), ("int64_t", "long long"),
    ("__be16", "unsigned short"), ("__le16", "unsigned short"),
    ("__be32", "unsigned int"), ("__le32", "unsigned int"),
    ("__be64", "unsigned long long"), ("__le64", "unsigned long long"),
    ("__sum16", "unsigned short"), ("__wsum", "unsigned int"),
    ("size_t", "unsigned long"), ("ssize_t", "long"),
    ("bool", "_Bool"),
]

# (size, signed) of the integer types, by their (sorted) specifier words.
# BPF is LP64; plain char is signed for the bpf target.
BASE_INTS = {
    ("char",): (1, 1), ("char", "signed"): (1, 1), ("char", "unsigned"): (1, 0),
    ("short",): (2, 1), ("int", "short"): (2, 1), ("short", "signed"): (2, 1),
    ("int", "short", "signed"): (2, 1),
    ("short", "unsigned"): (2, 0), ("int", "short", "unsigned"): (2, 0),
    ("int",): (4, 1), ("signed",): (4, 1), ("int", "signed"): (4, 1),
    ("unsigned",): (4, 0), ("int", "unsigned"): (4, 0),
    ("long",): (8, 1), ("int", "long"): (8, 1), ("long", "signed"): (8, 1),
    ("int", "long", "signed"): (8, 1),
    ("long", "unsigned"): (8, 0), ("int", "long", "unsigned"): (8, 0),
    ("long", "long"): (8, 1), ("int", "long", "long"): (8, 1),
    ("long", "long", "signed"): (8, 1), ("int", "long", "long", "signed"): (8, 1),
    ("long", "long", "unsigned"): (8, 0), ("int", "long", "long", "unsigned"): (8, 0),
    ("_Bool",): (1, 0),
}

# Words removed from the kfunc header before parsing (attributes, kernel macros).
STRIP_WORDS = ["__ksym", "__weak", "__bpf_kfunc", "__always_inline", "__noinline",
               "__bpf_fastcall", "__kptr", "__kptr_untrusted", "__percpu_kptr", "__rcu",
               "__user", "__iomem", "__force", "__must_check", "__nocast", "__hidden"]

# ---- coarse classes of argument and return types ---------------------------

CLASSES = [
    ("PYB_HC_VOID", "no value (a return type only)"),
    ("PYB_HC_INT", "an integer: size and is_signed say which"),
    ("PYB_HC_PTR_MEM", "memory the callee writes (or reads and writes); returned: memory or NULL"),
    ("PYB_HC_PTR_CONST_MEM", "memory the callee only reads"),
    ("PYB_HC_CONST_STR", "const char *: a NUL-terminated string or buffer the callee reads"),
    ("PYB_HC_PTR_MAP", "a BPF map (void *map, void *ringbuf, ...)"),
    ("PYB_HC_PTR_CTX", "the program's context (void *ctx, struct __sk_buff *, struct xdp_md *, ...)"),
    ("PYB_HC_PTR_SOCK", "a socket the verifier tracks (struct bpf_sock *, void *sk)"),
    ("PYB_HC_PTR_KERNEL", "a kernel object known through BTF (struct task_struct *, ...)"),
    ("PYB_HC_PTR_OBJ", "a BPF object in a map value or on the stack (bpf_spin_lock, bpf_timer, bpf_dynptr)"),
    ("PYB_HC_PTR_FUNC", "a callback: a static function of the program"),
    ("PYB_HC_ADDR", "an address the helper reads with a fault-safe copy (any value will do)"),
]

# The program-context structs (uapi/linux/bpf.h, linux/bpf_perf_event.h).
CTX_STRUCTS = {"__sk_buff", "xdp_md", "sk_msg_md", "bpf_sock_ops", "bpf_sock_addr",
               "bpf_sysctl", "bpf_perf_event_data", "sk_reuseport_md", "pt_regs",
               "bpf_sk_lookup", "bpf_sockopt", "bpf_cgroup_dev_ctx", "bpf_raw_tracepoint_args"}
# Sockets handed out and tracked by the verifier.
SOCK_STRUCTS = {"bpf_sock", "bpf_tcp_sock"}
# Special BPF objects the program owns.
OBJ_STRUCTS = {"bpf_spin_lock", "bpf_timer", "bpf_dynptr", "bpf_list_head", "bpf_list_node",
               "bpf_rb_root", "bpf_rb_node", "bpf_refcount", "bpf_wq"}
# uapi / packet-header structs passed as plain memory the program fills or reads.
MEM_STRUCTS = {"bpf_fib_lookup", "bpf_sock_tuple", "bpf_tunnel_key", "bpf_xfrm_state",
               "bpf_redir_neigh", "bpf_pidns_info", "bpf_perf_event_value", "btf_ptr",
               "sockaddr", "iphdr", "ipv6hdr", "tcphdr"}
# Any other struct pointer is a kernel object (PYB_HC_PTR_KERNEL).

# `void *NAME` parameters, by name (the header's only hint of what they are).
VOID_PTR_BY_NAME = {
    "map": "PYB_HC_PTR_MAP", "ringbuf": "PYB_HC_PTR_MAP", "prog_array_map": "PYB_HC_PTR_MAP",
    "ctx": "PYB_HC_PTR_CTX", "skb": "PYB_HC_PTR_CTX",
    # bpf_{set,get}sockopt: "struct bpf_sock_ops" or "struct bpf_sock_addr" (the context)
    "bpf_socket": "PYB_HC_PTR_CTX",
    "sk": "PYB_HC_PTR_SOCK", "sock": "PYB_HC_PTR_SOCK", "tp": "PYB_HC_PTR_SOCK",
    "inode": "PYB_HC_PTR_KERNEL", "percpu_ptr": "PYB_HC_PTR_KERNEL",
    "ptr": "PYB_HC_PTR_KERNEL",  # bpf_kptr_xchg: a referenced kernel pointer
    "callback_fn": "PYB_HC_PTR_FUNC",
    "unsafe_ptr": "PYB_HC_ADDR", "user_ptr": "PYB_HC_ADDR",
}

HELPER_FLAGS = [
    ("PYB_HF_VARIADIC", "takes more arguments after nargs (bpf_trace_printk)"),
    ("PYB_HF_SLEEPABLE", "the docs say: only in sleepable programs"),
    ("PYB_HF_PKT_CHANGE", "the docs say: may change the packet buffer (packet pointers are invalidated)"),
    ("PYB_HF_ERRNO", "the docs' Returns: a negative value is an error (-EINVAL, ...): pybpf raises OSError"),
]

# The Returns part of a helper's docs that makes a negative return an errno:
# "or a negative error in case of failure", "**-EINVAL** if ...", "< 0 if ...".
ERRNO_RX = r"negative|-E[A-Z0-9]{2,}|< 0"

# include/linux/btf.h
KFUNC_FLAGS = [
    ("KF_ACQUIRE", 0), ("KF_RELEASE", 1), ("KF_RET_NULL", 2), ("KF_TRUSTED_ARGS", 4),
    ("KF_SLEEPABLE", 5), ("KF_DESTRUCTIVE", 6), ("KF_RCU", 7), ("KF_ITER_NEW", 8),
    ("KF_ITER_NEXT", 9), ("KF_ITER_DESTROY", 10), ("KF_RCU_PROTECTED", 11),
]
KFUNC_FLAG_BITS = dict(KFUNC_FLAGS)

# What the helpers' docs say about program types, as (regex over the doc text
# with ** and newlines folded, prog_types or None, flag or None). prog_types
# uses BPF_PROG_TYPE_* names in lower case without the prefix; "!x" excludes x.
DOC_RULES = [
    # bpf_get_attach_cookie: "Supported for the following program types:
    # - kprobe/uprobe; - tracepoint; - perf_event." (uprobes are BPF_PROG_TYPE_KPROBE)
    (r"Supported for the following program types:", "LIST", None),
    # bpf_redirect_neigh, bpf_redirect_peer: "only supported for tc BPF program types"
    (r"only supported for tc BPF program types", "sched_cls,sched_act", None),
    # bpf_skb_output, bpf_xdp_output: "restricted to raw_tracepoint bpf programs"; these
    # are the BTF raw tracepoints (tp_btf), which are BPF_PROG_TYPE_TRACING programs.
    (r"restricted to raw_tracepoint bpf programs", "tracing", None),
    # bpf_get_func_arg, bpf_get_func_ret, bpf_get_func_arg_cnt: "(for tracing programs)"
    (r"\(for tracing programs\)", "tracing", None),
    # bpf_spin_lock: "Tracing programs and socket filter programs cannot use bpf_spin_lock()"
    # (the verifier's is_tracing_prog_type(): kprobe, tracepoint, perf_event, raw_tracepoint)
    (r"Tracing programs and socket filter programs cannot use",
     "!kprobe,!tracepoint,!perf_event,!raw_tracepoint,!socket_filter", None),
    # bpf_lwt_push_encap: "... can be called by bpf programs of types
    # BPF_PROG_TYPE_LWT_IN and BPF_PROG_TYPE_LWT_XMIT."
    (r"can be called by (?:bpf|BPF) programs of types? ", "PROGTYPES", None),
    # bpf_reserve_hdr_opt, bpf_store_hdr_opt: "can only be called during BPF_SOCK_OPS_..."
    (r"can only be called during BPF_SOCK_OPS_", "sock_ops", None),
    # bpf_copy_from_user_task: "can only be used by sleepable programs"
    (r"can only be used by sleepable programs", None, "PYB_HF_SLEEPABLE"),
    # bpf_skb_store_bytes, bpf_l3_csum_replace, ...: "susceptible to change the
    # underlying packet buffer"
    (r"susceptible to change the underlying packet buffer", None, "PYB_HF_PKT_CHANGE"),
]
LIST_WORDS = {"kprobe": "kprobe", "uprobe": "kprobe", "tracepoint": "tracepoint",
              "perf_event": "perf_event"}


class GenError(Exception):
    pass


# ---- source handling ---------------------------------------------------------

def strip_comments(text):
    """Blank out comments (keeping newlines) and return (clean, comments) where
    comments is a list of (start, end, body) character offsets."""
    out = []
    comments = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise GenError("unterminated comment")
            comments.append((i, j + 2, text[i + 2:j]))
            out.append(re.sub(r"[^\n]", " ", text[i:j + 2]))
            i = j + 2
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            comments.append((i, j, text[i + 2:j]))
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out), comments


def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))


def strip_attributes(text):
    """Blank __attribute__((...)) with balanced parentheses."""
    while True:
        m = re.search(r"\b__attribute__\s*\(", text)
        if not m:
            return text
        depth, j = 0, m.end() - 1
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        text = text[:m.start()] + re.sub(r"[^\n]", " ", text[m.start():j + 1]) + text[j + 1:]


def preamble(clean):
    """Typedefs the header uses but does not define; struct tags need nothing."""
    lines = []
    for name, base in TYPEDEFS:
        if re.search(r"\b%s\b" % name, clean) and not re.search(r"\btypedef\b[^;]*\b%s\s*;" % name, clean):
            lines.append("typedef %s %s;" % (base, name))
    return "\n".join(lines) + "\n"


def parse(clean, path):
    src = preamble(clean) + '# 1 "%s"\n' % path + clean
    try:
        return c_parser.CParser().parse(src, path)
    except Exception as e:  # pycparser's ParseError (its module moved between versions)
        raise GenError("%s (no preprocessor runs: a typedef must be defined in the file or be one of "
                       "gen_helpers.TYPEDEFS; struct tags need no declaration)" % e)


class Source:
    def __init__(self, path, text):
        self.path = path
        self.text = text
        self.clean, self.comments = strip_comments(text)
        self.line_start = [0]
        for m in re.finditer("\n", self.clean):
            self.line_start.append(m.end())

    def offset_of_name(self, line, name):
        start = self.line_start[line - 1]
        end = self.line_start[line] if line < len(self.line_start) else len(self.clean)
        m = re.search(r"\b%s\b" % re.escape(name), self.clean[start:end])
        if not m:
            raise GenError("%s:%d: cannot find %s" % (self.path, line, name))
        return start + m.start()

    def decl_span(self, off):
        """The start and end (after ';') offsets of the declaration around off."""
        s = off
        while s > 0 and self.clean[s - 1] not in ";}":
            s -= 1
        while s < off and self.clean[s].isspace():
            s += 1
        e = self.clean.find(";", off)
        return s, (len(self.clean) if e < 0 else e + 1)

    def comments_before(self, start):
        """Comments directly above start (only whitespace in between), nearest last."""
        found = []
        pos = start
        for cs, ce, body in reversed(self.comments):
            own_line = self.clean[self.clean.rfind("\n", 0, cs) + 1:cs].strip() == ""
            if ce <= pos and self.clean[ce:pos].strip() == "" and own_line:
                found.append(body)
                pos = cs
            elif ce <= pos:
                break
        return list(reversed(found))

    def comments_after(self, end):
        """Comments after end on the same line."""
        line_end = self.clean.find("\n", end)
        line_end = len(self.clean) if line_end < 0 else line_end
        return [body for cs, ce, body in self.comments if end <= cs < line_end]


# ---- types -------------------------------------------------------------------

def render(node, inner=""):
    """A C type string for a pycparser type node ("const void *", "struct x *")."""
    if isinstance(node, c_ast.TypeDecl):
        base = base_name(node.type)
        q = " ".join(node.quals)
        s = (q + " " if q else "") + base
        return s + (" " + inner if inner else "")
    if isinstance(node, c_ast.PtrDecl):
        q = " ".join(node.quals)
        star = "*" + (" " + q if q else "")
        if isinstance(node.type, (c_ast.FuncDecl, c_ast.ArrayDecl)):
            return render(node.type, "(" + star + inner + ")")
        return render(node.type, star + inner)
    if isinstance(node, c_ast.FuncDecl):
        return render(node.type, inner + "(" + ", ".join(param_types(node)) + ")")
    if isinstance(node, c_ast.ArrayDecl):
        dim = node.dim.value if isinstance(node.dim, c_ast.Constant) else ""
        return render(node.type, inner + "[" + dim + "]")
    if isinstance(node, c_ast.Typename):
        return render(node.type, inner)
    raise GenError("unsupported type node %s" % type(node).__name__)


def base_name(t):
    if isinstance(t, c_ast.IdentifierType):
        return " ".join(t.names)
    if isinstance(t, c_ast.Struct):
        return "struct " + t.name
    if isinstance(t, c_ast.Union):
        return "union " + t.name
    if isinstance(t, c_ast.Enum):
        return "enum " + t.name
    raise GenError("unsupported base type %s" % type(t).__name__)


def param_types(func):
    if func.args is None:
        return []
    return [("..." if isinstance(p, c_ast.EllipsisParam) else render(p.type)) for p in func.args.params]


def int_of(names, typedefs):
    """(size, signed) for an integer type's specifier words, or None."""
    if len(names) == 1 and names[0] in typedefs:
        return int_of(typedefs[names[0]].split(), typedefs)
    return BASE_INTS.get(tuple(sorted(names)))


def classify(tnode, pname, doc, typedefs, is_ret, kfunc):
    """(class, size, is_signed) of a parameter or return type."""
    if isinstance(tnode, c_ast.TypeDecl):
        t = tnode.type
        if isinstance(t, c_ast.IdentifierType):
            if t.names == ["void"]:
                return ("PYB_HC_VOID", 0, 0)
            si = int_of(t.names, typedefs)
            if si is None:
                raise GenError("unknown type %s" % " ".join(t.names))
            return ("PYB_HC_INT", si[0], si[1])
        if isinstance(t, c_ast.Enum):
            return ("PYB_HC_INT", 4, 0)
        raise GenError("struct or union passed by value: %s" % render(tnode))
    if not isinstance(tnode, c_ast.PtrDecl):
        raise GenError("unsupported type %s" % render(tnode))
    target = tnode.type
    if isinstance(target, c_ast.FuncDecl):
        return ("PYB_HC_PTR_FUNC", 8, 0)
    if isinstance(target, c_ast.PtrDecl):
        return ("PYB_HC_PTR_MEM", 8, 0)
    const = "const" in target.quals
    t = target.type
    if kfunc and pname and pname.endswith("__str"):
        return ("PYB_HC_CONST_STR", 8, 0)
    if isinstance(t, (c_ast.Struct, c_ast.Union)):
        tag = t.name
        if tag in CTX_STRUCTS:
            return ("PYB_HC_PTR_CTX", 8, 0)
        if tag in SOCK_STRUCTS:
            return ("PYB_HC_PTR_SOCK", 8, 0)
        if tag in OBJ_STRUCTS:
            return ("PYB_HC_PTR_OBJ", 8, 0)
        if tag in MEM_STRUCTS:
            return ("PYB_HC_PTR_CONST_MEM" if const else "PYB_HC_PTR_MEM", 8, 0)
        return ("PYB_HC_PTR_KERNEL", 8, 0)
    if isinstance(t, c_ast.IdentifierType) and t.names == ["void"]:
        if is_ret:
            return ("PYB_HC_PTR_MEM", 8, 0)
        cls = VOID_PTR_BY_NAME.get(pname) if not kfunc else None
        if cls == "PYB_HC_PTR_CTX" and pname == "ctx" and \
                re.search(r"\*ctx\* is a pointer to in-kernel struct", doc):
            cls = "PYB_HC_PTR_KERNEL"  # bpf_skb_output, bpf_xdp_output
        if cls:
            return (cls, 8, 0)
        return ("PYB_HC_PTR_CONST_MEM" if const else "PYB_HC_PTR_MEM", 8, 0)
    if isinstance(t, c_ast.IdentifierType) and t.names == ["char"] and const:
        return ("PYB_HC_CONST_STR", 8, 0)
    return ("PYB_HC_PTR_CONST_MEM" if const else "PYB_HC_PTR_MEM", 8, 0)


def func_sig(func, doc, typedefs, kfunc, where):
    """(ret, args, variadic) for a FuncDecl; ret and args are dicts."""
    ret_node = func.type
    ret = dict(c=render(ret_node), name="")
    ret["cls"], ret["size"], ret["signed"] = classify(ret_node, None, doc, typedefs, True, kfunc)
    args, variadic = [], False
    params = func.args.params if func.args else []
    if len(params) == 1 and isinstance(params[0], c_ast.Typename) and render(params[0].type) == "void":
        params = []
    for p in params:
        if isinstance(p, c_ast.EllipsisParam):
            variadic = True
            continue
        a = dict(c=render(p.type), name=(p.name or ""))
        a["cls"], a["size"], a["signed"] = classify(p.type, p.name, doc, typedefs, False, kfunc)
        if a["cls"] == "PYB_HC_VOID":
            raise GenError("%s: void parameter" % where)
        args.append(a)
    if len(args) > MAX_ARGS:
        raise GenError("%s: more than %d arguments" % (where, MAX_ARGS))
    return ret, args, variadic


def typedef_map(ast):
    m = {}
    for d in ast.ext:
        if isinstance(d, c_ast.Typedef) and isinstance(d.type, c_ast.TypeDecl) and \
                isinstance(d.type.type, c_ast.IdentifierType):
            m[d.name] = " ".join(d.type.type.names)
    return m


# ---- helpers -----------------------------------------------------------------

def doc_text(comments):
    body = "\n".join(comments)
    body = "\n".join(re.sub(r"^\s*\* ?", "", l) for l in body.split("\n"))
    return body


def doc_facts(doc):
    folded = re.sub(r"\s+", " ", doc.replace("**", "").replace("\\ ", ""))
    types, flags = [], []
    for rx, pt, flag in DOC_RULES:
        m = re.search(rx, folded)
        if not m:
            continue
        if flag:
            flags.append(flag)
        if pt == "LIST":
            for item in re.findall(r"- ([\w/ ]+?)[;.]", folded[m.end():].split(" Returns ")[0]):
                for w in item.strip().split("/"):
                    if w not in LIST_WORDS:
                        raise GenError("unknown program type word %r in docs" % w)
                    types.append(LIST_WORDS[w])
        elif pt == "PROGTYPES":
            sentence = folded[m.end():].split(". ")[0]
            types += [t.lower() for t in re.findall(r"BPF_PROG_TYPE_(\w+)", sentence)]
        elif pt:
            types += pt.split(",")
    returns = folded.split(" Returns ", 1)
    if len(returns) > 1 and re.search(ERRNO_RX, returns[1]):
        flags.append("PYB_HF_ERRNO")
    seen = []
    for t in types:
        if t not in seen:
            seen.append(t)
    return (",".join(seen) if seen else "any"), flags


def read_helpers(path, text):
    src = Source(path, text)
    ast = parse(src.clean, path)
    tds = typedef_map(ast)
    for name, base in TYPEDEFS:
        tds.setdefault(name, base)
    helpers = []
    for d in ast.ext:
        if not (isinstance(d, c_ast.Decl) and d.coord.file == path):
            continue
        if not (isinstance(d.type, c_ast.PtrDecl) and isinstance(d.type.type, c_ast.FuncDecl)):
            continue
        init = d.init
        if not (isinstance(init, c_ast.Cast) and isinstance(init.expr, c_ast.Constant)):
            raise GenError("%s:%d: %s: expected = (void *) N" % (path, d.coord.line, d.name))
        hid = int(init.expr.value.rstrip("uUlL"), 0)
        off = src.offset_of_name(d.coord.line, d.name)
        start, _ = src.decl_span(off)
        doc = doc_text(src.comments_before(start))
        where = "%s:%d: %s" % (path, d.coord.line, d.name)
        ret, args, variadic = func_sig(d.type.type, doc, tds, False, where)
        prog_types, flags = doc_facts(doc)
        if variadic:
            flags.insert(0, "PYB_HF_VARIADIC")
        helpers.append(dict(name=d.name, id=hid, ret=ret, args=args, flags=flags,
                            prog_types=prog_types))
    names = [h["name"] for h in helpers]
    if len(set(names)) != len(names):
        raise GenError("%s: a helper is declared twice" % path)
    return sorted(helpers, key=lambda h: h["name"].encode())


# ---- kfuncs ------------------------------------------------------------------

BTF_ID_FLAGS_RX = r"BTF_ID_FLAGS\(\s*func\s*,\s*(\w+)\s*(?:,([^)]*))?\)"


def kf_flags_in(s):
    """KF_* words of an annotation comment (BTF_ID_FLAGS(...) in it name their own function)."""
    return re.findall(r"\bKF_[A-Z_]+\b", re.sub(BTF_ID_FLAGS_RX, "", s))


def drop_kernel_only(clean):
    """Blank the lines the BPF side does not see: #ifdef __KERNEL__ blocks (and
    #if 0). Other conditionals are kept whole: both branches are read."""
    out, stack = [], []  # stack of [state, seen_true]: state True/False/None
    cont = False
    for line in clean.split("\n"):
        if cont:  # a directive's continuation line
            cont = line.endswith("\\")
            out.append(" " * len(line))
            continue
        m = re.match(r"\s*#\s*(\w*)\s*(.*?)\s*$", line)
        cont = bool(m) and line.endswith("\\")
        d, arg = (m.group(1), m.group(2)) if m else (None, "")
        if d in ("if", "ifdef", "ifndef"):
            st = None
            if d == "ifdef" and arg == "__KERNEL__":
                st = False
            elif d == "ifndef" and arg == "__KERNEL__":
                st = True
            elif d == "if":
                a = arg.replace(" ", "")
                st = {"0": False, "1": True, "defined(__KERNEL__)": False, "defined__KERNEL__": False,
                      "!defined(__KERNEL__)": True, "!defined__KERNEL__": True}.get(a)
            stack.append([st, st is True])
        elif d == "else" and stack:
            st, any_true = stack[-1]
            stack[-1][0] = False if any_true else (True if st is False else None)
        elif d == "elif" and stack:
            stack[-1][0] = False if stack[-1][1] else None
        elif d == "endif" and stack:
            stack.pop()
        live = all(f[0] is not False for f in stack)
        # directives themselves are blanked too (pycparser sees no #-lines)
        out.append(line if live and not m else " " * len(line))
    return "\n".join(out)


def read_kfuncs(path, text):
    src = Source(path, text)
    clean = src.clean
    # flags from BTF_ID_FLAGS(func, name, ...) anywhere (code or comments)
    btf_flags = {}
    for m in re.finditer(BTF_ID_FLAGS_RX, text):
        btf_flags.setdefault(m.group(1), []).extend(kf_flags_in(m.group(2) or ""))
    # what pycparser cannot read: directives, BTF_* macro lines, attributes, kernel words
    clean = drop_kernel_only(clean)
    clean = re.sub(r"(?m)^[ \t]*BTF_\w+\([^\n]*", blank, clean)
    clean = strip_attributes(clean)
    clean = re.sub(r"\b(?:%s|__arg_\w+)\b" % "|".join(STRIP_WORDS), blank, clean)
    src.clean = clean
    ast = parse(clean, path)
    tds = typedef_map(ast)
    for name, base in TYPEDEFS:
        tds.setdefault(name, base)
    kfuncs = []
    for d in ast.ext:
        if not (isinstance(d, c_ast.Decl) and isinstance(d.type, c_ast.FuncDecl)):
            continue
        if d.coord.file != path or "static" in d.storage:
            continue
        off = src.offset_of_name(d.coord.line, d.name)
        start, end = src.decl_span(off)
        flags, progs = [], []
        for body in src.comments_before(start) + src.comments_after(end):
            flags += kf_flags_in(body)
            # "progs: tracing kprobe syscall struct_ops": the program types the
            # module registers the kfunc for (the kernel checks it; so does pybpf)
            for m in re.finditer(r"\bprogs:\s*([a-z_ ]+)", body):
                progs += m.group(1).split()
        flags += btf_flags.get(d.name, [])
        for f in flags:
            if f not in KFUNC_FLAG_BITS:
                raise GenError("%s:%d: %s: unknown flag %s" % (path, d.coord.line, d.name, f))
        flags = sorted(set(flags), key=lambda f: KFUNC_FLAG_BITS[f])
        where = "%s:%d: %s" % (path, d.coord.line, d.name)
        ret, args, variadic = func_sig(d.type, "", tds, True, where)
        if variadic:
            raise GenError("%s: a kfunc cannot be variadic" % where)
        kfuncs.append(dict(name=d.name, ret=ret, args=args, flags=flags, prog_types=",".join(progs) or "any"))
    known = {k["name"] for k in kfuncs}
    for name in sorted(btf_flags):
        if name not in known:
            raise GenError("%s: BTF_ID_FLAGS for %s, which is not declared" % (path, name))
    names = [k["name"] for k in kfuncs]
    if len(set(names)) != len(names):
        raise GenError("%s: a kfunc is declared twice" % path)
    return sorted(kfuncs, key=lambda k: k["name"].encode())


# ---- output ------------------------------------------------------------------

def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def htype(t):
    return "{ %s, %s, %s, %d, %d }" % (cstr(t["c"]), cstr(t["name"]), t["cls"], t["size"], t["signed"])


def flags_expr(flags, prefix=""):
    return " | ".join(prefix + f for f in flags) if flags else "0"


def entry(f, kind):
    lines = ["\t{"]
    lines.append("\t\t.name = %s," % cstr(f["name"]))
    if kind == "helper":
        lines.append("\t\t.id = %d," % f["id"])
    lines.append("\t\t.ret = %s," % htype(f["ret"]))
    lines.append("\t\t.nargs = %d," % len(f["args"]))
    if kind == "helper":
        lines.append("\t\t.flags = %s," % flags_expr(f["flags"]))
        lines.append("\t\t.prog_types = %s," % cstr(f["prog_types"]))
    else:
        lines.append("\t\t.flags = %s," % flags_expr(f["flags"], "PYB_"))
        lines.append("\t\t.prog_types = %s," % cstr(f["prog_types"]))
    if f["args"]:
        lines.append("\t\t.args = {")
        for a in f["args"]:
            lines.append("\t\t\t%s," % htype(a))
        lines.append("\t\t},")
    lines.append("\t},")
    return "\n".join(lines)


def banner(inputs):
    parts = []
    for path, text in inputs:
        if text is None:
            parts.append(" *   %s (absent)" % path)
        else:
            parts.append(" *   %s sha256 %s" % (path, hashlib.sha256(text.encode()).hexdigest()[:16]))
    return ("/* generated by helpers/gen_helpers.py from\n" + "\n".join(parts) +
            "\n * do not edit: run `make helpers` (tests/unit/helpers_stale.py checks it) */\n")


def gen_h(ban, helpers, kfuncs):
    o = [ban]
    o.append("""#ifndef PYB_HELPERS_GEN_H
#define PYB_HELPERS_GEN_H

/* The BPF helpers libbpf declares (bpf_helper_defs.h) and the kfuncs of
 * pybpf's kernel module, sorted by name (strcmp order). */

/* Coarse class of an argument or return type. */
enum pyb_hclass {
""")
    for name, what in CLASSES:
        o.append("\t%s,%s/* %s */\n" % (name, " " * max(1, 22 - len(name)), what))
    o.append("""};

/* An argument or return type. */
struct pyb_htype {
\tconst char *c;              /* the C type as declared: "__u32", "const void *" */
\tconst char *name;           /* the parameter's name in the header, "" for a return */
\tunsigned char cls;          /* enum pyb_hclass */
\tunsigned char size;         /* PYB_HC_INT: 1, 2, 4 or 8; pointers 8; void 0 */
\tunsigned char is_signed;    /* PYB_HC_INT */
};

#define PYB_HELPER_MAX_ARGS %d

/* Helper flags. */
""" % MAX_ARGS)
    for i, (name, what) in enumerate(HELPER_FLAGS):
        o.append("#define %-20s (1u << %d)  /* %s */\n" % (name, i, what))
    o.append("""
struct pyb_helper {
\tconst char *name;           /* "bpf_ktime_get_ns" */
\tint id;                     /* BPF_FUNC_* number: the call's imm */
\tstruct pyb_htype ret;
\tunsigned char nargs;        /* fixed arguments (args[0 .. nargs-1]) */
\tunsigned int flags;         /* PYB_HF_* */
\t/* "any", or the program types the helper's docs name: BPF_PROG_TYPE_*
\t * in lower case without the prefix, comma-separated; "!x" = not in x.
\t * bpf_helper_defs.h has no per-program-type lists: "any" means the docs
\t * state no restriction, and the verifier decides. */
\tconst char *prog_types;
\tstruct pyb_htype args[PYB_HELPER_MAX_ARGS];
};

/* kfunc flags (the KF_* values of include/linux/btf.h). */
""")
    for name, bit in KFUNC_FLAGS:
        o.append("#define PYB_%-18s (1u << %d)\n" % (name, bit))
    o.append("""
struct pyb_kfunc {
\tconst char *name;
\tstruct pyb_htype ret;
\tunsigned char nargs;
\tunsigned int flags;         /* PYB_KF_* */
\tconst char *prog_types;     /* "tracing,kprobe,syscall,struct_ops" from the header's progs: note, or "any" */
\tstruct pyb_htype args[PYB_HELPER_MAX_ARGS];
};

#define PYB_NHELPERS %d
#define PYB_NKFUNCS %d
#define PYB_HELPER_MAX_ID %d

extern const struct pyb_helper pyb_helpers[PYB_NHELPERS];
extern const struct pyb_kfunc pyb_kfuncs[];

/* By exact name ("bpf_ktime_get_ns"); NULL when there is none. */
const struct pyb_helper *pyb_helper_find(const char *name);
const struct pyb_kfunc *pyb_kfunc_find(const char *name);

#endif
""" % (len(helpers), len(kfuncs), max(h["id"] for h in helpers)))
    return "".join(o)


def gen_c(ban, helpers, kfuncs):
    o = [ban]
    o.append("""#include <stddef.h>
#include <string.h>

#include "helpers_gen.h"

const struct pyb_helper pyb_helpers[PYB_NHELPERS] = {
""")
    for h in helpers:
        o.append(entry(h, "helper") + "\n")
    o.append("};\n\n")
    if kfuncs:
        o.append("const struct pyb_kfunc pyb_kfuncs[] = {\n")
        for k in kfuncs:
            o.append(entry(k, "kfunc") + "\n")
        o.append("};\n")
    else:
        o.append("const struct pyb_kfunc pyb_kfuncs[] = { { .name = NULL } };  /* none: PYB_NKFUNCS is 0 */\n")
    o.append("""
const struct pyb_helper *pyb_helper_find(const char *name)
{
\tsize_t lo = 0, hi = PYB_NHELPERS;

\twhile (lo < hi) {
\t\tsize_t mid = lo + (hi - lo) / 2;
\t\tint c = strcmp(name, pyb_helpers[mid].name);

\t\tif (c == 0)
\t\t\treturn &pyb_helpers[mid];
\t\tif (c < 0)
\t\t\thi = mid;
\t\telse
\t\t\tlo = mid + 1;
\t}
\treturn NULL;
}

const struct pyb_kfunc *pyb_kfunc_find(const char *name)
{
\tsize_t lo = 0, hi = PYB_NKFUNCS;

\twhile (lo < hi) {
\t\tsize_t mid = lo + (hi - lo) / 2;
\t\tint c = strcmp(name, pyb_kfuncs[mid].name);

\t\tif (c == 0)
\t\t\treturn &pyb_kfuncs[mid];
\t\tif (c < 0)
\t\t\thi = mid;
\t\telse
\t\t\tlo = mid + 1;
\t}
\treturn NULL;
}
""")
    return "".join(o)


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def generate(helpers_path, kfuncs_path):
    htext = read_text(helpers_path)
    ktext = read_text(kfuncs_path) if os.path.exists(kfuncs_path) else None
    helpers = read_helpers(helpers_path, htext)
    kfuncs = read_kfuncs(kfuncs_path, ktext) if ktext is not None else []
    clash = {h["name"] for h in helpers} & {k["name"] for k in kfuncs}
    if clash:
        raise GenError("kfuncs named like helpers: %s" % ", ".join(sorted(clash)))
    ban = banner([(helpers_path, htext), (kfuncs_path, ktext)])
    return gen_h(ban, helpers, kfuncs), gen_c(ban, helpers, kfuncs)


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--helpers", default="/usr/include/bpf/bpf_helper_defs.h")
    ap.add_argument("--kfuncs", default="kfuncs/pybpf_kfuncs.h")
    ap.add_argument("-o", "--outdir", default=here)
    args = ap.parse_args(argv)
    try:
        h, c = generate(args.helpers, args.kfuncs)
    except (GenError, OSError, UnicodeDecodeError) as e:
        sys.stderr.write("gen_helpers: %s\n" % e)
        return 1
    for name, data in (("helpers_gen.h", h), ("helpers_gen.c", c)):
        p = os.path.join(args.outdir, name)
        with open(p + ".tmp", "w", newline="\n") as f:
            f.write(data)
        os.replace(p + ".tmp", p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
