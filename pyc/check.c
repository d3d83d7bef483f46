/* check.c — names, types and the program description.
 *
 * The checker walks the AST once: it resolves every name (locals, Final
 * constants, maps, builtins), gives every expression a type, rejects what
 * pybpf cannot compile with a message that says why and what to write
 * instead, and collects what the emitter and the loader need: maps, probes,
 * print sites (record layouts) and raise sites (uncaught-exception counters).
 *
 * Value model: every integer expression is a Python int held in 64 signed
 * bits; a result that does not fit raises OverflowError. u8..u64 / i8..i64
 * are storage types: assigning a value outside their range raises
 * OverflowError. str[N] is a NUL-padded buffer of capacity N.
 */
#include "pyc.h"
#include "usdt.h"
#include "btf.h"
#include "check_int.h"
#include "../helpers/helpers_gen.h"

#include <linux/btf.h>
#include "support.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---- types ------------------------------------------------------------- */

const char *pyc_btf_path;
const char *pyc_tracefs;
static KBtf *ty_btf;   /* for ty_name of kernel types */

static Type t_file = {.kind = TY_FILE};
Type t_opt = {.kind = TY_OPT};
static Type *ty_file_t(void)
{
	return &t_file;
}
Type t_kstack = {.kind = TY_STACK}, t_ustack = {.kind = TY_STACK, .user = true};
static Type t_none = {TY_NONE}, t_bool = {TY_BOOL}, t_int = {TY_INT},
	    t_ctx = {TY_CTX}, t_ptr = {TY_PTR};
Type *ty_none = &t_none, *ty_bool = &t_bool, *ty_int = &t_int,
     *ty_ctx = &t_ctx, *ty_ptr = &t_ptr;

Type *ty_fixed(int size, bool is_signed)
{
	static Type fixed[2][9];
	Type *t = &fixed[is_signed][size];
	t->kind = TY_FIXED;
	t->size = size;
	t->is_signed = is_signed;
	return t;
}

Type *ty_bytes(int n)
{
	Type *t = xcalloc(1, sizeof(*t));
	t->kind = TY_BYTES;
	t->size = n;
	return t;
}

Type *ty_str(int cap)
{
	Type *t = xcalloc(1, sizeof(*t));
	t->kind = TY_STR;
	t->size = cap;
	return t;
}

const char *const map_kind_names[MAP__COUNT] = {
	/* ORDER MapKind */
	"Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "LPMTrie", "Array", "PerCPUArray", "Queue", "Stack", "SortedList", "BloomFilter", "RingBuf",
	"TaskStorage", "CgrpStorage", "ProgArray", "PerfBuf", "PerfCounters", "SkStorage", "UserRingBuf",
	"InodeStorage",
};

/* ORDER AggKind */
const char *const agg_names[AGG__COUNT] = {"Count", "Sum", "Min", "Max", "Avg", "Stats", "Hist", "LHist"};

const char *ty_name(Type *t)
{
	switch (t->kind) {
	case TY_NONE: return "None";
	case TY_BOOL: return "bool";
	case TY_INT: return "int";
	case TY_FIXED: return t->addr ? "IPv4" : xasprintf("%c%d", t->is_signed ? 'i' : 'u', t->size * 8);
	case TY_STR: return xasprintf("str[%d]", t->size);
	case TY_BYTES: return t->addr ? "IPv6" : xasprintf("bytes[%d]", t->size);
	case TY_PACKET: return "Packet";
	case TY_MAP:
		return xasprintf("%s[%s, %s]", map_kind_names[t->map_kind], ty_name(t->key), ty_name(t->val));
	case TY_CTX: return "the probe's context";
	case TY_PTR: return "pointer";
	case TY_KPTR:
		return xasprintf(t->maybe_none ? "Optional[%s (pointer)]" : t->pkt ? "%s (a header in the packet)" : "%s (pointer)",
				 t->btf_id ? kbtf_type_name(ty_btf, t->btf_id) : "?");
	case TY_KVAL: return xasprintf("%s (%s)", t->btf_id ? kbtf_type_name(ty_btf, t->btf_id) : "?", t->copy ? "a copy" : "embedded");
	case TY_TUPLE: {
		Str o = {0};
		str_puts(&o, "tuple[");
		for (int i = 0; i < t->elems.len; i++)
			str_printf(&o, "%s%s", i ? ", " : "", ty_name(VEC_AT(t->elems, i)));
		str_puts(&o, "]");
		return o.buf;
	}
	case TY_STRUCT:
		return t->sname;
	case TY_STACK:
		return t->user ? "UStack" : "KStack";
	case TY_FILE:
		return "file";
	case TY_OPT:
		return "Optional[int]";
	case TY_DYNPTR:
		return "Dynptr";
	case TY_TIMER:
		return t->sname ? t->sname : "Timer";   /* or a Wq (check_wq.c) */
	case TY_LOCK:
		return t->sname;   /* SpinLock, ResSpinLock (check_lock.c) */
	case TY_AGG:
		if (t->agg == AGG_LHIST)
			return xasprintf("LHist[%lld, %lld, %lld]", (long long)t->lo, (long long)t->hi, (long long)t->step);
		return agg_names[t->agg];
	}
	unreachable();
}

int ty_size(Type *t)
{
	switch (t->kind) {
	case TY_BOOL: return 1;
	case TY_INT: return 8;
	case TY_FIXED: return t->size;
	case TY_STR: return t->size;
	case TY_BYTES: return t->size;
	case TY_TUPLE: return t->size;
	case TY_STRUCT: return t->size;
	case TY_STACK: return 8;
	case TY_TIMER: return t->size;   /* struct bpf_timer, bpf_wq: 16; bpf_task_work: 8 */
	case TY_LOCK: return 4;     /* struct bpf_spin_lock, struct bpf_res_spin_lock */
	case TY_AGG:
		switch (t->agg) {
		case AGG_COUNT: case AGG_SUM: return 8;
		case AGG_HIST: return AGG_HIST_SLOTS * 8;
		case AGG_LHIST: return (int)((t->hi - t->lo) / t->step + 2) * 8;
		default: return 32;
		}
	default: ICE("ty_size of %s", ty_name(t));
	}
}

const char *ty_ctype(Type *t)
{
	switch (t->kind) {
	case TY_BOOL: return "__u8";
	case TY_INT: return "__s64";
	case TY_FIXED: return xasprintf("__%c%d", t->is_signed ? 's' : 'u', t->size * 8);
	case TY_STR: return xasprintf("char[%d]", t->size);
	case TY_BYTES: return xasprintf("char[%d]", t->size);
	case TY_TUPLE: return xasprintf("struct __pyb_tuple%d", t->cid);
	case TY_STRUCT: return xasprintf("struct __pyb_S_%s", t->sname);
	case TY_STACK: return "__u64";
	case TY_TIMER: return t->sname && !strcmp(t->sname, "Wq") ? "struct __pyb_wq" :
			      t->sname && !strcmp(t->sname, "TaskWork") ? "struct __pyb_tw" : "struct __pyb_timer";
	case TY_LOCK: return !strcmp(t->sname, "SpinLock") ? "struct bpf_spin_lock" : "struct bpf_res_spin_lock";
	case TY_AGG:
		switch (t->agg) {
		case AGG_COUNT: case AGG_SUM: return "__s64";
		case AGG_HIST: case AGG_LHIST: return xasprintf("__u64[%d]", ty_size(t) / 8);
		default: return "struct __pyb_stats";
		}
	default: ICE("ty_ctype of %s", ty_name(t));
	}
}

static bool ty_equal(Type *a, Type *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == TY_FIXED)
		return a->size == b->size && a->is_signed == b->is_signed;
	if (a->kind == TY_STR || a->kind == TY_BYTES)
		return a->size == b->size;
	return true;
}

bool is_intlike(Type *t)
{
	return t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_FIXED;
}

/* {t:%H:%M:%S} (see fmt_is_strftime) on an int; the CPython shim's
 * wallclock_ns() returns an int whose __format__ does the same. ({a:ip}:
 * uptr_ip_spec_error.) */
bool time_spec_ok(PrintSeg *s, const char *spec, enum fmt_kind k)
{
	return fmt_is_strftime(spec) && k == FMT_INT && s->type->kind == TY_INT;
}

/* ---- symbols ----------------------------------------------------------- */

/* Names that `from pybpf import ...` brings. ORDER: keep sorted by kind. */
const char *const builtin_funcs[] = {
	"pid", "tid", "comm", "ktime_ns", "wallclock_ns", "cpu", "uid", "gid", "print",
	"current_task", "user_read", "ntohs", "ntohl", "htons", "htonl", "user_str", "kernel_str", "user_bytes", "kernel_bytes", "kstack", "ustack", "ctx", "ksym", "show", "struct_ops", "tcp_sk",
	"printk", "open", "time", "platform", "socket", "bpf",
	"tracepoint", "tp_btf", "raw_tp", "uprobe", "uretprobe", "usdt", "kprobe", "kretprobe",
	"fentry", "fexit", "lsm", "profile", "interval", "begin", "end", "iter", "struct_ops",
	"xdp", "tc", "cgroup_skb", "cgroup_sock_addr", "socket_filter", "ip4", "ip6",   /* check_packet.c */
	NULL,
};
static const char *const builtin_types[] = {
	"Hash", "LRUHash", "PerCPUHash", "LRUPerCPUHash", "Final",
	"Count", "Sum", "Min", "Max", "Avg", "Stats", "Hist", "LHist", "tuple", "ptr",
	"LPMTrie", "Array", "PerCPUArray", "Queue", "Stack", "SortedList", "BloomFilter", "RingBuf", "TaskStorage", "CgrpStorage", "SkStorage", "InodeStorage", "Struct", "KStack", "UStack", "TracepointArgs",
	"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "int", "bool", "str",
	"Timer", "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_BOOTTIME",   /* check_timer.c */
	"PerfBuf", "PerfCounters", "BPF_F_CURRENT_CPU",                   /* check_perf.c */
	"UserRingBuf",                                                    /* check_userrb.c */
	"Wq",   /* check_wq.c */
	"TaskWork",   /* check_task_work.c */
	"SpinLock", "ResSpinLock",   /* check_lock.c */
	"IPv4", "IPv6",   /* check_packet.c */
	"DSQ",   /* check_sched.c */
	"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT",
	"TC_ACT_UNSPEC", "TC_ACT_OK", "TC_ACT_SHOT", "TC_ACT_REDIRECT",
	NULL,
};

/* C keywords and names the runtime header defines: a user name that is one
 * of these gets another C spelling. */
static const char *const c_reserved[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do",
	"double", "else", "enum", "extern", "float", "for", "goto", "if",
	"inline", "int", "long", "register", "restrict", "return", "short",
	"signed", "sizeof", "static", "struct", "switch", "typedef", "union",
	"unsigned", "void", "volatile", "while", "_Bool", "asm", "typeof",
	"LICENSE", "SEC",
	/* library functions clang knows as builtins: a global of that name is
	 * "a redefinition as a different kind of symbol" */
	"abs", "labs", "llabs", "div", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "pow", "sqrt",
	"cbrt", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "floor", "ceil",
	"round", "trunc", "fabs", "fmod", "fmin", "fmax", "hypot", "ldexp", "frexp", "modf", "nan", "rint",
	"printf", "sprintf", "snprintf", "fprintf", "vprintf", "scanf", "puts", "putchar", "getchar", "fputs",
	"memcpy", "memset", "memmove", "memcmp", "memchr", "bcmp", "bcopy", "bzero", "strlen", "strnlen", "strcmp",
	"strncmp", "strcpy", "strncpy", "strcat", "strncat", "strchr", "strrchr", "strstr", "strdup", "strndup",
	"index", "rindex", "malloc", "calloc", "realloc", "free", "alloca", "exit", "_exit", "abort", "atoi",
	"atol", "atoll", "strtol", "strtoul", "isdigit", "isalpha", "isspace", "toupper", "tolower", "qsort",
	"setjmp", "longjmp", "main", "syscall", NULL,
};

bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

/* C name for a module-level user name (map, probe, constant): the name
 * itself, so the kernel and bpftool show it, unless C would misread it. */
const char *global_cname(const char *name)
{
	if (in_list(c_reserved, name) || !strncmp(name, "__pyb", 5) || !strncmp(name, "bpf_", 4) ||
	    !strncmp(name, "__", 2))
		return xasprintf("py_%s", name);
	return name;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void scope_index(Scope *s, Sym *y)
{
	uint32_t i = name_hash(y->name) & s->mask;
	while (s->tab[i] && strcmp(s->tab[i]->name, y->name))
		i = (i + 1) & s->mask;
	s->tab[i] = y;   /* a later symbol of the same name hides the earlier */
}

Sym *scope_find(Scope *s, const char *name)
{
	for (; s; s = s->up) {
		if (s->tab) {
			uint32_t i = name_hash(name) & s->mask;
			for (; s->tab[i]; i = (i + 1) & s->mask)
				if (!strcmp(s->tab[i]->name, name))
					return s->tab[i];
			continue;
		}
		for (int i = s->syms.len - 1; i >= 0; i--) {
			Sym *y = VEC_AT(s->syms, i);
			if (!strcmp(y->name, name))
				return y;
		}
	}
	return NULL;
}

Sym *scope_add(Scope *s, SymKind kind, const char *name, Node *decl)
{
	Sym *y = xcalloc(1, sizeof(*y));
	y->kind = kind;
	y->name = name;
	y->decl = decl;
	vec_push(&s->syms, y);
	if (s->syms.len >= 32 && (!s->tab || (uint32_t)s->syms.len * 2 > s->mask)) {
		/* (re)build the index at a quarter full at most */
		free(s->tab);
		s->mask = 63;
		while ((uint32_t)s->syms.len * 4 > s->mask)
			s->mask = s->mask * 2 + 1;
		s->tab = xcalloc(s->mask + 1, sizeof(*s->tab));
		for (int i = 0; i < s->syms.len; i++)
			scope_index(s, VEC_AT(s->syms, i));
	} else if (s->tab) {
		scope_index(s, y);
	}
	return y;
}

/* ---- "did you mean" ---------------------------------------------------- */

void suggest_try(Suggest *s, const char *cand)
{
	int d = edit_distance(s->target, cand);
	int limit = strlen(s->target) / 3 + 1;
	if (d <= limit && (!s->best || d < s->dist)) {
		s->best = cand;
		s->dist = d;
	}
}

/* Scope, Suggest and the checker's state (Checker): check_int.h */

/* ---- exception classes ------------------------------------------------- */

/* The built-in exceptions pybpf can raise, with Python's hierarchy.
 * ORDER: a parent comes before its children. */
static const struct {
	const char *name, *parent;
} builtin_exc[] = {
	{"BaseException", NULL},
	{"Exception", "BaseException"},
	{"ArithmeticError", "Exception"},
	{"OverflowError", "ArithmeticError"},
	{"ZeroDivisionError", "ArithmeticError"},
	{"AssertionError", "Exception"},
	{"LookupError", "Exception"},
	{"IndexError", "LookupError"},
	{"KeyError", "LookupError"},
	{"RuntimeError", "Exception"},
	{"MapFullError", "RuntimeError"},   /* pybpf: a map update found the map full */
	{"FaultError", "RuntimeError"},     /* pybpf: reading kernel or user memory failed */
	{"ValueError", "Exception"},
	{"TypeError", "Exception"},
	{"OSError", "Exception"},           /* open() and read() of a file failed */
};

static int find_class(Prog *p, const char *name)
{
	for (int i = 0; i < p->classes.len; i++)
		if (!strcmp(((ExcClass *)VEC_AT(p->classes, i))->name, name))
			return i;
	return -1;
}

static int add_class(Prog *p, const char *name, int parent, Node *decl)
{
	ExcClass *k = xcalloc(1, sizeof(*k));
	int id = p->classes.len;
	k->name = name;
	k->parent = parent;
	k->decl = decl;
	vec_push(&p->classes, k);
	/* it is a descendant of itself and of every ancestor */
	for (int a = id; a >= 0; a = ((ExcClass *)VEC_AT(p->classes, a))->parent)
		((ExcClass *)VEC_AT(p->classes, a))->descendants |= 1ull << id;
	return id;
}

static void init_classes(Prog *p)
{
	for (size_t i = 0; i < sizeof(builtin_exc) / sizeof(builtin_exc[0]); i++)
		add_class(p, builtin_exc[i].name, builtin_exc[i].parent ? find_class(p, builtin_exc[i].parent) : -1, NULL);
}

Loc node_loc(Node *n)
{
	return n->loc.file ? n->loc : n->tok->loc;
}

/* A write to a map that an enclosing loop iterates over: CPython raises
 * RuntimeError when a dict changes size while iterated, and a change of
 * value would be seen by CPython but not by pybpf's snapshot; rejected. */
void no_write_while_iterating(Checker *c, Node *at, MapDecl *m, const char *what)
{
	for (int i = 0; i < c->iterating.len; i++)
		if (VEC_AT(c->iterating, i) == m)
			error_at(node_loc(at), "%s '%s' inside a loop over it: CPython would raise RuntimeError (dictionary "
				 "changed size during iteration) or show the change; pybpf iterates a snapshot, so it is "
				 "rejected%s", what, m->name,
				 !strcmp(what, "reading an item of") ? " (use the loop's value, or .get(key))" : "");
}

bool is_imported(Checker *c, const char *name)
{
	if (c->imported_all)
		return true;
	for (int i = 0; i < c->imported.len; i++)
		if (!strcmp(VEC_AT(c->imported, i), name))
			return true;
	return false;
}

_Noreturn void unknown_name(Checker *c, Node *n)
{
	Suggest s = {.target = n->name};
	for (Scope *sc = c->scope; sc; sc = sc->up)
		for (int i = 0; i < sc->syms.len; i++)
			suggest_try(&s, ((Sym *)VEC_AT(sc->syms, i))->name);
	for (int i = 0; i < c->module.syms.len; i++)
		suggest_try(&s, ((Sym *)VEC_AT(c->module.syms, i))->name);
	for (int i = 0; builtin_funcs[i]; i++)
		suggest_try(&s, builtin_funcs[i]);
	for (int i = 0; builtin_types[i]; i++)
		suggest_try(&s, builtin_types[i]);
	if (in_list(builtin_funcs, n->name) || in_list(builtin_types, n->name))
		error_at(node_loc(n), "name '%s' is not defined; import it with 'from pybpf import %s'",
			 n->name, n->name);
	if (s.best)
		error_at(node_loc(n), "name '%s' is not defined; did you mean '%s'?", n->name, s.best);
	error_at(node_loc(n), "name '%s' is not defined", n->name);
}

RaiseSite *new_raise(Checker *c, Node *n, const char *exc)
{
	RaiseSite *r = xcalloc(1, sizeof(*r));
	r->id = c->prog->raises.len;
	r->loc = node_loc(n);
	r->exc = exc;
	r->cls = find_class(c->prog, exc);
	if (r->cls < 0)
		ICE("unknown exception class %s", exc);
	r->func = c->fname ? c->fname : "<module>";
	vec_push(&c->prog->raises, r);
	return r;
}

/* ---- constant evaluation (Final values, map sizes, str capacities) ------ */

/* -9223372036854775808: the literal alone does not fit, its negation does */
bool is_int64_min_literal(const Node *n)
{
	return n->kind == ND_UNARY && n->op == TK_MINUS && n->lhs->kind == ND_INT && !n->lhs->tok->big &&
	       n->lhs->tok->ival == (uint64_t)INT64_MAX + 1;
}

/* The Final tuple that name n refers to (n->sym is set), or NULL. */
ConstDecl *final_tuple(Checker *c, Node *n)
{
	Sym *y;
	if (n->kind != ND_NAME)
		return NULL;
	y = c->scope ? scope_find(c->scope, n->name) : scope_find(&c->module, n->name);
	if (!y || y->kind != SYM_CONST || !((ConstDecl *)y->data)->nitems)
		return NULL;
	n->sym = y;
	return y->data;
}

bool const_int(Checker *c, Node *n, int64_t *out)
{
	int64_t a, b;
	switch (n->kind) {
	case ND_CALL: {   /* len(T) of a Final tuple */
		ConstDecl *k;
		if (n->lhs->kind != ND_NAME || strcmp(n->lhs->name, "len") || n->elts.len != 1 || n->vals.len ||
		    !(k = final_tuple(c, VEC_AT(n->elts, 0))))
			return false;
		*out = k->nitems;
		return true;
	}
	case ND_INT:
		if (n->tok->big || n->tok->ival > (uint64_t)INT64_MAX)
			error_at(node_loc(n), "integer literal does not fit in 64 bits (pybpf's int is 64-bit signed)");
		*out = (int64_t)n->tok->ival;
		return true;
	case ND_TRUE: *out = 1; return true;
	case ND_FALSE: *out = 0; return true;
	case ND_NAME: {
		Sym *y = scope_find(&c->module, n->name);
		if (y && y->kind == SYM_CONST && !((ConstDecl *)y->data)->nitems) {
			*out = ((ConstDecl *)y->data)->value;
			return true;
		}
		return false;
	}
	case ND_UNARY:
		if (is_int64_min_literal(n)) {
			*out = INT64_MIN;
			return true;
		}
		if (!const_int(c, n->lhs, &a))
			return false;
		if (n->op == TK_MINUS) {
			if (a == INT64_MIN)
				return false;
			*out = -a;
		} else if (n->op == TK_PLUS) {
			*out = a;
		} else if (n->op == TK_TILDE) {
			*out = ~a;

		} else {
			return false;
		}
		return true;
	case ND_BINOP:
		if (!const_int(c, n->lhs, &a) || !const_int(c, n->rhs, &b))
			return false;
		switch (n->op) {
		case TK_PLUS: return !__builtin_add_overflow(a, b, out);
		case TK_MINUS: return !__builtin_sub_overflow(a, b, out);
		case TK_STAR: return !__builtin_mul_overflow(a, b, out);
		case TK_DSLASH:
		case TK_PERCENT:
			if (b == 0 || (a == INT64_MIN && b == -1))
				return false;
			if (n->op == TK_DSLASH) {
				int64_t q = a / b;
				if ((a % b != 0) && ((a < 0) != (b < 0)))
					q--;
				*out = q;
			} else {
				int64_t r = a % b;
				if (r != 0 && ((r < 0) != (b < 0)))
					r += b;
				*out = r;
			}
			return true;
		case TK_AMP: *out = a & b; return true;
		case TK_PIPE: *out = a | b; return true;
		case TK_CARET: *out = a ^ b; return true;
		case TK_LSHIFT:
			if (b < 0 || (a != 0 && b >= 64))
				return false;
			*out = a == 0 ? 0 : (int64_t)((uint64_t)a << b);
			return a == 0 || (*out >> b) == a;
		case TK_RSHIFT:
			if (b < 0)
				return false;
			*out = b >= 64 ? (a < 0 ? -1 : 0) : a >> b;
			return true;
		case TK_DSTAR: {
			int64_t r = 1;
			if (b < 0)
				return false;
			for (int64_t i = 0; i < b; i++)
				if (__builtin_mul_overflow(r, a, &r))
					return false;
			*out = r;
			return true;
		}
		default:
			return false;
		}
	default:
		return false;
	}
}

/* The value of an if/elif test made only of constants (with -D values):
 * ints, comparisons of them, not, and/or (whose result is a truth value
 * here, not an operand: only used for the branch taken). */
static bool const_test(Checker *c, Node *n, int64_t *out)
{
	int64_t a, b;
	switch (n->kind) {
	case ND_UNARY:
		if (n->op != TK_NOT)
			return const_int(c, n, out);
		if (!const_test(c, n->lhs, &a))
			return false;
		*out = !a;
		return true;
	case ND_BOOLOP:
		for (int i = 0; i < n->elts.len; i++)
			if (!const_test(c, VEC_AT(n->elts, i), &a))
				return false;
		for (int i = 0; i < n->elts.len; i++) {
			const_test(c, VEC_AT(n->elts, i), &a);
			if ((n->op == TK_AND) != (a != 0)) {
				*out = a != 0;
				return true;
			}
		}
		*out = n->op == TK_AND;
		return true;
	case ND_COMPARE:   /* a < b <= c (not in / is) */
		if (!const_int(c, n->lhs, &a))
			return false;
		*out = 1;
		for (int i = 0; i < n->elts.len; i++) {
			if (!const_int(c, VEC_AT(n->elts, i), &b))
				return false;
			switch (n->cmpops[i]) {
			case CMP_EQ: *out &= a == b; break;
			case CMP_NE: *out &= a != b; break;
			case CMP_LT: *out &= a < b; break;
			case CMP_LE: *out &= a <= b; break;
			case CMP_GT: *out &= a > b; break;
			case CMP_GE: *out &= a >= b; break;
			default: return false;
			}
			a = b;
		}
		return true;
	default:
		return const_int(c, n, out);
	}
}

/* ---- type annotations -------------------------------------------------- */

static const char *const fixed_names[] = {"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64"};

static Type *resolve_type(Checker *c, Node *n, bool storage);

Type *fixed_by_name(const char *name)
{
	for (int i = 0; i < 8; i++)
		if (!strcmp(fixed_names[i], name))
			return ty_fixed(1 << (i % 4), i >= 4);
	return NULL;
}

/* annotation: 'int' | 'bool' | u8..i64 | 'str' '[' N ']' */
static Type *resolve_type(Checker *c, Node *n, bool storage)
{
	Type *t;
	if (n->kind == ND_NAME) {
		timer_misplaced(c, n);   /* check_timer.c */
		lock_misplaced(c, n);    /* check_lock.c */
		if ((t = fixed_by_name(n->name)) || !strcmp(n->name, "int") || !strcmp(n->name, "bool")) {
			if (!t)
				t = !strcmp(n->name, "int") ? ty_int : ty_bool;
			if (!is_imported(c, n->name) && strcmp(n->name, "int") && strcmp(n->name, "bool"))
				unknown_name(c, n);
			return t;
		}
		if ((t = addr_type(n->name))) {   /* IPv4, IPv6 (check_packet.c) */
			if (!is_imported(c, n->name))
				unknown_name(c, n);
			return t;
		}
		if (!strcmp(n->name, "KStack") || !strcmp(n->name, "UStack")) {
			if (!is_imported(c, n->name))
				unknown_name(c, n);
			return n->name[0] == 'U' ? &t_ustack : &t_kstack;
		}
		if (!strcmp(n->name, "str"))
			error_at(node_loc(n), "'str' needs a capacity in pybpf: write str[N] (N bytes, including the terminating NUL)");
		if (!strcmp(n->name, "bytes"))
			error_at(node_loc(n), "'bytes' needs a length in pybpf: write bytes[N] (exactly N bytes)");
		{
			Sym *ty = scope_find(&c->module, n->name);
			if (ty && ty->kind == SYM_TYPE)
				return ty->type;
		}
		if (!strcmp(n->name, "float"))
			error_at(node_loc(n), "floating-point numbers are not supported in pybpf (BPF has no floating point); use integers");
		if (!scope_find(&c->module, n->name) && !in_list(builtin_types, n->name)) {
			/* a kernel struct by name: a pointer to it (task_struct, sock, tcp_sock, ...) */
			int id = kbtf_find_struct(need_btf(c, n), n->name);
			if (id >= 0) {
				kemit_use_type(c->prog->kemit, id);
				return ty_kernel(TY_KPTR, id);
			}
			unknown_name(c, n);
		}
		error_at(node_loc(n), "'%s' is not a type that can be used here", n->name);
	}
	if (n->kind == ND_SUBSCRIPT && n->lhs->kind == ND_NAME && !strcmp(n->lhs->name, "str")) {
		int64_t cap;
		if (!const_int(c, n->rhs, &cap))
			error_at(node_loc(n->rhs), "the capacity in str[N] must be a constant integer");
		if (cap < 1 || cap > 4096)
			error_at(node_loc(n->rhs), "str capacity must be between 1 and 4096 bytes, not %lld", (long long)cap);
		return ty_str((int)cap);
	}
	if (n->kind == ND_SUBSCRIPT && n->lhs->kind == ND_NAME && !strcmp(n->lhs->name, "bytes")) {
		int64_t len;
		if (!const_int(c, n->rhs, &len) || len < 1 || len > 4096)
			error_at(node_loc(n->rhs), "the length in bytes[N] must be a constant from 1 to 4096");
		return ty_bytes((int)len);
	}
	if (n->kind == ND_NONE)
		return ty_none;
	error_at(node_loc(n), "unsupported type annotation; expected int, bool, u8..u64, i8..i64 or str[N]");
}

/* ---- module level ------------------------------------------------------ */

static MapKind map_kind_by_name(const char *name, bool *ok)
{
	for (int i = 0; i < MAP__COUNT; i++)
		if (!strcmp(map_kind_names[i], name)) {
			*ok = true;
			return i;
		}
	*ok = false;
	return 0;
}

void check_name_free(Checker *c, Node *n, const char *name)
{
	Sym *y = scope_find(&c->module, name);
	if (y) {
		error_begin(node_loc(n), "'%s' is already defined", name);
		note_at(node_loc(y->decl), "'%s' was defined here", name);
		diag_exit();
	}
}

static int agg_by_name(const char *name)
{
	for (int i = 0; i < AGG__COUNT; i++)
		if (!strcmp(agg_names[i], name))
			return i;
	return -1;
}

/* Count, Sum, ..., Hist, LHist[lo, hi, step]; NULL if n is not one */
static Type *resolve_agg(Checker *c, Node *n)
{
	Node *base = n->kind == ND_SUBSCRIPT ? n->lhs : n;
	int k = base->kind == ND_NAME ? agg_by_name(base->name) : -1;
	Type *t;
	if (k < 0)
		return NULL;
	if (!is_imported(c, base->name))
		unknown_name(c, base);
	t = xcalloc(1, sizeof(*t));
	t->kind = TY_AGG;
	t->agg = k;
	if (k == AGG_LHIST) {
		Node *a = n->kind == ND_SUBSCRIPT ? n->rhs : NULL;
		int64_t v[3];
		if (!a || a->kind != ND_TUPLE || a->elts.len != 3)
			error_at(node_loc(n), "LHist needs its buckets: LHist[lo, hi, step]");
		for (int i = 0; i < 3; i++)
			if (!const_int(c, VEC_AT(a->elts, i), &v[i]))
				error_at(node_loc(VEC_AT(a->elts, i)), "the bounds of LHist must be constant integers");
		if (v[2] <= 0 || v[1] <= v[0] || (v[1] - v[0]) % v[2])
			error_at(node_loc(a), "LHist[lo, hi, step] needs lo < hi, step > 0 and hi - lo a multiple of step");
		if ((v[1] - v[0]) / v[2] > 1000)
			error_at(node_loc(a), "LHist[%lld, %lld, %lld] has %lld buckets; pybpf allows 1000",
				 (long long)v[0], (long long)v[1], (long long)v[2], (long long)((v[1] - v[0]) / v[2]));
		t->lo = v[0], t->hi = v[1], t->step = v[2];
	} else if (n->kind == ND_SUBSCRIPT) {
		error_at(node_loc(n), "%s takes no parameters", agg_names[k]);
	}
	return t;
}

static int tuple_count;

/* tuple[A, B, ...]: laid out like the C struct the emitter declares */
static Type *resolve_tuple(Checker *c, Node *n)
{
	Type *t = xcalloc(1, sizeof(*t));
	Vec items = {0};
	int off = 0, align = 1;
	if (n->rhs->kind == ND_TUPLE)
		items = n->rhs->elts;
	else
		vec_push(&items, n->rhs);
	if (items.len < 2)
		error_at(node_loc(n), "a tuple key needs at least two elements: tuple[A, B]");
	t->kind = TY_TUPLE;
	t->offsets = xcalloc(items.len, sizeof(int));
	for (int i = 0; i < items.len; i++) {
		Type *e = resolve_type(c, VEC_AT(items, i), true);
		int a;
		if (e->kind == TY_INT)
			e = ty_fixed(8, true);
		if (e->kind == TY_BOOL)
			e = ty_fixed(1, false);
		if (e->kind != TY_FIXED && e->kind != TY_STR && e->kind != TY_BYTES && e->kind != TY_STACK)
			error_at(node_loc(VEC_AT(items, i)), "a tuple element must be an integer type, str[N], bytes[N], KStack or "
				 "UStack, not %s", ty_name(e));
		a = e->kind == TY_STR || e->kind == TY_BYTES ? 1 : e->kind == TY_STACK ? 8 : e->size;
		off = (off + a - 1) / a * a;
		t->offsets[i] = off;
		off += ty_size(e);
		if (a > align)
			align = a;
		vec_push(&t->elems, e);
	}
	t->size = (off + align - 1) / align * align;
	t->cid = tuple_count++;
	return t;
}

static Type *find_struct(Checker *c, const char *name)
{
	for (int i = 0; i < c->prog->structs.len; i++)
		if (!strcmp(((Type *)VEC_AT(c->prog->structs, i))->sname, name))
			return VEC_AT(c->prog->structs, i);
	return NULL;
}

Type *resolve_key_or_value(Checker *c, Node *n, bool is_value)
{
	Type *t;
	if (n->kind == ND_NAME && (t = find_struct(c, n->name)))
		return t;
	if (is_value && (t = resolve_agg(c, n)))
		return t;
	if (n->kind == ND_SUBSCRIPT && n->lhs->kind == ND_NAME && !strcmp(n->lhs->name, "tuple")) {
		if (!is_imported(c, "tuple") && 0)
			unknown_name(c, n->lhs);
		return resolve_tuple(c, n);
	}
	t = resolve_type(c, n, true);
	if (t->kind == TY_INT)
		t = ty_fixed(8, true);
	return t;
}

void register_map(Checker *c, Node *s, MapDecl *m)
{
	check_name_free(c, s->target, m->name);
	Sym *y = scope_add(&c->module, SYM_MAP, m->name, s->target);
	y->type = m->type;
	y->data = m;
	y->cname = m->cname;
	vec_push(&c->prog->maps, m);
}

/* a: Array[V] = Array(N); q: Queue[V] = Queue(N); st: Stack[V] = Stack(N);
 * events: RingBuf[S] = RingBuf(size=BYTES) */
static void declare_single_map(Checker *c, Node *s, MapKind kind, Type *t, MapDecl *m)
{
	Node *val = s->value, *sz = NULL;
	bool ok;
	int64_t n = kind == MAP_RINGBUF ? 256 * 1024 : 0;
	const char *what = kind == MAP_RINGBUF ? "size" : "max_entries";

	t->key = ty_fixed(4, false);
	t->val = timer_value_type(c, s->annotation->rhs, kind);   /* Array[Timer] (check_timer.c) */
	if (!t->val)
		t->val = lock_value_type(c, s->annotation->rhs, kind);   /* Array[S], S holding a SpinLock (check_lock.c) */
	if (!t->val)
		t->val = resolve_key_or_value(c, s->annotation->rhs, false);
	if (kind == MAP_RINGBUF && t->val->kind != TY_STRUCT)
		error_at(node_loc(s->annotation->rhs), "a RingBuf carries records of a Struct class (class E(Struct): ...), not %s",
			 ty_name(t->val));
	if (kind != MAP_RINGBUF && t->val->kind != TY_FIXED && t->val->kind != TY_TIMER && struct_lock_field(t->val) < 0)
		error_at(node_loc(s->annotation->rhs), "%s values must be integer types (u8..u64, i8..i64, int), not %s",
			 map_kind_names[kind], ty_name(t->val));
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	m->percpu = kind == MAP_PERCPU_ARRAY;
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || map_kind_by_name(val->lhs->name, &ok) != kind || !ok)
		error_at(node_loc(val ? val : s), "map '%s' must be created with %s(...) to match its annotation", m->name,
			 map_kind_names[kind]);
	if (val->elts.len == 1 && !val->vals.len)
		sz = VEC_AT(val->elts, 0);
	else if (val->vals.len == 1 && !val->elts.len && ((Node *)VEC_AT(val->vals, 0))->name &&
		 !strcmp(((Node *)VEC_AT(val->vals, 0))->name, what))
		sz = ((Node *)VEC_AT(val->vals, 0))->lhs;
	else if (val->elts.len || val->vals.len || kind != MAP_RINGBUF)
		error_at(node_loc(val), "write %s(%s) or %s(%s=%s)", map_kind_names[kind], kind == MAP_RINGBUF ? "BYTES" : "N",
			 map_kind_names[kind], what, kind == MAP_RINGBUF ? "BYTES" : "N");
	if (sz && !const_int(c, sz, &n))
		error_at(node_loc(sz), "the %s of a %s must be a constant", what, map_kind_names[kind]);
	if (kind == MAP_RINGBUF && (n < 4096 || n > (1 << 30) || (n & (n - 1))))
		error_at(node_loc(sz), "a RingBuf's size must be a power of 2 from 4096 to 2**30 bytes, not %lld", (long long)n);
	if (kind != MAP_RINGBUF && (n < 1 || n > (1 << 24)))
		error_at(node_loc(sz), "max_entries must be between 1 and %d, not %lld", 1 << 24, (long long)n);
	m->max_entries = (uint32_t)n;
	register_map(c, s, m);
}

/* NAME: Hash[K, V] = Hash(max_entries=N) */
static void declare_map(Checker *c, Node *s, MapKind kind)
{
	Node *ann = s->annotation, *val = s->value;
	Node *args = ann->rhs;
	MapDecl *m = xcalloc(1, sizeof(*m));
	Type *t = xcalloc(1, sizeof(*t));
	bool ok;

	bool single = kind >= MAP_ARRAY;   /* Array[V], Queue[V], Stack[V], RingBuf[S] */
	t->kind = TY_MAP;
	t->map_kind = kind;
	if (MAP_IS_STORAGE(kind)) {
		if (args->kind == ND_TUPLE)
			error_at(node_loc(ann), "%s takes one type, its value's: %s[V] (its keys are %s)", map_kind_names[kind],
				 map_kind_names[kind], xasprintf("%ss", storage_owner(kind)));
		t->val = resolve_key_or_value(c, args, false);
		m->type = t;
		m->name = s->target->name;
		m->cname = global_cname(m->name);
		m->decl = s;
		declare_storage_map(c, s, t, m);
		register_map(c, s, m);
		return;
	}
	if (single) {
		if (args->kind == ND_TUPLE)
			error_at(node_loc(ann), "%s takes one type: %s[V]", map_kind_names[kind], map_kind_names[kind]);
		declare_single_map(c, s, kind, t, m);
		return;
	}
	if (args->kind != ND_TUPLE || args->elts.len != 2)
		error_at(node_loc(ann), "%s needs a key and a value type: %s[K, V]", map_kind_names[kind], map_kind_names[kind]);
	t->key = resolve_key_or_value(c, VEC_AT(args->elts, 0), false);
	t->val = timer_value_type(c, VEC_AT(args->elts, 1), kind);   /* Hash[K, Timer] (check_timer.c) */
	if (t->val)
		timer_hash_key(VEC_AT(args->elts, 0), t->key);
	else if (!(t->val = lock_value_type(c, VEC_AT(args->elts, 1), kind)))   /* Hash[K, S], S holding a SpinLock */
		t->val = resolve_key_or_value(c, VEC_AT(args->elts, 1), true);
	if (t->key->kind == TY_BOOL || t->key->kind == TY_NONE)
		error_at(node_loc(VEC_AT(args->elts, 0)), "a map key must be an integer type, str[N], bytes[N] or a tuple of them, "
			 "not %s", ty_name(t->key));
	if (t->val->kind == TY_TUPLE) {
		/* a tuple of ints: stored whole (d[k] = (a, b)), read by unpacking (a, b = d[k]) */
		for (int i = 0; i < t->val->elems.len; i++)
			if (((Type *)VEC_AT(t->val->elems, i))->kind != TY_FIXED)
				error_at(node_loc(VEC_AT(args->elts, 1)), "a tuple map value holds integer types only, not %s",
					 ty_name(VEC_AT(t->val->elems, i)));
		if (kind == MAP_LPM || kind == MAP_PERCPU_HASH || kind == MAP_LRU_PERCPU_HASH)
			error_at(node_loc(VEC_AT(args->elts, 1)), "tuple values are supported in Hash and LRUHash maps");
	} else if (t->val->kind != TY_FIXED && t->val->kind != TY_AGG && t->val->kind != TY_TIMER && struct_lock_field(t->val) < 0)
		error_at(node_loc(VEC_AT(args->elts, 1)), "a %s value must be an integer type (u8..u64, i8..i64, int), a tuple "
			 "of them, or an aggregation (Count, Sum, Min, Max, Avg, Stats, Hist, LHist[lo, hi, step]), not %s",
			 map_kind_names[kind], ty_name(t->val));
	if (kind == MAP_LPM && (t->key->kind != TY_FIXED || t->key->is_signed))
		error_at(node_loc(VEC_AT(args->elts, 0)), "an LPMTrie key is an unsigned integer type (u8, u16, u32, u64): its "
			 "bits, most significant first, are what prefixes match; not %s", ty_name(t->key));
	if (kind == MAP_LPM && t->val->kind != TY_FIXED)
		error_at(node_loc(VEC_AT(args->elts, 1)), "an LPMTrie value must be an integer type, not %s", ty_name(t->val));
	m->percpu = kind == MAP_PERCPU_HASH || kind == MAP_LRU_PERCPU_HASH || t->val->kind == TY_AGG;
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	m->max_entries = 10240;
	if (!val)
		error_at(node_loc(s), "map '%s' needs a value: %s = %s(max_entries=N)", m->name, m->name, map_kind_names[kind]);
	if (val->kind != ND_CALL || val->lhs->kind != ND_NAME || map_kind_by_name(val->lhs->name, &ok) != kind || !ok)
		error_at(node_loc(val), "map '%s' must be created with %s(...) to match its annotation", m->name, map_kind_names[kind]);
	if (val->elts.len)
		error_at(node_loc(VEC_AT(val->elts, 0)), "%s() takes keyword arguments only (max_entries=N)", map_kind_names[kind]);
	for (int i = 0; i < val->vals.len; i++) {
		Node *kw = VEC_AT(val->vals, i);
		int64_t v;
		if (kw->name && !strcmp(kw->name, "items")) {
			map_items_declared(c, m, kw->lhs);   /* check_map_items.c */
			continue;
		}
		if (map_metric_arg(c, m, kw))   /* labels=, metric= (check_map_metric.c) */
			continue;
		if (!kw->name || strcmp(kw->name, "max_entries"))
			error_at(node_loc(kw), "unknown argument '%s' for %s(); expected max_entries=N%s",
				 kw->name ? kw->name : "**", map_kind_names[kind], kind == MAP_HASH || kind == MAP_LRU_HASH ||
				 kind == MAP_LPM || kind == MAP_ARRAY ? " or items={key: value, ...}" : "");
		if (!const_int(c, kw->lhs, &v))
			error_at(node_loc(kw->lhs), "max_entries must be a constant integer");
		if (v < 1 || v > (1 << 24))
			error_at(node_loc(kw->lhs), "max_entries must be between 1 and %d, not %lld", 1 << 24, (long long)v);
		m->max_entries = (uint32_t)v;
	}
	register_map(c, s, m);
}

/* lat: Hist = Hist(): one aggregation, no key */
static void declare_unkeyed_agg(Checker *c, Node *s)
{
	MapDecl *m = xcalloc(1, sizeof(*m));
	Type *t = xcalloc(1, sizeof(*t)), *v = resolve_agg(c, s->annotation);
	Node *val = s->value;
	t->kind = TY_MAP;
	t->map_kind = MAP_HASH;
	t->key = ty_fixed(4, false);
	t->val = v;
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || agg_by_name(val->lhs->name) != v->agg ||
	    val->elts.len || val->vals.len)
		error_at(node_loc(val ? val : s), "write '%s: %s = %s()'", s->target->name, ty_name(v),
			 agg_names[v->agg]);
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	m->max_entries = 1;
	m->percpu = true;
	m->unkeyed = true;
	check_name_free(c, s->target, m->name);
	Sym *y = scope_add(&c->module, SYM_MAP, m->name, s->target);
	y->type = t;
	y->data = m;
	y->cname = m->cname;
	vec_push(&c->prog->maps, m);
}

ConstOverride *pyc_const_overrides;
bool pyc_implied_import;
int pyc_nconst_overrides;

/* Final[tuple[X, ...]]: the item type X (int or str[N]). */
static Type *final_tuple_ann(Checker *c, Node *t)
{
	Node *args = t->rhs, *x;
	Type *it;
	if (args->kind != ND_TUPLE || args->elts.len != 2 || ((Node *)VEC_AT(args->elts, 1))->kind != ND_ELLIPSIS)
		error_at(node_loc(t), "write the type of a Final tuple as tuple[str[N], ...] or tuple[int, ...] (or write just "
			 "'NAME: Final = (...)')");
	x = VEC_AT(args->elts, 0);
	it = resolve_type(c, x, false);
	if (it->kind != TY_INT && it->kind != TY_STR)
		error_at(node_loc(x), "the items of a Final tuple are ints or strs (str[N]), not %s", ty_name(it));
	return it;
}

/* NAMES: Final = ("a", "b", ...) or (1, 2, ...): all strs or all ints,
 * constants; item is the annotated item type (NULL: inferred). */
static void final_tuple_items(Checker *c, Node *s, ConstDecl *k, Type *item)
{
	Node *v = s->value, *first, *longest = NULL;
	int n = v->elts.len, w = 1;
	bool strs;
	if (!n)
		error_at(node_loc(v), "a Final tuple needs at least one item");
	if (n > 65536)
		error_at(node_loc(v), "a Final tuple holds at most 65536 items, not %d", n);
	first = VEC_AT(v->elts, 0);
	strs = item ? item->kind == TY_STR : first->kind == ND_STR;
	k->items = xcalloc(n, sizeof(*k->items));
	k->ivals = xcalloc(n, sizeof(*k->ivals));
	for (int i = 0; i < n; i++) {
		Node *x = VEC_AT(v->elts, i);
		bool is_str = x->kind == ND_STR;
		if (x->kind == ND_STARRED)
			error_at(node_loc(x), "starred items are not supported in a Final tuple; write the items out");
		if (is_str && x->tok->is_bytes)
			error_at(node_loc(x), "the items of a Final tuple are ints or strs, not bytes");
		if (x->kind == ND_TRUE || x->kind == ND_FALSE)
			error_at(node_loc(x), "the items of a Final tuple are ints or strs, not bools");
		if (!is_str && !const_int(c, x, &k->ivals[i]))
			error_at(node_loc(x), "the items of a Final tuple must be constants: string literals or constant integer "
				 "expressions");
		if (is_str != strs) {
			error_begin(node_loc(x), "the items of a Final tuple must all be %s; this one is %s", strs ? "strs" : "ints",
				    is_str ? "a str" : "an int");
			if (item)
				note_at(node_loc(s->annotation), "the tuple is declared to hold %s", ty_name(item));
			else
				note_at(node_loc(first), "the first item is %s", strs ? "a str" : "an int");
			diag_exit();
		}
		if (is_str) {
			if (memchr(x->tok->str, 0, x->tok->slen))
				error_at(node_loc(x), "strings with NUL characters are not supported in pybpf (strings are NUL-terminated)");
			if (x->tok->slen + 1 > w) {
				w = x->tok->slen + 1;
				longest = x;
			}
		}
		k->items[i] = x;
	}
	if (strs && item && w > item->size)
		error_at(node_loc(longest), "this item does not fit in %s: it needs %d bytes with its NUL", ty_name(item), w);
	if (strs && w > 4096)
		error_at(node_loc(longest), "the items of a Final tuple are at most 4095 characters long (str[4096])");
	k->type = strs ? ty_str(item ? item->size : w) : ty_int;
	k->nitems = n;
}

/* NAME: Final[int] = CONST; NAMES: Final = (...) (a Final tuple) */
static void declare_const(Checker *c, Node *s)
{
	ConstDecl *k = xcalloc(1, sizeof(*k));
	Node *ann = s->annotation;
	bool tuple_ann = ann->kind == ND_SUBSCRIPT && ann->rhs->kind == ND_SUBSCRIPT && ann->rhs->lhs->kind == ND_NAME &&
			 !strcmp(ann->rhs->lhs->name, "tuple");
	Type *item = tuple_ann ? final_tuple_ann(c, ann->rhs) : NULL;
	k->type = ty_int;
	if (ann->kind == ND_SUBSCRIPT && !tuple_ann) {
		Type *t = resolve_type(c, ann->rhs, false);
		if (!is_intlike(t))
			error_at(node_loc(ann->rhs), "Final constants must be integers or bools (for now), not %s", ty_name(t));
		k->type = t->kind == TY_BOOL ? ty_bool : ty_int;
	}
	if (!s->value)
		error_at(node_loc(s), "Final constant '%s' needs a value", s->target->name);
	if (tuple_ann && s->value->kind != ND_TUPLE)
		error_at(node_loc(s->value), "the value of a Final tuple must be a tuple of constants: (\"a\", \"b\", ...)");
	if (s->value->kind == ND_TUPLE && ann->kind == ND_SUBSCRIPT && !tuple_ann)
		error_at(node_loc(s->value), "'%s' is declared Final[%s], but its value is a tuple; write '%s: Final = (...)'",
			 s->target->name, ty_name(k->type), s->target->name);
	if (s->value->kind == ND_TUPLE)
		final_tuple_items(c, s, k, item);
	else if (!const_int(c, s->value, &k->value))
		error_at(node_loc(s->value), "the value of a Final constant must be a constant integer expression");
	k->name = s->target->name;
	k->src_value = k->value;
	for (int i = 0; i < pyc_nconst_overrides; i++)
		if (!strcmp(pyc_const_overrides[i].name, k->name))
			k->value = pyc_const_overrides[i].value;
	k->cname = global_cname(k->name);
	k->decl = s;
	check_name_free(c, s->target, k->name);
	Sym *y = scope_add(&c->module, SYM_CONST, k->name, s->target);
	y->type = k->type;
	y->data = k;
	y->cname = k->cname;
	vec_push(&c->prog->consts, k);
}

/* from pybpf.kernel import TCP_ESTABLISHED, ...: the kernel's enumerators,
 * read from its BTF; the generated C asks for the value of the kernel it
 * loads on (a CO-RE enum relocation), so the object carries no number. */
static void import_kernel_enums(Checker *c, Node *s)
{
	for (int i = 0; i < s->names.len; i++) {
		Node *a = VEC_AT(s->names, i);
		ConstDecl *k;
		KInfo ei;
		int64_t v;
		int eid;
		Sym *y;
		if (!strcmp(a->name, "*"))
			error_at(node_loc(a), "name the kernel enumerators to import: from pybpf.kernel import TCP_ESTABLISHED, ...");
		if (a->asname && strcmp(a->asname, a->name))
			error_at(node_loc(a), "'import ... as ...' is not supported for kernel enumerators");
		if (kbtf_enum_value(need_btf(c, a), a->name, &v, &eid) < 0)
			error_at(node_loc(a), "the kernel has no enumerator '%s' (pybpf.kernel holds the values of the kernel's "
				 "enums, e.g. TCP_ESTABLISHED, BPF_MAP_TYPE_HASH)", a->name);
		check_name_free(c, a, a->name);
		k = xcalloc(1, sizeof(*k));
		k->name = a->name;
		k->type = ty_int;
		k->value = v;
		k->decl = a;
		k->cname = xasprintf("((__s64)%s)", kemit_enum_value_expr(c->prog->kemit, eid, a->name));
		kbtf_info(c->prog->btf, eid, &ei);
		if (v < 0 && !ei.is_signed) {   /* SCX_DSQ_GLOBAL, 1 << 63 | 1: above an int's range, a u64 */
			k->type = ty_fixed(8, false);
			k->cname = xasprintf("((__u64)%s)", kemit_enum_value_expr(c->prog->kemit, eid, a->name));
		}
		y = scope_add(&c->module, SYM_CONST, k->name, a);
		y->type = k->type;
		y->data = k;
		y->cname = k->cname;
	}
}

static void check_import(Checker *c, Node *s)
{
	if (s->kind == ND_IMPORTFROM && s->name && !strcmp(s->name, "pybpf.kernel") && !s->level) {
		import_kernel_enums(c, s);
		return;
	}
	if (s->kind == ND_IMPORT || !s->name || strcmp(s->name, "pybpf") || s->level)
		error_at(node_loc(s), "only 'from pybpf import ...' is supported (a probe cannot import Python modules: it runs in the kernel)");
	for (int i = 0; i < s->names.len; i++) {
		Node *a = VEC_AT(s->names, i);
		if (!strcmp(a->name, "*")) {
			c->imported_all = true;
			continue;
		}
		if (a->asname && strcmp(a->asname, a->name))
			error_at(node_loc(a), "'import ... as ...' is not supported for pybpf names");
		if (!in_list(builtin_funcs, a->name) && !in_list(builtin_types, a->name)) {
			Suggest sg = {.target = a->name};
			for (int j = 0; builtin_funcs[j]; j++)
				suggest_try(&sg, builtin_funcs[j]);
			for (int j = 0; builtin_types[j]; j++)
				suggest_try(&sg, builtin_types[j]);
			if (sg.best)
				error_at(node_loc(a), "cannot import name '%s' from 'pybpf'; did you mean '%s'?", a->name, sg.best);
			error_at(node_loc(a), "cannot import name '%s' from 'pybpf'", a->name);
		}
		vec_push(&c->imported, (void *)a->name);
	}
}

static bool is_docstring(Node *s)
{
	return s->kind == ND_EXPR_STMT && s->value->kind == ND_STR;
}

static const char *stmt_what(Node *s)
{
	switch (s->kind) {
	case ND_WHILE: return "'while' loops";
	case ND_FOR: return "'for' loops";
	case ND_TRY: return "'try' statements";
	case ND_WITH: return "'with' statements";
	case ND_RAISE: return "'raise'";
	case ND_ASSERT: return "'assert'";
	case ND_DEL: return "'del'";
	case ND_GLOBAL: return "'global' declarations";
	case ND_NONLOCAL: return "'nonlocal' declarations";
	case ND_CLASSDEF: return "classes";
	case ND_FUNCDEF: return s->is_async ? "'async def' functions" : "nested functions";
	case ND_IMPORT:
	case ND_IMPORTFROM: return "imports inside functions";
	case ND_MATCH: return "'match' statements";
	case ND_BREAK: return "'break' outside a loop";
	case ND_CONTINUE: return "'continue' outside a loop";
	default: return "this statement";
	}
}

/* ---- expressions ------------------------------------------------------- */

static Type *check_str_index(Checker *c, Node *e, Type *st);
static Type *check_struct_field(Checker *c, Node *e, Type *st);

/* The kernel's BTF, loaded on first use (--btf FILE or the running kernel's). */
KBtf *need_btf(Checker *c, Node *at)
{
	const char *err;
	if (c->prog->btf)
		return c->prog->btf;
	c->prog->btf = kbtf_load(pyc_btf_path, &err);
	if (!c->prog->btf)
		error_at(node_loc(at), "this needs the kernel's types, but %s", err);
	c->prog->kemit = kemit_new(c->prog->btf);
	ty_btf = c->prog->btf;
	return c->prog->btf;
}

Type *ty_kernel(TypeKind kind, int id)
{
	Type *t = xcalloc(1, sizeof(*t));
	t->kind = kind;
	t->btf_id = id;
	return t;
}

/* The pybpf type of a value of kernel type id (a field, an argument). NULL
 * when pybpf cannot use it; *why says what it is. */
Type *kernel_value_type(KBtf *k, int id, const char **why)
{
	KInfo in, tg;
	kbtf_info(k, id, &in);
	switch (in.kind) {
	case KK_INT: case KK_BOOL: case KK_CHAR: case KK_ENUM:
		if (in.size > 8)
			break;
		return in.kind == KK_BOOL ? ty_bool : ty_int;
	case KK_PTR:
		kbtf_info(k, in.target, &tg);
		if (tg.kind == KK_STRUCT || tg.kind == KK_UNION)
			return ty_kernel(TY_KPTR, tg.id);
		return ty_ptr;
	case KK_STRUCT: case KK_UNION:
		return ty_kernel(TY_KVAL, in.id);
	case KK_ARRAY:
		kbtf_info(k, in.target, &tg);
		if (tg.kind == KK_CHAR)
			return ty_str(in.nelems);
		break;
	default:
		break;
	}
	*why = kbtf_type_name(k, id);
	return NULL;
}

/* x.field on a kernel struct (through a pointer or embedded) */
/* p.field of a user pointer p: a typed one (check_uptr.c) becomes a
 * pointer to the kernel's copy of its UAPI struct, read from user memory. */
static Type *check_user_ptr(Checker *c, Node *e, Type *t)
{
	int id;
	if (!t->sname)
		error_at(node_loc(e), "this pointer's type is unknown, so it has no field '%s'; "
			 "name its struct with user_read(p, T)", e->name);
	id = kbtf_find_struct(need_btf(c, e), t->sname);
	if (id < 0)
		error_at(node_loc(e), "the kernel's types have no struct %s", t->sname);
	kemit_use_type(c->prog->kemit, id);
	t = ty_kernel(TY_KPTR, id);
	t->user = true;
	e->lhs->type = t;
	return t;
}

/* user_read(p, T): p (an address in user memory) as a pointer to struct T
 * (a name of the kernel's UAPI types: timespec, sockaddr_in, ...), whose
 * fields are then read with bpf_probe_read_user; user_read(p) keeps p's
 * own type (a typed tracepoint field). Casts between socket address
 * families are user_read(args.uservaddr, sockaddr_in). */
Type *check_user_read(Checker *c, Node *e)
{
	Node *p, *tn;
	Type *pt, *t;
	int id;
	if (e->elts.len < 1 || e->elts.len > 2 || e->vals.len)
		error_at(node_loc(e), "user_read() takes a pointer and a struct name: user_read(p, timespec)");
	p = VEC_AT(e->elts, 0);
	pt = check_expr(c, p);
	if (pt->kind != TY_PTR && !(pt->kind == TY_KPTR && pt->user))
		error_at(node_loc(p), "user_read() reads user memory through a ptr, not %s", ty_name(pt));
	if (e->elts.len == 1) {
		if (pt->kind == TY_PTR && !pt->sname)
			error_at(node_loc(e), "this pointer's type is unknown; name its struct: user_read(p, T)");
		tn = NULL;
	} else {
		tn = VEC_AT(e->elts, 1);
		if (tn->kind != ND_NAME)
			error_at(node_loc(tn), "user_read()'s second argument is a struct name, e.g. timespec");
	}
	id = kbtf_find_struct(need_btf(c, e), tn ? uptr_struct_alias(tn->name) : pt->kind == TY_PTR ? pt->sname : kbtf_type_name(c->prog->btf, pt->btf_id));
	if (id < 0 && tn)
		error_at(node_loc(tn), "the kernel's types have no struct %s", tn->name);
	if (id < 0)
		id = pt->btf_id;
	kemit_use_type(c->prog->kemit, id);
	t = ty_kernel(TY_KPTR, id);
	t->user = true;
	e->op = 't';
	return t;
}

/* ts = user_read(p) / user_read(p, T): the local ts holds a copy of the
 * whole struct, read with one bpf_probe_read_user at the assignment
 * (FaultError there) into the stack; ts.tv_sec and ts.tv_nsec then read
 * the copy. Structs above UPTR_MAX_COPY bytes are refused (the BPF stack
 * has 512 bytes in all). vt unchanged for any other value. */
static Type *check_user_copy(Checker *c, Node *value, Type *vt)
{
	KInfo in;
	Type *t;
	if (value->kind != ND_CALL || value->op != 't' || vt->kind != TY_KPTR || !vt->user)
		return vt;   /* not user_read() (tcp_sk(sk) is a cast too) */
	kbtf_info(c->prog->btf, vt->btf_id, &in);
	if (in.size > UPTR_MAX_COPY) {
		Loc l = node_loc(value);
		error_at(l, "%s is %d bytes, too large to copy onto the BPF stack (512 bytes in all; pybpf copies at most %d): "
			 "read each field you need without a variable, %.*s.field", kbtf_type_name(c->prog->btf, vt->btf_id), in.size,
			 UPTR_MAX_COPY, l.len, l.p);
	}
	t = ty_kernel(TY_KVAL, vt->btf_id);
	t->user = t->copy = true;
	if (!value->raise)
		value->raise = new_raise(c, value, "FaultError");
	return t;
}

/* print(a6.sin6_addr): an embedded struct in_addr / in6_addr is the
 * bytes[4] / bytes[16] value of its address (uptr_addr_size), read from
 * where the struct is (FaultError) or from a copy (nothing can fail). */
Type *check_addr_value(Checker *c, Node *a, Type *t)
{
	int n = t->kind == TY_KVAL && a->kind == ND_ATTR ? uptr_addr_size(c->prog->btf, t) : 0;
	if (!n)
		return t;   /* print() cannot show it (a copy of a whole in_addr: its fields) */
	uptr_addr_use(c->prog->btf, c->prog->kemit, t);
	if (!t->copy)
		a->raise = new_raise(c, a, "FaultError");
	a->type = ty_bytes(n);
	return a->type;
}

/* p[i] of a typed user pointer (args.vec[i].iov_len of readv): the i-th
 * struct at p, as C's p[i]. The array's length is the syscall's (vlen),
 * which pybpf cannot know: i must lie in 0 .. UPTR_MAX_INDEX-1, IndexError
 * otherwise, and the program bounds it by the count it has. NULL when e is
 * not such a subscript. */
#define UPTR_MAX_INDEX 1024
static Type *check_user_index(Checker *c, Node *e)
{
	Type *t;
	Sym *y;
	/* only args.field[i]: checking anything else here would check it twice */
	if (e->lhs->kind != ND_ATTR || e->lhs->lhs->kind != ND_NAME || !c->scope)
		return NULL;
	y = scope_find(c->scope, e->lhs->lhs->name);
	if (!y || y->kind != SYM_LOCAL || check_expr(c, e->lhs->lhs)->kind != TY_CTX)
		return NULL;
	t = check_expr(c, e->lhs);
	if (!((t->kind == TY_PTR && t->sname) || (t->kind == TY_KPTR && t->user)))
		return NULL;
	if (e->rhs->kind == ND_SLICE)
		error_at(node_loc(e->rhs), "a user pointer cannot be sliced; index it: p[i]");
	need_int(c, e->rhs, "an index");
	if (t->kind == TY_PTR) {
		int id = kbtf_find_struct(need_btf(c, e), t->sname);
		if (id < 0)
			error_at(node_loc(e), "the kernel's types have no struct %s", t->sname);
		kemit_use_type(c->prog->kemit, id);
		t = ty_kernel(TY_KPTR, id);
		t->user = true;
	}
	e->lhs->type = t;
	e->raise = new_raise(c, e, "IndexError");
	e->op = 'P';
	e->cval = UPTR_MAX_INDEX;
	return t;
}

static Type *check_kernel_field(Checker *c, Node *e, Type *base)
{
	KBtf *k = need_btf(c, e);
	KField *kf = xcalloc(1, sizeof(*kf));
	const char *why = NULL;
	Type *t;
	if (kbtf_member(k, base->btf_id, e->name, kf) < 0) {
		const char *near = kbtf_nearest_members(k, base->btf_id, e->name, 3);
		Loc l = e->tok->loc;
		/* point at the field name, after the dot */
		if (e->loc.file) {
			l = e->loc;
			l.col += l.len - (int)strlen(e->name);
			l.p += l.len - (int)strlen(e->name);
			l.len = strlen(e->name);
		}
		error_at(l, "%s has no field '%s'%s%s", kbtf_type_name(k, base->btf_id), e->name,
			 near[0] ? "; did you mean " : "", near[0] ? xasprintf("%s?", near) : "");
	}
	t = kernel_value_type(k, kf->type, &why);
	if (!t)
		error_at(node_loc(e), "field '%s' of %s has type %s, which pybpf cannot read yet", e->name,
			 kbtf_type_name(k, base->btf_id), why);
	if (kf->bit_size && t->kind != TY_INT && t->kind != TY_BOOL)
		ICE("bitfield of type %s", ty_name(t));
	e->kf = kf;
	e->kstruct = base->btf_id;
	kemit_use_member(c->prog->kemit, base->btf_id, kf);
	if (t->kind == TY_KPTR || t->kind == TY_KVAL)
		kemit_use_type(c->prog->kemit, t->btf_id);
	if (t->kind != TY_KVAL && !base->copy && !base->pkt)   /* a field of a stack copy (a checked header) is there to read */
		e->raise = new_raise(c, e, "FaultError");
	if (t->kind == TY_INT) {
		KInfo in;
		kbtf_info(k, kf->type, &in);
		if (in.size == 8 && !in.is_signed) {
			RaiseSite *ovf = new_raise(c, e, "OverflowError");   /* a u64 above 2**63-1 is not an int here */
			if (base->copy || base->pkt)
				e->raise = ovf;   /* a field of a copy raises nothing else */
		}
	}
	return t;
}

/* rec.field of a Struct value; e->cval is the field's index */
static Type *check_struct_field(Checker *c, Node *e, Type *st)
{
	for (int i = 0; i < st->fnames.len; i++)
		if (!strcmp(VEC_AT(st->fnames, i), e->name)) {
			Type *ft = VEC_AT(st->elems, i);
			lock_field_named(e, st, i);   /* check_lock.c */
			e->cval = i;
			if (ft->kind == TY_FIXED && ft->size == 8 && !ft->is_signed)
				e->raise = new_raise(c, e, "OverflowError");
			return ft->kind == TY_FIXED ? ty_int : ft;
		}
	Suggest sg = {.target = e->name};
	for (int i = 0; i < st->fnames.len; i++)
		suggest_try(&sg, VEC_AT(st->fnames, i));
	error_at(node_loc(e), "'%s' object has no attribute '%s'%s%s%s", st->sname, e->name, sg.best ? "; did you mean '" : "",
		 sg.best ? sg.best : "", sg.best ? "'?" : "");
}

/* args.field of a tracepoint: typed from the tracepoint's format in tracefs */
static Type *check_tp_field(Checker *c, Node *e)
{
	Probe *p = c->probe;
	const char *err;
	TpField *f = NULL;
	if (!p || strcmp(p->kind, "tracepoint"))
		ICE("args outside a tracepoint");
	if (p->wildcard)
		error_at(node_loc(e), "'%s' matches many tracepoints with different fields, so args.%s has no single type; "
			 "write one probe per tracepoint to read its fields", p->target, e->name);
	if (!p->fields && tpformat_load(pyc_tracefs, p->target, &p->fields, &p->nfields, &err) < 0)
		error_at(node_loc(e), "cannot type '%s': %s", e->name, err);
	for (int i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].name, e->name))
			f = &p->fields[i];
	if (!f) {
		Suggest sg = {.target = e->name};
		Str all = {0};
		for (int i = 0; i < p->nfields; i++)
			if (!p->fields[i].common) {
				suggest_try(&sg, p->fields[i].name);
				str_printf(&all, "%s%s", all.len ? ", " : "", p->fields[i].name);
			}
		if (sg.best)
			error_at(node_loc(e), "tracepoint %s has no field '%s'; did you mean '%s'?", p->target, e->name, sg.best);
		error_at(node_loc(e), "tracepoint %s has no field '%s' (its fields: %s)", p->target, e->name, all.buf ? all.buf : "none");
	}
	e->kf = (struct KField *)f;   /* the emitter reads it back as a TpField */
	if (f->data_loc)
		error_at(node_loc(e), "'%s' is a variable-length (__data_loc) field, which pybpf cannot read yet", e->name);
	if (f->is_ptr)
		return uptr_tp_field_type(f->ctype);
	if (f->array_len) {
		if (strncmp(f->ctype, "char", 4))
			error_at(node_loc(e), "'%s' is an array (%s), which pybpf cannot read yet", e->name, f->ctype);
		return ty_str(f->array_len);
	}
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		error_at(node_loc(e), "'%s' has a size (%d bytes) pybpf cannot read", e->name, f->size);
	return ty_int;
}

static const char *expr_what(Node *e)
{
	switch (e->kind) {
	case ND_LAMBDA: return "lambda expressions are not supported in pybpf (BPF has no closures); define a function with def";
	case ND_LISTCOMP:
	case ND_SETCOMP:
	case ND_DICTCOMP:
	case ND_GENEXP: return "comprehensions are not supported in pybpf (they would need a heap); use a loop and a map";
	case ND_LIST:
	case ND_DICT:
	case ND_SET: return "list, dict and set displays are not supported in pybpf (BPF has no heap); declare a map at module level";
	case ND_TUPLE: return "tuples are not supported here yet";
	case ND_YIELD: return "generators are not supported in pybpf";
	case ND_AWAIT: return "'await' is not supported in pybpf";
	case ND_NAMEDEXPR: return "assignment expressions (:=) are not supported in pybpf; assign on a separate line";
	case ND_STARRED: return "starred expressions are not supported here";
	case ND_SLICE: return "slices are not supported here";
	case ND_FSTR: return "f-strings are only supported as arguments of print()";
	case ND_ELLIPSIS: return "'...' is not supported here";
	default: return "this expression is not supported in pybpf";
	}
}

Type *need_int(Checker *c, Node *e, const char *what)
{
	Type *t = check_expr(c, e);
	if (!is_intlike(t))
		error_at(node_loc(e), "%s must be an int, not %s", what, ty_name(t));
	return t;
}

static void mark_assigned(Checker *c, Sym *y)
{
	if (y->kind == SYM_LOCAL)
		c->assigned[y->index] = 1;
	packet_local_assigned(c, y);   /* check_packet.c */
}

/* A use of x, the kernel reference of a with block: after the block it is
 * released; inside, it may be None until a test says it is not. */
static void check_ref_use(Checker *c, Node *e, Sym *y)
{
	bool rb = !strncmp(y->data, "bpf.ringbuf", 11);   /* a ring buffer reservation (check_dynptr.c) */
	const char *why = y->ref == SYM_REF_MAYBE_NONE ? sock_local_none(y) : rb ? "the ring buffer may be full" :
			  xasprintf("%s() may find nothing", (const char *)y->data);
	if (y->ref == 2)
		error_at(node_loc(e), "'%s' was %s at the end of its with block; use it inside the block", e->name,
			 rb ? "submitted (or discarded)" : strstr(y->data, "spin_lock") ? "unlocked" : "released");
	for (int i = 0; i < c->narrowed.len; i++)
		if (VEC_AT(c->narrowed, i) == y)
			return;
	error_at(node_loc(e), "'%s' may be None here (%s): test 'if %s is not None:' first", e->name, why, e->name);
}

static Type *check_name(Checker *c, Node *e)
{
	Sym *y = c->scope ? scope_find(c->scope, e->name) : scope_find(&c->module, e->name);
	if (!y)
		y = timer_clock_const(c, e);   /* CLOCK_MONOTONIC ... (check_timer.c) */
	if (!y)
		y = perf_const(c, e);          /* BPF_F_CURRENT_CPU (check_perf.c) */
	if (!y)
		y = packet_const(c, e);        /* XDP_PASS, TC_ACT_OK, ... (check_packet.c) */
	if (!y) {
		if (in_list(builtin_funcs, e->name) && is_imported(c, e->name))
			error_at(node_loc(e), "'%s' is a function: call it as %s()", e->name, e->name);
		unknown_name(c, e);
	}
	e->sym = y;
	packet_local_used(c, e, y);   /* a header taken before the packet moved (check_packet.c) */
	if (y->kind == SYM_LOCAL && !c->assigned[y->index]) {
		error_begin(node_loc(e), "local variable '%s' may be used before it is assigned (CPython would raise UnboundLocalError)", e->name);
		note_at(node_loc(y->decl), "'%s' is assigned here", e->name);
		diag_exit();
	}
	if (y->kind == SYM_MAP)
		error_at(node_loc(e), "map '%s' cannot be used as a value; index it: %s[key]", e->name, e->name);
	if (y->kind == SYM_CONST && ((ConstDecl *)y->data)->nitems)
		error_at(node_loc(e), "Final tuple '%s' cannot be used as a value in pybpf; index it (%s[i]), take len(%s) "
			 "or test 'x in %s'", e->name, e->name, e->name, e->name);
	if (y->kind == SYM_EXC)
		error_at(node_loc(e), "exception class '%s' can only be raised or caught in pybpf", e->name);
	if (y->kind == SYM_FUNC)
		error_at(node_loc(e), "'%s' is a function: call it; pybpf has no function values", e->name);
	if (y->kind == SYM_PROBE)
		error_at(node_loc(e), "'%s' is a probe: the kernel runs it; it is not a value", e->name);
	if (y->kind == SYM_TYPE || !y->type)
		error_at(node_loc(e), "'%s' is a type, not a value", e->name);
	if (y->kind == SYM_LOCAL && y->type->kind == TY_OPT) {
		for (int i = 0; i < c->narrowed.len; i++)
			if (VEC_AT(c->narrowed, i) == y)
				return ty_int;
		error_at(node_loc(e), "'%s' may be None here (the key may be missing): test 'if %s is not None:' first, "
			 "or use .get(key, default)", e->name, e->name);
	}
	if (y->kind == SYM_LOCAL && y->ref)
		check_ref_use(c, e, y);
	if (y->kind == SYM_LOCAL && y->type->kind == TY_DYNPTR && e->op != 'd')
		error_at(node_loc(e), "'%s' is a Dynptr: it is not a value; pass it to bpf.dynptr_read() or bpf.dynptr_write()%s",
			 e->name, y->ref ? ", or test 'is not None'" : "");
	if (y->kind == SYM_LOCAL && y->type->kind == TY_FILE)
		error_at(node_loc(e), "a file can only be read, as %s.read(n), inside its with block: the block releases it%s",
			 e->name, y->data ? ", and it has ended" : "");

	if (y->kind == SYM_GLOBAL && ((GlobalDecl *)y->data)->type->size == 8 && !((GlobalDecl *)y->data)->type->is_signed)
		e->raise = new_raise(c, e, "OverflowError");   /* a u64 above 2**63-1 is not an int here */
	return y->type;
}

/* user_str(p, N), kernel_str(p, N), user_bytes(p, N), kernel_bytes(p, N):
 * a pointer and a constant size; FaultError when the memory is unreadable. */
int check_mem_read(Checker *c, Node *e, const char *name, const char *what, const char *size)
{
	int64_t n;
	Type *pt;
	if (e->elts.len != 2 || e->vals.len)
		error_at(node_loc(e), "%s() takes a pointer and a %s: %s(p, %d)", name, size, name, what[0] == 'b' ? 16 : 64);
	pt = check_expr(c, VEC_AT(e->elts, 0));
	if (pt->kind != TY_PTR && pt->kind != TY_KPTR)
		error_at(node_loc(VEC_AT(e->elts, 0)), "%s() reads %s from a pointer, not from %s", name, what, ty_name(pt));
	if (!const_int(c, VEC_AT(e->elts, 1), &n) || n < 1 || n > 4096)
		error_at(node_loc(VEC_AT(e->elts, 1)), "the %s of %s() must be a constant from 1 to 4096", size, name);
	e->raise = new_raise(c, e, "FaultError");
	return (int)n;
}

static Sym *opt_test(Checker *c, Node *test, bool *is_not);

/* The Optional locals that are not None when test is true (when_true) or
 * false: `x is not None`, and the parts of an `and` (or of an `or`, when false). */
static void narrowings(Checker *c, Node *test, bool when_true, Vec *out)
{
	bool is_not;
	Sym *y = opt_test(c, test, &is_not);
	if (y) {
		if (is_not == when_true)
			vec_push(out, y);
		return;
	}
	if (test->kind == ND_BOOLOP && (test->op == TK_AND) == when_true)
		for (int i = 0; i < test->elts.len; i++)
			narrowings(c, VEC_AT(test->elts, i), when_true, out);
	if (test->kind == ND_UNARY && test->op == TK_NOT)
		narrowings(c, test->lhs, !when_true, out);
}

/* Is test `x is None` (*is_not false) or `x is not None` (true) for an
 * Optional local x? Its symbol, or NULL. */
static Sym *opt_test(Checker *c, Node *test, bool *is_not)
{
	Node *l, *r;
	Sym *y;
	if (test->kind != ND_COMPARE || test->elts.len != 1 ||
	    (test->cmpops[0] != CMP_IS && test->cmpops[0] != CMP_IS_NOT))
		return NULL;
	l = test->lhs;
	r = VEC_AT(test->elts, 0);
	y = l->kind == ND_NAME && c->scope ? scope_find(c->scope, l->name) : NULL;
	if (r->kind != ND_NONE || !y || y->kind != SYM_LOCAL || (y->type->kind != TY_OPT && !SYM_MAYBE_NONE(y)))
		return NULL;
	*is_not = test->cmpops[0] == CMP_IS_NOT;
	return y;
}

static Type *check_binop(Checker *c, Node *e)
{
	Type *l = check_expr(c, e->lhs), *r = check_expr(c, e->rhs);
	if (e->op == TK_SLASH)
		error_at(node_loc(e), "true division '/' gives a float, and pybpf has no floating point; use '//' for floor division");
	if (e->op == TK_AT)
		error_at(node_loc(e), "the '@' operator is not supported in pybpf");
	if (!is_intlike(l) || !is_intlike(r)) {
		if (e->op == TK_PLUS && l->kind == TY_STR && r->kind == TY_STR)
			error_at(node_loc(e), "string concatenation is not supported in pybpf (strings have a fixed capacity); use an f-string in print()");
		error_at(node_loc(e), "unsupported operand types for %s: %s and %s", tok_names[e->op], ty_name(l), ty_name(r));
	}
	switch (e->op) {
	case TK_PLUS: case TK_MINUS: case TK_STAR:
		e->raise = new_raise(c, e, "OverflowError");
		break;
	case TK_DSLASH: case TK_PERCENT:
		e->raise = new_raise(c, e, "ZeroDivisionError");
		new_raise(c, e, "OverflowError");   /* id + 1 */
		break;
	case TK_LSHIFT:
		e->raise = new_raise(c, e, "ValueError");  /* negative shift count */
		new_raise(c, e, "OverflowError");
		break;
	case TK_RSHIFT:
		e->raise = new_raise(c, e, "ValueError");
		break;
	case TK_DSTAR: {
		int64_t ex;
		if (!const_int(c, e->rhs, &ex) || ex < 0 || ex > 64)
			error_at(node_loc(e->rhs), "the exponent of '**' must be a constant integer between 0 and 64 (BPF has no loops to compute it otherwise)");
		e->cval = ex;
		e->raise = new_raise(c, e, "OverflowError");
		break;
	}
	case TK_AMP: case TK_PIPE: case TK_CARET:
		break;
	default:
		ICE("binop %d", e->op);
	}
	return ty_int;
}

static Type *check_compare(Checker *c, Node *e)
{
	if (e->elts.len == 1 && (e->cmpops[0] == CMP_IN || e->cmpops[0] == CMP_NOT_IN)) {
		/* key in map: checked like map[key] */
		Node *rn = VEC_AT(e->elts, 0), sub = {0};
		Sym *y = rn->kind == ND_NAME && c->scope ? scope_find(c->scope, rn->name) : NULL;
		ConstDecl *k = final_tuple(c, rn);
		if (k) {
			/* x in T of a Final tuple: compared with each item */
			Type *lt = check_expr(c, e->lhs);
			if (k->type->kind == TY_STR ? lt->kind != TY_STR : !is_intlike(lt))
				error_at(node_loc(e->lhs), "'%s' holds %s: 'in' needs %s on its left, not %s", k->name,
					 k->type->kind == TY_STR ? "strs" : "ints", k->type->kind == TY_STR ? "a str" : "an int",
					 ty_name(lt));
			e->op = 'F';
			return ty_bool;
		}
		if (!y || y->kind != SYM_MAP)
			error_at(node_loc(rn), "'in' is supported on maps only (the right operand must be a map name)");
		if (((MapDecl *)y->data)->type->map_kind == MAP_BLOOM) {
			/* x in bloom: "maybe" (a false positive is possible) or "certainly not" */
			MapDecl *m = y->data;
			need_nonsleepable(c, rn, m);
			rn->sym = y;
			rn->type = m->type;
			check_store(c, e->lhs, check_expr(c, e->lhs), m->type->val, xasprintf("a value of '%s'", m->name));
			e->op = 'B';
			return ty_bool;
		}
		sub.kind = ND_SUBSCRIPT;
		sub.tok = e->tok;
		sub.loc = e->loc;
		sub.lhs = rn;
		sub.rhs = e->lhs;
		check_key_only(c, &sub, y->data);   /* `k in timers` of a Hash of timers (check_timer.c) */
		return ty_bool;
	}
	if (e->elts.len == 1 && (e->cmpops[0] == CMP_IS || e->cmpops[0] == CMP_IS_NOT)) {
		/* x is None / x is not None, for an Optional local */
		Node *l = e->lhs, *r = VEC_AT(e->elts, 0);
		Sym *y = l->kind == ND_NAME && c->scope ? scope_find(c->scope, l->name) : NULL;
		if (r->kind == ND_NONE && y && y->kind == SYM_LOCAL && (y->type->kind == TY_OPT || SYM_MAYBE_NONE(y))) {
			l->sym = y;
			l->type = y->type;
			e->op = 'n';
			return ty_bool;
		}
		if (r->kind == ND_NONE)
			error_at(node_loc(e), "only a value from map.get(key) can be None in pybpf");
	}
	Type *prev = check_expr(c, e->lhs);
	Node *prevn = e->lhs;
	for (int i = 0; i < e->elts.len; i++) {
		Node *rn = VEC_AT(e->elts, i);
		CmpOp op = e->cmpops[i];
		Type *r;
		if (op == CMP_IN || op == CMP_NOT_IN) {
			Sym *y = rn->kind == ND_NAME && c->scope ? scope_find(c->scope, rn->name) : NULL;
			if (!y || y->kind != SYM_MAP)
				error_at(node_loc(rn), "'in' is supported on maps only (the right operand must be a map name)");
			if (e->elts.len != 1)
				error_at(node_loc(e), "'in' cannot be chained with other comparisons in pybpf; split it with 'and'");
			rn->sym = y;
			rn->type = y->type;
			check_store(c, e->lhs, prev, ((MapDecl *)y->data)->type->key,
				    xasprintf("the key of '%s'", y->name));
			return ty_bool;
		}
		r = check_expr(c, rn);
		if (op == CMP_IS || op == CMP_IS_NOT)
			error_at(node_loc(e), "'is' compares object identity, which pybpf values do not have; use '==' or '!='");
		if (is_intlike(prev) && is_intlike(r))
			;
		else if (prev->kind == TY_BYTES && r->kind == TY_BYTES) {
			if (op != CMP_EQ && op != CMP_NE)
				error_at(node_loc(e), "bytes can only be compared with == and != in pybpf");
		} else if ((prev->kind == TY_BYTES && r->kind == TY_STR) || (prev->kind == TY_STR && r->kind == TY_BYTES)) {
			error_at(node_loc(e), "bytes and str are never equal in Python; compare bytes with a bytes literal (b\"...\")");
		} else if (prev->kind == TY_STR && r->kind == TY_STR) {
			if (op != CMP_EQ && op != CMP_NE)
				error_at(node_loc(e), "strings can only be compared with == and != in pybpf");
		} else {
			error_at(node_loc(e), "cannot compare %s (%s) with %s (%s)", ty_name(prev),
				 prevn->kind == ND_NAME ? prevn->name : "left operand", ty_name(r),
				 rn->kind == ND_NAME ? rn->name : "right operand");
		}
		prev = r;
		prevn = rn;
	}
	return ty_bool;
}

Type *check_expr(Checker *c, Node *e)
{
	Type *t;
	switch (e->kind) {
	case ND_INT: {
		int64_t v;
		const_int(c, e, &v);
		t = ty_int;
		break;
	}
	case ND_TRUE: case ND_FALSE:
		t = ty_bool;
		break;
	case ND_NONE:
		t = ty_none;
		break;
	case ND_STR:
		if (e->tok->is_bytes) {
			if (!e->tok->slen)
				error_at(node_loc(e), "an empty bytes literal has no bytes[N] type (N is at least 1)");
			t = ty_bytes(e->tok->slen);
			break;
		}
		if (memchr(e->tok->str, 0, e->tok->slen))
			error_at(node_loc(e), "strings with NUL characters are not supported in pybpf (strings are NUL-terminated)");
		t = ty_str(e->tok->slen + 1);
		break;
	case ND_NAME:
		t = check_name(c, e);
		break;
	case ND_BINOP:
		t = check_binop(c, e);
		break;
	case ND_UNARY:
		if (is_int64_min_literal(e)) {
			e->lhs->type = ty_int;
			t = ty_int;
			break;
		}
		t = check_expr(c, e->lhs);
		if (e->op == TK_NOT)
			return e->type = ty_bool;
		if (!is_intlike(t))
			error_at(node_loc(e), "bad operand type for unary %s: %s", tok_names[e->op], ty_name(t));
		if (e->op == TK_MINUS)
			e->raise = new_raise(c, e, "OverflowError");
		t = ty_int;
		break;
	case ND_BOOLOP: {
		Type *first = NULL;
		int pushed = 0;
		for (int i = 0; i < e->elts.len; i++) {
			Node *o = VEC_AT(e->elts, i);
			Type *ot = check_expr(c, o);
			bool is_not;
			Sym *ny = opt_test(c, o, &is_not);
			/* x is not None and x > 3; x is None or x > 3: x is an int on the right */
			if (ny && is_not == (e->op == TK_AND)) {
				vec_push(&c->narrowed, ny);
				pushed++;
			}
			if (ot->kind == TY_STR || ot->kind == TY_NONE || ot->kind == TY_BYTES || ot->kind == TY_STRUCT)
				error_at(node_loc(o), "'%s' on %s values is not supported in pybpf; compare explicitly",
					 e->op == TK_AND ? "and" : "or", ty_name(ot));
			if (ot->kind == TY_FIXED)
				ot = ty_int;
			if (first && !ty_equal(first, ot))
				error_at(node_loc(o), "the operands of '%s' have different types (%s and %s); Python would return either one, pybpf needs one type",
					 e->op == TK_AND ? "and" : "or", ty_name(first), ty_name(ot));
			first = ot;
		}
		c->narrowed.len -= pushed;
		t = first;
		break;
	}
	case ND_COMPARE:
		t = check_compare(c, e);
		break;
	case ND_IFEXP: {
		need_int(c, e->test, "the condition");
		Type *a = check_expr(c, e->lhs), *b = check_expr(c, e->rhs);
		if (a->kind == TY_FIXED)
			a = ty_int;
		if (b->kind == TY_FIXED)
			b = ty_int;
		if (a->kind == TY_STR && b->kind == TY_STR) {
			t = ty_str(a->size > b->size ? a->size : b->size);
			break;
		}
		if (a->kind == TY_BYTES && b->kind == TY_BYTES) {
			/* a bytes[N] value has one length: Python's result may have either */
			if (a->size != b->size)
				error_at(node_loc(e), "the branches of this conditional expression are %s and %s: a bytes value "
					 "here has one length, known when compiling (make both the same length)", ty_name(a),
					 ty_name(b));
			t = a;
			break;
		}
		if (!ty_equal(a, b) || (a->kind != TY_INT && a->kind != TY_BOOL))
			error_at(node_loc(e), "both branches of a conditional expression must be int, bool, str or bytes, and the "
				 "same, not %s and %s", ty_name(a), ty_name(b));
		t = a;
		break;
	}
	case ND_CALL:
		t = check_call(c, e, false);
		break;
	case ND_ATTR:
		t = check_expr(c, e->lhs);
		if (t->kind == TY_CTX) {
			t = c->probe && packet_kind(c->probe->kind) ? packet_ctx_field(c, e) : check_tp_field(c, e);
			break;
		}
		if (t->kind == TY_PTR)
			t = check_user_ptr(c, e, t);
		if (t->kind == TY_KPTR || t->kind == TY_KVAL) {
			bool user = t->user, copy = t->copy, pkt = t->pkt;
			sock_none_refused(e->lhs, t);   /* bpf.skc_to_tcp_sock(sk).x: test it first (check_sock.c) */
			t = check_kernel_field(c, e, t);
			if (user && (t->kind == TY_KPTR || t->kind == TY_KVAL))
				t->user = true;   /* a.b.c of a user struct stays in user memory */
			if (copy && t->kind == TY_KVAL)
				t->copy = true;   /* ts.a.b of a copy is in the copy */
			if (pkt && t->kind == TY_KVAL && uptr_addr_size(c->prog->btf, t)) {
				/* ip6.saddr: an in6_addr is its bytes[16] */
				uptr_addr_use(c->prog->btf, c->prog->kemit, t);
				t = ty_bytes(uptr_addr_size(c->prog->btf, t));
			}
			if (pkt && t->kind == TY_STR)   /* eth.h_dest: unsigned char[6], bytes in the packet */
				t = ty_bytes(t->size);
			if (pkt && (t->kind == TY_KVAL || t->kind == TY_BYTES))
				t->pkt = true;    /* in the packet, read in place */
			break;
		}
		if (t->kind == TY_STRUCT) {
			t = check_struct_field(c, e, t);
			break;
		}
		error_at(node_loc(e), "%s has no attribute '%s'", ty_name(t), e->name);
	case ND_SUBSCRIPT: {
		Sym *y = e->lhs->kind == ND_NAME && c->scope ? scope_find(c->scope, e->lhs->name) : NULL;
		ConstDecl *k = final_tuple(c, e->lhs);
		if ((t = check_user_index(c, e)))
			break;
		if (k) {
			/* T[i] of a Final tuple: IndexError outside -N..N-1, as in Python */
			if (e->rhs->kind == ND_SLICE)
				error_at(node_loc(e->rhs), "slices of a Final tuple are not supported in pybpf; index it: %s[i]", k->name);
			need_int(c, e->rhs, "a tuple index");
			e->raise = new_raise(c, e, "IndexError");
			e->op = 'T';
			t = k->type;
			break;
		}
		if (y && y->kind == SYM_MAP) {
			MapDecl *m = y->data;
			/* a Hash is a collections.defaultdict: reading a missing
			 * key inserts the zero value and returns it */
			if (m->type->val->kind == TY_AGG)
				error_at(node_loc(e), "'%s' holds %s aggregations: the loader shows them; a probe can only add to them "
					 "(%s[key].add(...))", m->name, ty_name(m->type->val), m->name);
			if (m->unkeyed)
				error_at(node_loc(e), "'%s' has no key", m->name);
			if (m->type->val->kind == TY_TUPLE)
				error_at(node_loc(e), "'%s' holds tuples: unpack an item into names, as in a, b = %s[key]", m->name, m->name);
			check_map_key(c, e, m);
			if (m->type->map_kind != MAP_LPM && m->type->map_kind != MAP_ARRAY && m->type->map_kind != MAP_PERCPU_ARRAY)
				no_write_while_iterating(c, e, m, "reading an item of");
			/* an LPMTrie is not a defaultdict: the longest matching prefix, or KeyError;
			 * nor is a TaskStorage (a read does not give the task an item) */
			e->raise = new_raise(c, e, m->type->map_kind == MAP_LPM || MAP_IS_STORAGE(m->type->map_kind) ?
					     "KeyError" : "MapFullError");
			new_raise(c, e, "OverflowError");   /* a u64 above 2**63-1 is not an int here */
			t = ty_int;
			break;
		}
		if (y && y->kind == SYM_LOCAL && y->type->kind == TY_STRUCT) {
			t = check_expr(c, e->lhs);
			error_at(node_loc(e), "%s cannot be indexed; read its fields with '.'", ty_name(t));
		}
		t = check_expr(c, e->lhs);
		if (t->kind == TY_STR) {
			t = check_str_index(c, e, t);
			break;
		}
		if (t->kind == TY_PACKET) {
			t = check_packet_slice(c, e);   /* check_packet.c */
			break;
		}
		if (t->kind == TY_BYTES) {
			/* b[i]: an int 0..255, as in Python; IndexError outside -N..N-1 */
			if (e->rhs->kind == ND_SLICE)
				error_at(node_loc(e->rhs), "slices of bytes are not supported in pybpf yet");
			need_int(c, e->rhs, "a bytes index");
			e->raise = new_raise(c, e, "IndexError");
			e->op = 'y';
			t = ty_int;
			break;
		}
		error_at(node_loc(e), "%s cannot be indexed", ty_name(t));
	}
	default:
		error_at(node_loc(e), "%s", expr_what(e));
	}
	return e->type = t;
}

/* s[i] (a str of one character; IndexError) and s[a:b] with constant bounds */
static Type *check_str_index(Checker *c, Node *e, Type *st)
{
	Node *ix = e->rhs;
	if (ix->kind == ND_SLICE) {
		int64_t v;
		if (ix->third && (!const_int(c, ix->third, &v) || v != 1))
			error_at(node_loc(ix->third), "string slices with a step are not supported in pybpf");
		if (ix->lhs)
			need_int(c, ix->lhs, "a slice bound");
		if (ix->rhs)
			need_int(c, ix->rhs, "a slice bound");
		e->op = ':';
		return ty_str(st->size);
	}
	need_int(c, ix, "a string index");
	e->raise = new_raise(c, e, "IndexError");
	e->op = 'i';
	return ty_str(2);
}

/* Is the value of e known to fit in t? (literals, and builtins whose range
 * is known, so the emitter can skip the run-time range check) */
static bool fits_statically(Checker *c, Node *e, Type *t, int64_t *lo_out, int64_t *hi_out)
{
	int64_t lo, hi, v;
	if (const_int(c, e, &v)) {
		lo = hi = v;
	} else if (e->kind == ND_CALL && e->lhs->kind == ND_NAME) {
		const char *n = e->lhs->name;
		if (!strcmp(n, "pid") || !strcmp(n, "tid") || !strcmp(n, "cpu") || !strcmp(n, "uid") || !strcmp(n, "gid"))
			lo = 0, hi = UINT32_MAX;
		else if (!strcmp(n, "ktime_ns") || !strcmp(n, "wallclock_ns"))
			lo = 0, hi = INT64_MAX;
		else
			return false;
	} else if (e->type && e->type->kind == TY_BOOL) {
		lo = 0, hi = 1;
	} else {
		return false;
	}
	if (lo_out)
		*lo_out = lo, *hi_out = hi;
	if (t->kind == TY_INT)
		return true;
	if (t->kind == TY_BOOL)
		return lo >= 0 && hi <= 1;
	if (t->is_signed) {
		int64_t max = t->size == 8 ? INT64_MAX : (INT64_C(1) << (t->size * 8 - 1)) - 1;
		return lo >= -max - 1 && hi <= max;
	}
	return lo >= 0 && (t->size == 8 || hi <= (int64_t)((UINT64_C(1) << (t->size * 8)) - 1));
}

/* A value of type `from` stored into `to` (a local, a map key or value). */
void check_store(Checker *c, Node *value, Type *from, Type *to, const char *what)
{
	int64_t lo, hi;
	if (to->kind == TY_STACK || from->kind == TY_STACK) {
		if (from->kind != to->kind || from->user != to->user)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		return;
	}
	if (to->kind == TY_STRUCT || from->kind == TY_STRUCT) {
		if (from != to)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		return;
	}
	if (to->kind == TY_PACKET || from->kind == TY_PACKET) {
		if (from->kind != to->kind)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		return;
	}
	if (to->kind == TY_KPTR || to->kind == TY_PTR || to->kind == TY_KVAL) {   /* TY_KVAL: a copy, check_user_copy */
		if (from->kind != to->kind || from->btf_id != to->btf_id || from->pkt != to->pkt)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		return;
	}
	if (to->kind == TY_BYTES || from->kind == TY_BYTES) {
		/* a bytes[N] holds exactly N bytes: no padding, no truncation */
		if (from->kind != to->kind)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		if (from->size != to->size)
			error_at(node_loc(value), "%s is %s, which holds exactly %d bytes; this value has %d", what, ty_name(to),
				 to->size, from->size);
		return;
	}
	if (to->kind == TY_STR) {
		if (from->kind != TY_STR)
			error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
		if (value->kind == ND_STR && from->size > to->size)
			error_at(node_loc(value), "string literal of %d bytes does not fit in %s (%s holds %d bytes including the NUL)",
				 from->size - 1, ty_name(to), what, to->size);
		if (from->size > to->size)
			value->store_raise = new_raise(c, value, "ValueError");
		return;
	}
	if (!is_intlike(from) || (to->kind == TY_BOOL && from->kind != TY_BOOL))
		error_at(node_loc(value), "cannot assign %s to %s (%s)", ty_name(from), what, ty_name(to));
	if (to->kind == TY_FIXED && !fits_statically(c, value, to, &lo, &hi)) {
		if (const_int(c, value, &lo))
			error_at(node_loc(value), "%lld does not fit in %s (%s)", (long long)lo, what, ty_name(to));
		value->store_raise = new_raise(c, value, "OverflowError");
	}
}

/* ---- statements ---------------------------------------------------------- */

static void check_block(Checker *c, Vec *body);

static Sym *new_local(Checker *c, Node *target, Type *t)
{
	Sym *y = scope_add(c->scope, SYM_LOCAL, target->name, target);
	y->type = t;
	y->cname = xasprintf("l_%s", target->name);
	y->index = c->locals.len;
	vec_push(&c->locals, y);
	if (c->locals.len > c->nassigned) {
		int n = c->nassigned ? c->nassigned * 2 : 16;
		c->assigned = xrealloc(c->assigned, n);
		memset(c->assigned + c->nassigned, 0, n - c->nassigned);
		c->nassigned = n;
	}
	return y;
}

/* A local the program cannot name (with bpf_local_irq_save()'s flags:
 * check_kfunc_mem.c), assigned from the start */
Sym *declare_hidden_local(Checker *c, Node *name, Type *t)
{
	Sym *y = new_local(c, name, t);
	c->assigned[y->index] = 1;
	return y;
}

/* A key (or an element of a tuple key) of map m, of type `to`: stored like
 * a value, with the reason that matters for a key when bytes do not fit
 * (as a bytes[N] variable, a bytes[N] key refuses another length: in Python
 * it could never equal one of the map's keys) or meet a str. */
static void check_key_store(Checker *c, Node *value, Type *from, Type *to, const char *what, MapDecl *m)
{
	if (to->kind == TY_BYTES && from->kind == TY_BYTES && from->size != to->size)
		error_at(node_loc(value), "%s is %s, which holds exactly %d bytes (as a %s variable does); this value has %d, "
			 "and bytes of another length never equal a key of '%s'", what, ty_name(to), to->size, ty_name(to),
			 from->size, m->name);
	if ((to->kind == TY_BYTES && from->kind == TY_STR) || (to->kind == TY_STR && from->kind == TY_BYTES))
		error_at(node_loc(value), "%s is %s, and %s is never equal to %s in Python; %s", what, ty_name(to),
			 from->kind == TY_STR ? "a str" : "bytes", from->kind == TY_STR ? "bytes" : "a str",
			 to->kind == TY_BYTES ? "write a bytes literal (b\"...\")" : "write a str literal (\"...\")");
	check_store(c, value, from, to, what);
}

/* The key of m[key] (node sub: ND_SUBSCRIPT, or any node whose rhs is the key). */
void check_map_key(Checker *c, Node *sub, MapDecl *m)
{
	Type *kt;
	Sym *y = scope_find(c->scope, m->name);
	sub->lhs->sym = y;
	sub->lhs->type = m->type;
	if (m->type->map_kind == MAP_LPM)
		need_nonsleepable(c, sub->lhs, m);
	if (m->unkeyed)
		error_at(node_loc(sub), "'%s' has no key", m->name);
	timer_map_refused(sub, m);   /* check_timer.c */
	lock_map_refused(sub, m);    /* check_lock.c */
	prog_array_refused(sub, m);  /* check_tailcall.c */
	perf_map_refused(sub, m);    /* check_perf.c */
	user_ringbuf_refused(sub, m);   /* check_userrb.c */
	if (m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY) {
		/* a list's index: -N <= i < N, else IndexError */
		need_int(c, sub->rhs, xasprintf("the index of '%s'", m->name));
		sub->rhs->store_raise = new_raise(c, sub->rhs, "IndexError");
		return;
	}
	if (m->type->map_kind == MAP_LPM) {
		/* t[addr] (all of its bits) or t[prefix, length] */
		Node *k = sub->rhs;
		if (k->kind == ND_TUPLE) {
			Node *len = VEC_AT(k->elts, 1);
			int64_t n;
			if (k->elts.len != 2)
				error_at(node_loc(k), "the key of '%s' is an address or (prefix, length): %s[addr] or %s[prefix, length]",
					 m->name, m->name, m->name);
			check_store(c, VEC_AT(k->elts, 0), check_expr(c, VEC_AT(k->elts, 0)), m->type->key,
				    xasprintf("the prefix of a key of '%s'", m->name));
			need_int(c, len, xasprintf("the prefix length of a key of '%s'", m->name));
			if (const_int(c, len, &n) && (n < 0 || n > m->type->key->size * 8))
				error_at(node_loc(len), "a prefix length of '%s' is 0 to %d (the bits of %s), not %lld", m->name,
					 m->type->key->size * 8, ty_name(m->type->key), (long long)n);
			len->store_raise = new_raise(c, len, "ValueError");
			return;
		}
		check_store(c, k, check_expr(c, k), m->type->key, xasprintf("the key of '%s'", m->name));
		return;
	}
	if (MAP_IS_STORAGE(m->type->map_kind)) {
		check_storage_key(c, sub, m);
		return;
	}
	if (m->type->map_kind >= MAP_QUEUE)
		error_at(node_loc(sub), "'%s' is a %s: it cannot be indexed; use %s", m->name, map_kind_names[m->type->map_kind],
			 m->type->map_kind == MAP_RINGBUF ? "output(...)" :
			 m->type->map_kind == MAP_SORTEDLIST ? "add(), first() and pop_first()" :
			 m->type->map_kind == MAP_BLOOM ? "add(x) and 'x in'" : "append() and pop()/popleft()");
	if (m->type->key->kind == TY_TUPLE) {
		Type *tt = m->type->key;
		Node *k = sub->rhs;
		if (k->kind != ND_TUPLE || k->elts.len != tt->elems.len)
			error_at(node_loc(k), "the key of '%s' is a %s: give %d values, as in %s[a, b]", m->name, ty_name(tt),
				 tt->elems.len, m->name);
		for (int i = 0; i < k->elts.len; i++) {
			Node *x = VEC_AT(k->elts, i);
			check_key_store(c, x, check_expr(c, x), VEC_AT(tt->elems, i),
					xasprintf("element %d of the key of '%s'", i + 1, m->name), m);
		}
		k->type = tt;
		return;
	}
	if (sub->rhs->kind == ND_TUPLE)
		error_at(node_loc(sub->rhs), "the key of '%s' is %s, not a tuple", m->name, ty_name(m->type->key));
	kt = check_expr(c, sub->rhs);
	check_key_store(c, sub->rhs, kt, m->type->key, xasprintf("the key of '%s'", m->name), m);
}

static void check_map_target(Checker *c, Node *t, Sym **mapsym)
{
	Sym *y = t->lhs->kind == ND_NAME ? scope_find(c->scope, t->lhs->name) : NULL;
	Type *kt;
	MapDecl *m;
	if (final_tuple(c, t->lhs))
		error_at(node_loc(t), "'%s' is a Final tuple: its items cannot be changed (tuples are immutable)", t->lhs->name);
	if (!y || y->kind != SYM_MAP) {
		Type *lt = check_expr(c, t->lhs);
		error_at(node_loc(t), "%s does not support item assignment", ty_name(lt));
	}
	m = y->data;
	(void)kt;
	if (m->type->val->kind == TY_AGG)
		error_at(node_loc(t), "'%s' holds %s aggregations: add to them with %s[key].add(...)", m->name,
			 ty_name(m->type->val), m->name);
	check_map_key(c, t, m);
	no_write_while_iterating(c, t, m, "assigning to an item of");
	*mapsym = y;
}

/* What a with block's target holds, for messages: a kfunc's kernel
 * reference, or a ring buffer reservation (check_dynptr.c) */
static const char *ref_noun(Sym *y)
{
	if (strncmp(y->data, "bpf.ringbuf", 11))
		return "the kernel reference";
	return y->type->kind == TY_DYNPTR ? "the ring buffer dynptr" : "the ring buffer record";
}

static const char *ref_end(Sym *y)
{
	return strncmp(y->data, "bpf.ringbuf", 11) ? "released" : "submitted";
}

static bool is_declared_global(Checker *c, const char *name)
{
	for (int i = 0; i < c->declared_global.len; i++)
		if (!strcmp(VEC_AT(c->declared_global, i), name))
			return true;
	return false;
}

/* n, n.a, n.a.b: a name and its fields */
static bool attr_chain_of_name(Node *n)
{
	while (n->kind == ND_ATTR)
		n = n->lhs;
	return n->kind == ND_NAME;
}

/* p.scx.dsq_vtime = v in a struct_ops method: an integer field of a
 * kernel struct the method was given, written in place. Which fields may
 * be written is the kernel's to say (its struct_ops btf_struct_access:
 * sched_ext allows a task's scx.slice and scx.dsq_vtime, TCP congestion
 * controls some tcp_sock fields), so the verifier decides at load. */
static void check_sops_store(Checker *c, Node *tg, Node *value, Type *vt)
{
	KInfo in;
	Node *root = tg->lhs;
	while (root->kind == ND_ATTR && root->type && root->type->kind == TY_KVAL)
		root = root->lhs;
	if (root->kind != ND_NAME)
		error_at(node_loc(tg), "only a field of a struct the method was given (a parameter) can be assigned; "
			 "a pointer read from a field is not one the kernel lets it write");
	if (!tg->kf || tg->kf->bit_size || tg->type->kind != TY_INT)
		error_at(node_loc(tg), "only integer fields of a kernel struct can be assigned (not bitfields, pointers or "
			 "structs)");
	kbtf_info(c->prog->btf, tg->kf->type, &in);
	tg->raise = NULL;
	tg->op = 'x';
	tg->type = ty_fixed(in.size, in.is_signed);   /* what the emitter stores */
	check_store(c, value, vt, tg->type, xasprintf("field '%s' of %s", tg->name, kbtf_type_name(c->prog->btf, tg->kstruct)));
}

static void check_assign_target(Checker *c, Node *tg, Node *value, Type *vt, Type *ann)
{
	if (tg->kind == ND_NAME) {
		Sym *y = scope_find(c->scope, tg->name);
		if (y && y->kind == SYM_GLOBAL) {
			GlobalDecl *g = y->data;
			if (!is_declared_global(c, tg->name))
				error_at(node_loc(tg), "assigning to '%s' here would make it a local variable (Python's rule); "
					 "write 'global %s' first to change the module-level variable", tg->name, tg->name);
			if (ann)
				error_at(node_loc(tg), "annotated name '%s' can't be global", tg->name);
			check_store(c, value, vt, g->type->kind == TY_FIXED && g->type->size == 8 && g->type->is_signed ? ty_int : g->type,
				    xasprintf("'%s'", tg->name));
			tg->sym = y;
			tg->type = y->type;
			return;
		}
		if (y && y->kind != SYM_LOCAL) {
			if (y->kind == SYM_CONST)
				error_at(node_loc(tg), "cannot assign to '%s': it is a Final constant", tg->name);
			error_at(node_loc(tg), "cannot assign to '%s': it is a %s declared at module level", tg->name,
				 y->kind == SYM_MAP ? "map" : "name");
		}
		if (y)
			sock_local_reassigned(tg, y);   /* check_sock.c */
		if (value->kind == ND_NAME)
			sock_local_copied(value);
		if (y && y->ref)
			error_at(node_loc(tg), "'%s' holds %s of a with block (%s at its end); "
				 "give the new value a name of its own", tg->name, ref_noun(y), ref_end(y));
		if (value->kind == ND_NAME && value->sym && value->sym->ref)
			error_at(node_loc(value), "'%s' is %s of its with block, %s at the block's end; "
				 "a variable cannot hold a copy of it: use '%s' itself", value->name, ref_noun(value->sym),
				 ref_end(value->sym), value->name);
		if (vt->kind == TY_DYNPTR) {   /* d = bpf.dynptr_from_mem(buf, 0) (check_dynptr.c) */
			if (y || ann)
				error_at(node_loc(tg), "a Dynptr is made once, into a new name: '%s' is already a variable", tg->name);
			y = new_local(c, tg, vt);
			tg->sym = y;
			tg->type = vt;
			mark_assigned(c, y);
			vec_push(&value->elts, tg);   /* the dynptr the helper initializes */
			return;
		}
		vt = check_user_copy(c, value, vt);
		if (vt->kind == TY_KVAL && value->kind == ND_NAME)
			error_at(node_loc(value), "'%s' holds a copy of %s; a variable cannot hold another copy, but you can read its fields",
				 value->name, kbtf_type_name(c->prog->btf, vt->btf_id));
		if (vt->kind == TY_KVAL && value->kind != ND_CALL)
			error_at(node_loc(value), "%s (embedded) is a kernel struct embedded in another; a variable cannot hold it, "
				 "but you can read its fields", kbtf_type_name(c->prog->btf, vt->btf_id));
		if (y || ann)
			sock_none_refused(value, vt);   /* only a new, unannotated name holds None or a socket (check_sock.c) */
		if (!y) {
			Type *t = ann ? ann : vt;
			if (t->kind == TY_FIXED && !ann)
				t = ty_int;
			if (t->kind == TY_OPT && ann)
				error_at(node_loc(value), "map.get(key) may give None: assign it to a plain name, then test it");
			if (t->kind == TY_NONE)
				error_at(node_loc(value), "cannot assign None to a variable in pybpf");
			if (t->kind == TY_CTX || t->kind == TY_MAP)
				error_at(node_loc(value), "cannot assign a %s to a variable", ty_name(t));
			y = new_local(c, tg, t);
			kptr_assigned(y, value, true);
			sock_result_local(y, t);   /* t = bpf.skc_to_tcp_sock(sk): None until tested */
		} else if (ann && !ty_equal(ann, y->type)) {
			error_begin(node_loc(tg), "'%s' is annotated %s here but has type %s", tg->name, ty_name(ann), ty_name(y->type));
			note_at(node_loc(y->decl), "'%s' first assigned here", tg->name);
			diag_exit();
		}
		if (y->type->kind == TY_STR && vt->kind == TY_STR && !ann && y->decl != tg && vt->size > y->type->size &&
		    value->kind == ND_STR) {
			/* literal longer than the capacity the variable got first */
		}
		if (y->type->kind == TY_OPT) {
			/* a new value: None-ness is known again only after a test */
			for (int i = 0; i < c->narrowed.len; i++)
				if (VEC_AT(c->narrowed, i) == y)
					c->narrowed.data[i] = NULL;
			if (vt->kind != TY_OPT && !is_intlike(vt))
				error_at(node_loc(value), "cannot assign %s to '%s' (Optional[int])", ty_name(vt), tg->name);
			tg->sym = y;
			tg->type = y->type;
			mark_assigned(c, y);
			return;
		}
		if (vt->kind == TY_OPT)
			error_at(node_loc(value), "map.get(key) may give None, but '%s' is %s; write %s.get(key, default)",
				 tg->name, ty_name(y->type), "map");
		if ((y->type->kind == TY_STR) != (vt->kind == TY_STR) || (y->type->kind == TY_BYTES) != (vt->kind == TY_BYTES) ||
		    (y->type->kind == TY_BOOL && vt->kind != TY_BOOL)) {
			error_begin(node_loc(value), "cannot assign %s to '%s' (it has type %s)", ty_name(vt), tg->name, ty_name(y->type));
			note_at(node_loc(y->decl), "'%s' first assigned here", tg->name);
			diag_exit();
		}
		check_store(c, value, vt, y->type, xasprintf("'%s'", tg->name));
		if (y->decl != tg)
			kptr_assigned(y, value, false);
		tg->sym = y;
		tg->type = y->type;
		mark_assigned(c, y);
		return;
	}
	if (tg->kind == ND_SUBSCRIPT) {
		Sym *ms;
		MapDecl *m;
		check_map_target(c, tg, &ms);
		m = ms->data;
		check_store(c, value, vt, m->type->val, xasprintf("a value of '%s'", m->name));
		tg->raise = new_raise(c, tg, "MapFullError");
		return;
	}
	if (tg->kind == ND_TUPLE || tg->kind == ND_LIST)
		error_at(node_loc(tg), "tuple unpacking is not supported yet");
	if (tg->kind == ND_ATTR) {
		Type *st = check_expr(c, tg->lhs);
		Type *ft;
		if (st->kind == TY_CTX && c->probe && packet_kind(c->probe->kind)) {
			check_ctx_store(c, tg, value, vt);   /* check_packet.c */
			return;
		}
		if (st->kind == TY_KPTR && st->pkt) {
			tg->type = check_kernel_field(c, tg, st);
			check_packet_store(c, tg, value, vt);   /* check_packet.c */
			return;
		}
		if ((st->kind == TY_KPTR || (st->kind == TY_KVAL && !st->copy)) && !st->user && c->probe &&
		    !strcmp(c->probe->kind, "struct_ops")) {
			tg->type = check_kernel_field(c, tg, st);
			check_sops_store(c, tg, value, vt);
			return;
		}
		if (st->kind != TY_STRUCT || tg->lhs->kind != ND_NAME)
			error_at(node_loc(tg), "only the fields of a Struct variable can be assigned in pybpf");
		ft = check_struct_field(c, tg, st);
		tg->raise = NULL;
		tg->type = ft;
		check_store(c, value, vt, VEC_AT(st->elems, tg->cval),
			    xasprintf("field '%s' of %s", tg->name, st->sname));
		return;
	}
	error_at(node_loc(tg), "cannot assign to this expression");
}

static void check_block(Checker *c, Vec *body);
static Sym *new_local(Checker *c, Node *target, Type *t);
static void begin_body(Checker *c, Scope *scope);
static void end_body(Checker *c, Node *fn);
static bool block_returns(Vec *body);

/* The map a loop iterates over: `sorted(d.items())` (items true) or
 * `sorted(d)` / `sorted(d.keys())`; NULL when `it` is not one of these. */
static Sym *iterated_map(Checker *c, Node *it, bool *items)
{
	Node *a;
	Sym *y;
	if (it->kind != ND_CALL || it->lhs->kind != ND_NAME || strcmp(it->lhs->name, "sorted") || it->elts.len != 1 ||
	    it->vals.len)
		return NULL;
	a = VEC_AT(it->elts, 0);
	*items = false;
	if (a->kind == ND_CALL && a->lhs->kind == ND_ATTR && !a->elts.len && !a->vals.len &&
	    (!strcmp(a->lhs->name, "items") || !strcmp(a->lhs->name, "keys"))) {
		*items = !strcmp(a->lhs->name, "items");
		a = a->lhs->lhs;
	}
	if (a->kind != ND_NAME)
		return NULL;
	y = c->scope ? scope_find(c->scope, a->name) : NULL;
	return y && y->kind == SYM_MAP ? y : NULL;
}

/* A loop variable of a loop over a map: an int local. */
static Sym *map_loop_var(Checker *c, Node *tg)
{
	Sym *y;
	if (tg->kind != ND_NAME)
		error_at(node_loc(tg), "the loop variable must be a plain name");
	y = scope_find(c->scope, tg->name);
	if (y && y->kind != SYM_LOCAL)
		error_at(node_loc(tg), "cannot use '%s' as a loop variable: it is declared at module level", tg->name);
	if (y && y->type->kind != TY_INT)
		error_at(node_loc(tg), "loop variable '%s' is an int, but '%s' has type %s", tg->name, tg->name, ty_name(y->type));
	if (!y)
		y = new_local(c, tg, ty_int);
	tg->sym = y;
	tg->type = ty_int;
	return y;
}

/* for k, v in sorted(d.items()) / for k in sorted(d): the map's items are
 * copied (bpf_for_each_map_elem) into a per-CPU snapshot, sorted by key in
 * the kernel, and walked with an open-coded iterator. Sorted, because a BPF
 * hash map has no insertion order to follow as a dict would. */
static void check_for_map(Checker *c, Node *s, Sym *ms, bool items)
{
	MapDecl *m = ms->data;
	Node *it = s->iter, *tg = s->target, *kn = tg, *vn = NULL;
	Type *kt = m->type->key, *vt = m->type->val;
	int per, cap;
	char *before;
	int n = c->nassigned;
	MapKind k = m->type->map_kind;

	if (MAP_IS_STORAGE(k))
		error_at(node_loc(it), "'%s' is a %s: its items hang off each %s, and the kernel cannot list them", m->name,
			 map_kind_names[k], storage_owner(k));
	per = ty_size(kt) + ty_size(vt);
	cap = (32768 - 8) / (per ? per : 1);
	if (k != MAP_HASH && k != MAP_LRU_HASH)
		error_at(node_loc(it), "'%s' is a %s: pybpf iterates Hash and LRUHash maps (not per-CPU ones, whose values "
			 "the loader merges)", m->name, map_kind_names[k]);
	if (m->percpu || vt->kind != TY_FIXED)
		error_at(node_loc(it), "'%s' holds %s values: a probe can iterate maps of integer values only", m->name,
			 ty_name(vt));
	if (kt->kind != TY_FIXED)
		error_at(node_loc(it), "'%s' has %s keys: a probe can iterate maps with integer keys only (for now)", m->name,
			 ty_name(kt));
	if (m->max_entries > (uint32_t)cap)
		error_at(node_loc(it), "iterating '%s' copies it into %d-byte per-CPU storage, which holds %d of its items; "
			 "declare it with max_entries=%d or less (it has %u)", m->name, 32768, cap, cap, m->max_entries);
	if (items) {
		if (tg->kind != ND_TUPLE || tg->elts.len != 2)
			error_at(node_loc(tg), "items() gives (key, value) pairs: write 'for k, v in sorted(%s.items()):'", m->name);
		kn = VEC_AT(tg->elts, 0);
		vn = VEC_AT(tg->elts, 1);
	}
	map_loop_var(c, kn);
	if (vn)
		map_loop_var(c, vn);
	if (vn && vn->sym == kn->sym)
		error_at(node_loc(vn), "the key and the value need two different names");
	s->sym = ms;
	s->op = 'M';
	it->raise = new_raise(c, it, "OverflowError");    /* a u64 key or value above 2**63-1 */
	before = xcalloc(1, n);
	memcpy(before, c->assigned, n);
	c->assigned[kn->sym->index] = 1;
	if (vn)
		c->assigned[vn->sym->index] = 1;
	vec_push(&c->iterating, m);
	c->loop_depth++;
	check_block(c, &s->body);
	c->loop_depth--;
	c->iterating.len--;
	memset(c->assigned, 0, c->nassigned);
	memcpy(c->assigned, before, n);
	check_block(c, &s->orelse);
	memset(c->assigned, 0, c->nassigned);
	memcpy(c->assigned, before, n);
}

/* A loop's variable (of type t: a range's ints, a kernel iterator's
 * items), body and else block. The loop may run zero times, so nothing it
 * assigns is definitely assigned after it (but an else: block runs after a
 * normal end). */
Sym *check_loop_body(Checker *c, Node *s, Type *t)
{
	Node *tg = s->target;
	char *before;
	int n = c->nassigned;
	Sym *y;

	if (tg->kind != ND_NAME)
		error_at(node_loc(tg), "the loop variable must be a plain name");
	y = scope_find(c->scope, tg->name);
	if (y && y->kind != SYM_LOCAL)
		error_at(node_loc(tg), "cannot use '%s' as a loop variable: it is declared at module level", tg->name);
	if (y && !ty_equal(y->type, t)) {
		error_begin(node_loc(tg), "loop variable '%s' is %s, but '%s' has type %s", tg->name,
			    t == ty_int ? "an int" : ty_name(t), tg->name, ty_name(y->type));
		note_at(node_loc(y->decl), "'%s' first assigned here", tg->name);
		diag_exit();
	}
	if (!y)
		y = new_local(c, tg, t);
	tg->sym = y;
	tg->type = t;
	before = xcalloc(1, n);
	memcpy(before, c->assigned, n);
	c->assigned[y->index] = 1;
	c->loop_depth++;
	check_block(c, &s->body);
	c->loop_depth--;
	memset(c->assigned, 0, c->nassigned);
	memcpy(c->assigned, before, n);
	check_block(c, &s->orelse);
	memset(c->assigned, 0, c->nassigned);
	memcpy(c->assigned, before, n);
	return y;
}

/* for i in range([start,] stop[, step]): an open-coded BPF iterator; and
 * loops over maps and over the kernel's iterators (bpf_iter_task(...)). */
static void check_for(Checker *c, Node *s)
{
	Node *it = s->iter;
	Sym *y;

	if (s->is_async)
		error_at(node_loc(s), "'async for' is not supported in pybpf");
	{
		bool items;
		Sym *ms = iterated_map(c, it, &items);
		if (ms) {
			check_for_map(c, s, ms, items);
			return;
		}
	}
	if (it->kind == ND_CALL && it->lhs->kind == ND_ATTR && it->lhs->lhs->kind == ND_NAME && c->scope &&
	    scope_find(c->scope, it->lhs->lhs->name) && scope_find(c->scope, it->lhs->lhs->name)->kind == SYM_MAP)
		error_at(node_loc(it), "a BPF map has no insertion order for a loop to follow as a dict would; iterate it "
			 "sorted by key: 'for k, v in sorted(%s.items()):' or 'for k in sorted(%s):'", it->lhs->lhs->name,
			 it->lhs->lhs->name);
	if (it->kind == ND_NAME && c->scope && scope_find(c->scope, it->name) &&
	    scope_find(c->scope, it->name)->kind == SYM_MAP)
		error_at(node_loc(it), "a BPF map has no insertion order for a loop to follow as a dict would; iterate it "
			 "sorted by key: 'for k in sorted(%s):'", it->name);
	if (it->kind == ND_CALL && it->lhs->kind == ND_NAME && !strncmp(it->lhs->name, "bpf_iter_", 9) &&
	    !scope_find(c->scope, it->lhs->name)) {
		check_for_kfunc_iter(c, s);
		return;
	}
	if (it->kind != ND_CALL || it->lhs->kind != ND_NAME || strcmp(it->lhs->name, "range"))
		error_at(node_loc(it), "pybpf loops over range(...), over maps sorted by key (sorted(d.items()), sorted(d)) "
			 "and over the kernel's iterators (bpf_iter_task(...), ...)");
	if (it->vals.len)
		error_at(node_loc(VEC_AT(it->vals, 0)), "range() takes no keyword arguments");
	if (it->elts.len < 1 || it->elts.len > 3)
		error_at(node_loc(it), "range expected 1 to 3 arguments, got %d", it->elts.len);
	for (int i = 0; i < it->elts.len; i++)
		need_int(c, VEC_AT(it->elts, i), "a range() argument");
	if (it->elts.len == 3) {
		int64_t step;
		if (const_int(c, VEC_AT(it->elts, 2), &step) && step == 0)
			error_at(node_loc(VEC_AT(it->elts, 2)), "range() arg 3 must not be zero");
	}
	it->raise = new_raise(c, it, "ValueError");      /* step == 0 */
	new_raise(c, it, "OverflowError");                /* more iterations than BPF allows */
	y = check_loop_body(c, s, ty_int);
	/* a constant, non-empty range runs at least once: the loop variable is set */
	{
		int64_t v[3] = {0, 0, 1};
		bool all = true;
		for (int i = 0; i < it->elts.len; i++)
			all = all && const_int(c, VEC_AT(it->elts, i), &v[it->elts.len == 1 ? 1 : i]);
		if (all && v[2] != 0 && (v[2] > 0 ? v[0] < v[1] : v[0] > v[1]))
			c->assigned[y->index] = 1;
	}
}

/* The class named by an except clause or a raise: an exception class. */
static int exc_class_of(Checker *c, Node *n)
{
	int k;
	if (n->kind == ND_CALL)
		n = n->lhs;
	if (n->kind != ND_NAME)
		error_at(node_loc(n), "expected an exception class name");
	k = find_class(c->prog, n->name);
	if (k < 0) {
		Suggest sg = {.target = n->name};
		for (int i = 0; i < c->prog->classes.len; i++)
			suggest_try(&sg, ((ExcClass *)VEC_AT(c->prog->classes, i))->name);
		if (sg.best)
			error_at(node_loc(n), "'%s' is not an exception class; did you mean '%s'?", n->name, sg.best);
		error_at(node_loc(n), "'%s' is not an exception class pybpf knows (built-ins, or a class deriving from Exception)", n->name);
	}
	return k;
}

/* raise E | raise E("message") | raise (inside except: re-raise) */
static void check_raise(Checker *c, Node *s)
{
	Node *x = s->value;
	int k;
	if (s->lhs)
		error_at(node_loc(s->lhs), "'raise ... from ...' is not supported in pybpf (exceptions carry no cause)");
	if (!x) {
		if (!c->handler_depth)
			error_at(node_loc(s), "a bare 'raise' re-raises the exception being handled, so it must be inside an 'except' block");
		return;
	}
	k = exc_class_of(c, x);
	if (x->kind == ND_CALL) {
		if (x->vals.len || x->elts.len > 1)
			error_at(node_loc(x), "an exception takes at most one argument, a string literal, in pybpf");
		if (x->elts.len && (((Node *)VEC_AT(x->elts, 0))->kind != ND_STR))
			error_at(node_loc(VEC_AT(x->elts, 0)), "the argument of an exception must be a string literal in pybpf");
	}
	s->raise = new_raise(c, s, ((ExcClass *)VEC_AT(c->prog->classes, k))->name);
	if (x->kind == ND_CALL && x->elts.len)
		s->raise->msg = ((Node *)VEC_AT(x->elts, 0))->tok->str;
}

/* A node the checker adds to the tree (a with block's try, a callback's
 * call), placed where `at` is */
Node *synth_node(NodeKind kind, Node *at)
{
	Node *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->tok = at->tok;
	n->loc = at->loc;
	return n;
}

/* A call node of the kind op at s: 'X' closes a with block's file, 'Q'
 * releases its kernel reference through the kfunc whose BTF id is cval. */
static Node *release_call(Node *s, Sym *y, int op, int64_t cval)
{
	Node *rel = synth_node(ND_CALL, s), *st = synth_node(ND_EXPR_STMT, s);
	rel->op = op;
	rel->cval = cval;
	rel->sym = y;
	rel->type = ty_none;
	st->value = rel;
	return st;
}

/* with ... as tg: body -- tg becomes a local of type t that holds what the
 * with statement acquired, released on every way out: the emitter runs the
 * body as the body of a try whose finally releases it (s->third, a
 * release_call of op and cval), so the verifier sees no leak. A kernel
 * reference that kfunc `acquirer` returned may be None: y->ref says so. */
Sym *check_with_block(Checker *c, Node *s, Node *tg, Type *t, int op, int64_t cval, const char *acquirer)
{
	Node *tr = synth_node(ND_TRY, s);
	Sym *y = tg ? new_local(c, tg, t) : NULL;   /* no target: a region (check_with_region) */
	if (y) {
		c->assigned[y->index] = 1;
		tg->sym = y;
	}
	if (acquirer) {
		y->ref = 1;
		y->data = (void *)acquirer;
	}
	tr->body = s->body;
	vec_push(&tr->finalbody, release_call(s, y, op, cval));
	s->third = tr;
	check_block(c, &s->body);
	if (acquirer)
		y->ref = 2;   /* released: using it after the block is an error */
	return y;
}

/* The name of a with statement's target, which must be new */
static Node *with_target(Checker *c, Node *item, const char *what)
{
	Node *tg = item->target;
	if (!tg || tg->kind != ND_NAME)
		error_at(node_loc(item), "write 'with %s as NAME:'", what);
	if (scope_find(c->scope, tg->name) && scope_find(c->scope, tg->name)->kind == SYM_LOCAL)
		error_at(node_loc(tg), "'%s' is already a variable; give the %s a name of its own", tg->name,
			 strcmp(what, "open(path)") ? "reference" : "file");
	return tg;
}

/* Is with's call NAME(...) a kernel function (not open(), no name of ours)? */
static bool with_kfunc(Checker *c, Node *call)
{
	const char *name = call->lhs->name;
	return call->kind == ND_CALL && call->lhs->kind == ND_NAME && strcmp(name, "open") &&
	       !scope_find(c->scope, name) && !in_list(builtin_funcs, name) &&
	       kbtf_find(need_btf(c, call->lhs), name, BTF_KIND_FUNC) > 0;
}

/* with open("/path") as f: body -- the file is acquired (a KF_ACQUIRE
 * kfunc of the companion module) and closed at the end of the block; and
 * with KFUNC(...) as x: (check_with_kfunc). */
static void check_with(Checker *c, Node *s)
{
	Node *item, *call, *path, *tg;
	Sym *y;
	if (s->is_async)
		error_at(node_loc(s), "'async with' is not supported in pybpf");
	if (s->items.len != 1)
		error_at(node_loc(s), "pybpf's with takes one open() or kfunc call at a time");
	item = VEC_AT(s->items, 0);
	call = item->value;
	if (lock_with_call(c, call)) {   /* with bpf.spin_lock(m, k) as v: (check_lock.c) */
		check_with_lock(c, s, call, with_target(c, item, "lock"), lock_with_call(c, call));
		return;
	}
	if (call->kind == ND_CALL && call->lhs->kind == ND_NAME && with_kfunc(c, call) &&
	    kfunc_region_closer(call->lhs->name)) {
		if (item->target)
			error_at(node_loc(item->target), "%s() opens a region and gives nothing to name: write 'with %s():'",
				 call->lhs->name, call->lhs->name);
		check_with_region(c, s, call);
		return;
	}
	if (call->kind == ND_CALL && call->lhs->kind == ND_NAME && with_kfunc(c, call)) {
		check_with_kfunc(c, s, call, with_target(c, item, xasprintf("%s(...)", call->lhs->name)));
		return;
	}
	if (ringbuf_with_call(c, call)) {   /* a ring buffer reservation (check_dynptr.c) */
		if (!is_imported(c, "bpf"))
			unknown_name(c, call->lhs->lhs);
		check_with_ringbuf(c, s, call, with_target(c, item, xasprintf("bpf.%s(...)", call->lhs->name)));
		return;
	}
	if (call->kind != ND_CALL || call->lhs->kind != ND_NAME || strcmp(call->lhs->name, "open"))
		error_at(node_loc(call), "pybpf's with works on open(\"/path\") and on kfuncs that acquire a kernel "
			 "reference (e.g. bpf_task_from_pid(pid)) only");
	if (!is_imported(c, "open"))
		unknown_name(c, call->lhs);
	if (call->elts.len != 1 || call->vals.len)
		error_at(node_loc(call), "open() takes one path in pybpf (files are opened for reading)");
	path = VEC_AT(call->elts, 0);
	if (path->kind != ND_STR || path->tok->is_bytes)
		error_at(node_loc(path), "the path of open() must be a string literal (the kernel's kfunc takes a constant string)");
	tg = with_target(c, item, "open(path)");
	use_module_kfunc(c, call, "pybpf_file_open", "open()");
	use_module_kfunc(c, call, "pybpf_file_close", "the end of the with block");
	s->raise = new_raise(c, call, "OSError");
	y = check_with_block(c, s, tg, ty_file_t(), 'X', 0, NULL);
	y->data = (void *)1;   /* closed: using it after the block is an error */
}

/* try: ... except E: ... else: ... finally: ... */
static void check_try(Checker *c, Node *s)
{
	char *before;
	int n = c->nassigned;
	if (s->is_star)
		error_at(node_loc(s), "'except*' is not supported in pybpf");
	before = xcalloc(1, n);
	memcpy(before, c->assigned, n);
	check_block(c, &s->body);
	check_block(c, &s->orelse);
	for (int i = 0; i < s->handlers.len; i++) {
		Node *h = VEC_AT(s->handlers, i);
		uint64_t mask = 0;
		if (h->name)
			error_at(node_loc(h), "'except ... as %s' is not supported: exceptions carry no value in pybpf", h->name);
		if (!h->value) {
			mask = ~0ull;
			if (i != s->handlers.len - 1)
				error_at(node_loc(h), "default 'except:' must be last");
		} else if (h->value->kind == ND_TUPLE) {
			for (int j = 0; j < h->value->elts.len; j++)
				mask |= ((ExcClass *)VEC_AT(c->prog->classes, exc_class_of(c, VEC_AT(h->value->elts, j))))->descendants;
		} else {
			mask = ((ExcClass *)VEC_AT(c->prog->classes, exc_class_of(c, h->value)))->descendants;
		}
		h->cval = (int64_t)mask;
		/* a handler runs after part of the body: only what was assigned before is sure */
		memset(c->assigned, 0, c->nassigned);
		memcpy(c->assigned, before, n);
		c->handler_depth++;
		check_block(c, &h->body);
		c->handler_depth--;
	}
	memset(c->assigned, 0, c->nassigned);
	memcpy(c->assigned, before, n);
	check_block(c, &s->finalbody);
	if (!s->handlers.len && !s->finalbody.len)
		error_at(node_loc(s), "expected 'except' or 'finally' block");
}

static void check_stmt(Checker *c, Node *s)
{
	switch (s->kind) {
	case ND_PASS:
		return;
	case ND_EXPR_STMT:
		if (is_docstring(s))
			return;
		if (s->value->kind == ND_CALL) {
			s->value->type = check_call(c, s->value, true);
			return;
		}
		check_expr(c, s->value);
		error_at(node_loc(s->value), "this expression has no effect; pybpf only allows calls as statements");
	case ND_ASSIGN: {
		Node *t0 = VEC_AT(s->targets, 0);
		if (check_timer_store(c, s))   /* timers[k] = Timer() (check_timer.c) */
			return;
		if (check_lock_store(c, s))    /* m[k] = S(...), S holding a SpinLock (check_lock.c) */
			return;
		if (s->targets.len == 1 && (t0->kind == ND_TUPLE || t0->kind == ND_LIST)) {
			/* a, b = x, y: every value first, then the names, left to right */
			Node *v = s->value;
			Sym *ms = v->kind == ND_SUBSCRIPT && v->lhs->kind == ND_NAME && c->scope ? scope_find(c->scope, v->lhs->name) : NULL;
			if (ms && ms->kind == SYM_MAP && ((MapDecl *)ms->data)->type->val->kind == TY_TUPLE) {
				/* a, b = d[k]: the item's fields (a defaultdict read: zeros inserted when missing) */
				MapDecl *m = ms->data;
				Type *tt = m->type->val;
				if (tt->elems.len != t0->elts.len)
					error_at(node_loc(t0), "the items of '%s' are %s: unpack them into %d names", m->name, ty_name(tt),
						 tt->elems.len);
				check_map_key(c, v, m);
				no_write_while_iterating(c, v, m, "reading an item of");
				v->raise = new_raise(c, v, "MapFullError");
				new_raise(c, v, "OverflowError");   /* a u64 field above 2**63-1 */
				for (int i = 0; i < t0->elts.len; i++) {
					Node *tg = VEC_AT(t0->elts, i);
					Sym *ty;
					if (tg->kind != ND_NAME)
						error_at(node_loc(tg), "unpacking assigns to plain names in pybpf");
					ty = scope_find(c->scope, tg->name);
					if (ty && ty->kind != SYM_LOCAL)
						error_at(node_loc(tg), "an item of '%s' unpacks into local names; '%s' is declared at module level",
							 m->name, tg->name);
					if (ty && ty->kind == SYM_LOCAL && ty->type->kind != TY_INT)
						error_at(node_loc(tg), "'%s' has type %s; an item of '%s' unpacks into int variables", tg->name,
							 ty_name(ty->type), m->name);
					check_assign_target(c, tg, v, ty_int, NULL);
				}
				s->op = 'V';
				return;
			}
			if (v->kind == ND_CALL && (t0->elts.len == 2 || t0->elts.len == 3)) {
				/* v, n = bpf.strtol(buf, 0): a helper's two results (three: perf_event_read_value) */
				v->unpacked = true;
				check_call(c, v, false);
				if (v->op == 'H' && helper_results(&pyb_helpers[v->cval]) &&
				    helper_results(&pyb_helpers[v->cval]) != t0->elts.len)
					error_at(node_loc(t0), "%s.%s() gives %d results: unpack them into %d names, not %d",
						 v->lhs->lhs->name, v->lhs->name, helper_results(&pyb_helpers[v->cval]),
						 helper_results(&pyb_helpers[v->cval]), t0->elts.len);
				if (v->op == 'H' && helper_results(&pyb_helpers[v->cval])) {
					for (int i = 0; i < t0->elts.len; i++) {
						Node *tg = VEC_AT(t0->elts, i);
						Sym *ty = tg->kind == ND_NAME ? scope_find(c->scope, tg->name) : NULL;
						if (tg->kind != ND_NAME)
							error_at(node_loc(tg), "unpacking assigns to plain names in pybpf");
						if (ty && (ty->kind != SYM_LOCAL || ty->type->kind != TY_INT))
							error_at(node_loc(tg), "the results of %s.%s() unpack into int local variables; '%s' is %s",
								 v->lhs->lhs->name, v->lhs->name, tg->name,
								 ty->kind != SYM_LOCAL ? "declared at module level" : ty_name(ty->type));
						check_assign_target(c, tg, v, ty_int, NULL);
					}
					s->op = 'P';
					return;
				}
			}
			if (v->kind != ND_TUPLE || v->elts.len != t0->elts.len)
				error_at(node_loc(v), "unpacking needs as many values as names here (%d), written as a tuple: a, b = x, y",
					 t0->elts.len);
			for (int i = 0; i < v->elts.len; i++) {
				Type *et = check_expr(c, VEC_AT(v->elts, i));
				if (!is_intlike(et))
					error_at(node_loc(VEC_AT(v->elts, i)), "unpacking works on int and bool values in pybpf, not %s",
						 ty_name(et));
			}
			for (int i = 0; i < t0->elts.len; i++) {
				Node *tg = VEC_AT(t0->elts, i), *val = VEC_AT(v->elts, i);
				if (tg->kind != ND_NAME)
					error_at(node_loc(tg), "unpacking assigns to plain names in pybpf");
				check_assign_target(c, tg, val, val->type, NULL);
			}
			s->op = 'U';
			return;
		}
		{
			/* d[k] = (a, b): a map of tuples stores a tuple display */
			Sym *ms = t0->kind == ND_SUBSCRIPT && t0->lhs->kind == ND_NAME && c->scope ? scope_find(c->scope, t0->lhs->name)
											       : NULL;
			if (ms && ms->kind == SYM_MAP && ((MapDecl *)ms->data)->type->val->kind == TY_TUPLE) {
				MapDecl *m = ms->data;
				Type *tt = m->type->val;
				Node *v = s->value;
				Sym *dummy;
				if (s->targets.len != 1)
					error_at(node_loc(s), "assign a tuple to one map item at a time");
				if (v->kind != ND_TUPLE || v->elts.len != tt->elems.len)
					error_at(node_loc(v), "the items of '%s' are %s: assign %d values, as in %s[key] = (a, b)", m->name,
						 ty_name(tt), tt->elems.len, m->name);
				for (int i = 0; i < v->elts.len; i++) {
					Node *x = VEC_AT(v->elts, i);
					check_store(c, x, check_expr(c, x), VEC_AT(tt->elems, i),
						    xasprintf("element %d of a value of '%s'", i + 1, m->name));
				}
				check_map_target(c, t0, &dummy);
				t0->raise = new_raise(c, t0, "MapFullError");
				v->type = tt;
				s->op = 'W';
				return;
			}
		}
		dynptr_mark_assign(s);
		Type *vt = check_expr(c, s->value);
		for (int i = 0; i < s->targets.len; i++)
			check_assign_target(c, VEC_AT(s->targets, i), s->value, vt, NULL);
		return;
	}
	case ND_ANNASSIGN: {
		Type *ann = resolve_type(c, s->annotation, false), *vt;
		if (s->target->kind != ND_NAME)
			error_at(node_loc(s->target), "only simple names can be annotated");
		if (!s->value)
			error_at(node_loc(s), "'%s' must be given a value where it is declared (pybpf has no uninitialized variables)",
				 s->target->name);
		vt = check_expr(c, s->value);
		check_assign_target(c, s->target, s->value, vt, ann);
		return;
	}
	case ND_AUGASSIGN: {
		Node *tg = s->target;
		Type *vt;
		if (tg->kind == ND_ATTR && attr_chain_of_name(tg->lhs)) {
			/* rec.x += v: rec.x = rec.x + v (rec a name, read once; p.scx.dsq_vtime too) */
			Node *rd = synth_node(ND_ATTR, tg), *bin = synth_node(ND_BINOP, s);
			rd->lhs = tg->lhs;
			rd->name = tg->name;
			bin->op = s->op;
			bin->lhs = rd;
			bin->rhs = s->value;
			s->kind = ND_ASSIGN;
			s->targets = (Vec){0};
			vec_push(&s->targets, tg);
			s->value = bin;
			check_stmt(c, s);
			return;
		}
		vt = check_expr(c, s->value);
		if (!is_intlike(vt))
			error_at(node_loc(s->value), "unsupported operand type for %s=: %s", tok_names[s->op], ty_name(vt));
		if (tg->kind == ND_SUBSCRIPT) {
			Sym *ms;
			check_map_target(c, tg, &ms);
			if (((MapDecl *)ms->data)->type->map_kind == MAP_LPM)
				error_at(node_loc(s), "'%s' is an LPMTrie: reading %s[k] finds the longest matching prefix, which may "
					 "not be k itself, so augmented assignment is ambiguous; write %s[k] = v", ms->name, ms->name, ms->name);
			if (s->op != TK_PLUS && s->op != TK_MINUS)
				error_at(node_loc(s), "only += and -= are supported on map values (they are atomic)");
			tg->raise = new_raise(c, tg, "MapFullError");
			new_raise(c, tg, "OverflowError");
			return;
		}
		if (tg->kind != ND_NAME)
			error_at(node_loc(tg), "cannot use augmented assignment on this target");
		Sym *gy = scope_find(c->scope, tg->name);
		if (gy && gy->kind == SYM_GLOBAL) {
			if (!is_declared_global(c, tg->name))
				error_at(node_loc(tg), "'%s' is assigned here, so Python makes it a local variable and this would raise "
					 "UnboundLocalError; write 'global %s' first", tg->name, tg->name);
			if (s->op != TK_PLUS && s->op != TK_MINUS)
				error_at(node_loc(s), "only += and -= are supported on module-level variables (they are atomic)");
			tg->sym = gy;
			tg->type = gy->type;
			s->raise = new_raise(c, s, "OverflowError");
			return;
		}
		Type *lt = check_name(c, tg);
		if (!is_intlike(lt) || lt->kind == TY_BOOL)
			error_at(node_loc(tg), "unsupported operand type for %s=: %s", tok_names[s->op], ty_name(lt));
		/* reuse the binop rules: s->value is the right operand */
		Node fake = *s;
		fake.kind = ND_BINOP;
		fake.lhs = tg;
		fake.rhs = s->value;
		check_binop(c, &fake);
		s->raise = fake.raise;
		s->cval = fake.cval;   /* x **= n: the constant exponent */
		if (lt->kind == TY_FIXED)	/* the range of the annotated type */
			s->store_raise = new_raise(c, s, "OverflowError");
		return;
	}
	case ND_IF: {
		char *before = xcalloc(1, c->nassigned), *after_body;
		int n = c->nassigned;
		bool is_not = false;
		Sym *ny = opt_test(c, s->test, &is_not);
		int mark = c->narrowed.len;
		need_int(c, s->test, "the condition");
		int64_t v;
		if (const_test(c, s->test, &v))
			s->folded = v ? 1 : -1;
		memcpy(before, c->assigned, n);
		narrowings(c, s->test, true, &c->narrowed);   /* what the test proves in the body */
		check_block(c, &s->body);
		c->narrowed.len = mark;
		after_body = xcalloc(1, c->nassigned);
		memcpy(after_body, c->assigned, c->nassigned);
		memset(c->assigned, 0, c->nassigned);
		memcpy(c->assigned, before, n);
		narrowings(c, s->test, false, &c->narrowed);  /* and in the else */
		check_block(c, &s->orelse);
		c->narrowed.len = mark;
		/* if x is None: return (or raise) -- after it, x is not None */
		if (ny && !is_not && block_returns(&s->body))
			vec_push(&c->narrowed, ny);
		/* definitely assigned after the if: assigned on both paths
		 * (a path that returned counts as assigning everything) */
		for (int i = 0; i < n && i < c->nassigned; i++)
			c->assigned[i] = c->assigned[i] && after_body[i];
		for (int i = n; i < c->nassigned; i++)
			c->assigned[i] = 0;
		return;
	}
	case ND_BREAK:
	case ND_CONTINUE:
		if (!c->loop_depth)
			error_at(node_loc(s), "'%s' outside loop", s->kind == ND_BREAK ? "break" : "continue");
		return;
	case ND_FOR:
		check_for(c, s);
		return;
	case ND_WHILE:
		error_at(node_loc(s), "a 'while' loop needs a bound the BPF verifier can see; write "
			 "'for _ in range(N):' with 'if not (condition): break' as its first statement");
	case ND_RAISE:
		check_raise(c, s);
		return;
	case ND_ASSERT: {
		need_int(c, s->test, "the condition of assert");
		if (s->value && (s->value->kind != ND_STR || s->value->tok->is_bytes))
			error_at(node_loc(s->value), "the message of assert must be a string literal in pybpf");
		s->raise = new_raise(c, s, "AssertionError");
		if (s->value)
			s->raise->msg = s->value->tok->str;
		return;
	}
	case ND_TRY:
		check_try(c, s);
		return;
	case ND_DEL:
		for (int i = 0; i < s->targets.len; i++) {
			Node *t = VEC_AT(s->targets, i);
			Sym *ms = t->kind == ND_SUBSCRIPT && t->lhs->kind == ND_NAME ? scope_find(c->scope, t->lhs->name) : NULL;
			if (!ms || ms->kind != SYM_MAP)
				error_at(node_loc(t), "'del' is supported on map items only (del m[key])");
			check_key_only(c, t, ms->data);   /* del timers[k] of a Hash of timers (check_timer.c) */
			no_write_while_iterating(c, t, ms->data, "deleting from");
			t->raise = new_raise(c, t, "KeyError");
		}
		return;
	case ND_WITH:
		c->with_depth++;
		check_with(c, s);
		c->with_depth--;
		return;
	case ND_GLOBAL:
		for (int i = 0; i < s->names.len; i++) {
			Node *n = VEC_AT(s->names, i);
			Sym *y = scope_find(&c->module, n->name);
			if (!y || y->kind != SYM_GLOBAL) {
				if (y && y->kind == SYM_MAP)
					error_at(node_loc(n), "'%s' is a map: it needs no 'global' declaration to be changed", n->name);
				error_at(node_loc(n), "'global %s': there is no module-level variable '%s' (declare it at module level, e.g. '%s: int = 0')",
					 n->name, n->name, n->name);
			}
			if (scope_find(c->scope, n->name) != y)
				error_at(node_loc(n), "name '%s' is assigned to before global declaration", n->name);
			vec_push(&c->declared_global, (void *)n->name);
		}
		return;
	case ND_RETURN:
		if (c->func) {
			Type *want = c->func->ret, *t = s->value ? check_expr(c, s->value) : ty_none;
			if (want->kind == TY_NONE && t->kind != TY_NONE)
				error_at(node_loc(s->value), "'%s' is declared '-> None' but returns %s here", c->fname, ty_name(t));
			if (want->kind != TY_NONE) {
				if (!s->value)
					error_at(node_loc(s), "'%s' returns %s: 'return' needs a value", c->fname, ty_name(want));
				check_store(c, s->value, t, want, xasprintf("the return value of '%s'", c->fname));
			}
			return;
		}
		if (c->probe && c->probe->ret) {
			Type *want = c->probe->ret, *t = s->value ? check_expr(c, s->value) : ty_none;
			if (want->kind == TY_NONE && t->kind != TY_NONE)
				error_at(node_loc(s->value), "%s returns nothing in the kernel (void)", c->fname);
			if (want->kind != TY_NONE) {
				if (!s->value)
					error_at(node_loc(s), "%s must return %s", c->fname, kbtf_type_name(c->prog->btf, c->probe->ret_kid));
				check_store(c, s->value, t, want, xasprintf("the return value of %s", c->fname));
			}
			return;
		}
		if (s->value) {
			Type *t = check_expr(c, s->value);
			if (t->kind != TY_NONE)
				error_at(node_loc(s->value), "a probe returns None; '%s' returns %s here", c->fname, ty_name(t));
		}
		return;
	default:
		error_at(node_loc(s), "%s %s not supported in pybpf yet", stmt_what(s),
			 s->kind == ND_BREAK || s->kind == ND_CONTINUE ? "is" : "are");
	}
}

/* True when every path through the block ends in return (so nothing after it runs). */
static bool block_returns(Vec *body)
{
	for (int i = 0; i < body->len; i++) {
		Node *s = VEC_AT(*body, i);
		if (s->kind == ND_RETURN)
			return true;
		if (s->kind == ND_IF && block_returns(&s->body) && s->orelse.len && block_returns(&s->orelse))
			return true;
		if (s->kind == ND_WITH && block_returns(&s->body))   /* released, then returns */
			return true;
	}
	return false;
}

static void check_block(Checker *c, Vec *body)
{
	for (int i = 0; i < body->len; i++)
		check_stmt(c, VEC_AT(*body, i));
	if (block_returns(body))
		memset(c->assigned, 1, c->nassigned);
}

/* ---- probes ---------------------------------------------------------------- */

static bool valid_tp_part(const char *s, int n)
{
	if (n <= 0)
		return false;
	for (int i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == '-' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

/* The attach kinds: ORDER matters only for messages. */
const char *const probe_kinds[] = {
	"tracepoint", "tp_btf", "raw_tp", "uprobe", "uretprobe", "usdt", "kprobe", "kretprobe",
	"fentry", "fexit", "lsm", "profile", "interval", "begin", "end", "iter", "xdp", "tc", "cgroup_skb", "cgroup_sock_addr",
	"socket_filter", NULL,
};

/* Where a probe parameter's value comes from (stored in the param node's op) */
enum { PS_ARGS, PS_SLOT, PS_REG, PS_RETREG, PS_USDT };

static bool is_kind(Probe *p, const char *k)
{
	return !strcmp(p->kind, k);
}

/* @profile(hz=99), @interval(seconds=1) / (ms=100): a keyword argument */
static int64_t probe_rate(Checker *c, Node *d, const char *const *names, int64_t lo, int64_t hi)
{
	Node *kw;
	int64_t v;
	if (d->kind != ND_CALL || d->elts.len || d->vals.len != 1)
		error_at(node_loc(d), "write @%s(%s=N)", d->kind == ND_CALL ? d->lhs->name : d->name, names[0]);
	kw = VEC_AT(d->vals, 0);
	if (!kw->name || (strcmp(kw->name, names[0]) && (!names[1] || strcmp(kw->name, names[1]))))
		error_at(node_loc(kw), "@%s takes %s=N%s%s", d->lhs->name, names[0], names[1] ? " or " : "",
			 names[1] ? xasprintf("%s=N", names[1]) : "");
	if (!const_int(c, kw->lhs, &v) || v < lo || v > hi)
		error_at(node_loc(kw->lhs), "%s must be a constant from %lld to %lld", kw->name, (long long)lo, (long long)hi);
	d->op = names[1] && !strcmp(kw->name, names[1]);   /* interval: 1 when in ms */
	return v;
}

/* @usdt("BINARY:PROVIDER:NAME", pid=N): the binary's note for the probe,
 * its argument specs into args. Returns the number of arguments. */
static int usdt_target(Checker *c, Probe *p, Node *d, Node *arg, UsdtArg *args)
{
	const char *tp = arg->tok->str, *c1 = strchr(tp, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	Vec names = {0}, specs = {0};
	int found = -1, n;

	for (int i = 0; i < d->vals.len; i++) {
		Node *kw = VEC_AT(d->vals, i);
		if (!kw->name || strcmp(kw->name, "pid"))
			error_at(node_loc(kw), "@usdt takes the probe and pid=N (only this process), nothing else");
		if (!const_int(c, kw->lhs, &p->pid) || p->pid < 0 || p->pid > 0x3fffffff)
			error_at(node_loc(kw->lhs), "pid must be a constant process id (0: every process)");
	}
	if (!c1 || c1 == tp || !c1[1] || (c2 && (c2 == c1 + 1 || !c2[1] || strchr(c2 + 1, ':'))))
		error_at(node_loc(arg), "'%s' is not a USDT probe; expected \"binary:provider:name\", e.g. "
			 "\"/usr/bin/python3.11:python:function__entry\"", tp);
	char *bin = xstrndup(tp, c1 - tp);
	p->usdt_path = usdt_find_binary(bin);
	if (!p->usdt_path)
		error_at(node_loc(arg), "no binary '%s' (%s)", bin, strchr(bin, '/') ? "no such file" : "not in $PATH either");
	if (usdt_notes(p->usdt_path, &names, &specs) < 0)
		error_at(node_loc(arg), "cannot read %s as an ELF file", p->usdt_path);
	if (!names.len)
		error_at(node_loc(arg), "%s has no USDT probes (no .note.stapsdt notes)", p->usdt_path);
	const char *want = c1 + 1;   /* "provider:name", or a name alone */
	for (int i = 0; i < names.len; i++) {
		const char *nm = VEC_AT(names, i);
		bool hit = c2 ? !strcmp(nm, want) : !strcmp(strchr(nm, ':') + 1, want);
		if (hit && found >= 0 && strcmp(nm, VEC_AT(names, found)))
			error_at(node_loc(arg), "%s has more than one USDT probe named '%s' (%s, %s); name the provider",
				 p->usdt_path, want, (char *)VEC_AT(names, found), nm);
		if (hit && found < 0)
			found = i;
	}
	if (found < 0) {
		const char *near = usdt_nearest(&names, want, 3);
		error_at(node_loc(arg), "%s has no USDT probe '%s'%s%s", p->usdt_path, want, *near ? "; the nearest: " : "", near);
	}
	const char *full = VEC_AT(names, found);
	p->usdt_provider = xstrndup(full, strchr(full, ':') - full);
	p->usdt_name = strchr(full, ':') + 1;
	p->target = xasprintf("%s:%s", p->usdt_path, full);
	p->sec = "usdt";
	n = usdt_parse_args(VEC_AT(specs, found), args, USDT_MAX_ARGS);
	if (n > USDT_MAX_ARGS)
		error_at(node_loc(arg), "USDT probe %s has %d arguments; pybpf (as libbpf) reads at most %d", full, n, USDT_MAX_ARGS);
	return n;
}

/* Parameter i of a @usdt probe: argument i of the note, an integer of the
 * spec's width and sign unless annotated 'ptr' or another integer type. */
static Type *usdt_param(Checker *c, Probe *p, Node *pa, int i, UsdtArg *args, int nargs)
{
	const char *what = xasprintf("%s:%s", p->usdt_provider, p->usdt_name);
	Type *t;
	UsdtArg *a = &args[i];

	if (i >= nargs)
		error_at(node_loc(pa), "USDT probe %s has %d argument%s (%s), but '%s' takes %d", what, nargs,
			 nargs == 1 ? "" : "s", nargs ? usdt_argspec(p->usdt_path, what) : "none", p->name, p->def->params.len);
	pa->type = ty_fixed(a->size, a->is_signed);   /* what the spec says the value is */
	t = ty_int;
	if (pa->annotation && pa->annotation->kind == ND_NAME && !strcmp(pa->annotation->name, "ptr")) {
		if (a->size != 8 || a->is_signed)
			error_at(node_loc(pa->annotation), "argument %d of USDT probe %s is a %d-byte %s integer (%s), not a pointer",
				 i, what, a->size, a->is_signed ? "signed" : "unsigned", a->spec);
		t = ty_ptr;
		pa->type = NULL;
	} else if (pa->annotation) {
		Type *at = resolve_type(c, pa->annotation, false);
		if (at->kind == TY_FIXED)
			pa->type = at;   /* the value truncated to this width */
		else if (at->kind != TY_INT)
			error_at(node_loc(pa->annotation), "a USDT argument is an integer or a pointer ('ptr'), not %s", ty_name(at));
	}
	if (a->memory)
		pa->raise = new_raise(c, pa, "FaultError");   /* the operand is read from the process */
	pa->op = PS_USDT;
	pa->cval = i;
	return t;
}

static void check_probe(Checker *c, Node *fn)
{
	Probe *p = xcalloc(1, sizeof(*p));
	Node *d, *arg = NULL, *dn;
	Scope scope = {.up = &c->module};
	const char *tp = "", *slash;
	int nslots = 0, retslot = -1, slot_base = 0;   /* BTF-typed ctx slots; fexit's return slot */
	KParam *kp = NULL;
	int kret = 0;
	UsdtArg usdt_args[USDT_MAX_ARGS];

	if (fn->decorators.len != 1)
		error_at(node_loc(VEC_AT(fn->decorators, 1)), "a probe takes exactly one decorator");
	d = VEC_AT(fn->decorators, 0);
	dn = d->kind == ND_CALL ? d->lhs : d;
	if (dn->kind != ND_NAME)
		error_at(node_loc(d), "unknown decorator; expected one of @tracepoint, @tp_btf, @raw_tp, @uprobe, @uretprobe, @usdt, "
			 "@kprobe, @kretprobe, @fentry, @fexit, @lsm, @profile, @interval, @begin, @end");
	p->kind = dn->name;
	if (!in_list(probe_kinds, p->kind)) {
		Suggest sg = {.target = dn->name};
		for (int i = 0; probe_kinds[i]; i++)
			suggest_try(&sg, probe_kinds[i]);
		if (sg.best)
			error_at(node_loc(dn), "unknown decorator '%s'; did you mean '%s'?", dn->name, sg.best);
		error_at(node_loc(dn), "unknown decorator '%s'; pybpf's probes are @tracepoint, @tp_btf, @raw_tp, @uprobe, "
			 "@uretprobe, @usdt, @kprobe, @kretprobe, @fentry, @fexit, @lsm, @profile, @interval, @begin and @end", dn->name);
	}
	p->name = fn->name;
	if (!is_imported(c, p->kind) && !is_init_probe(p))
		unknown_name(c, dn);
	if (is_kind(p, "struct_ops"))
		error_at(node_loc(dn), "@struct_ops decorates a class whose methods implement the ops struct, not a function");
	p->name = fn->name;
	p->cname = global_cname(fn->name);
	p->def = fn;
	take_sleepable(c, p, d);   /* check_sleepable.c */

	if (is_kind(p, "begin") || is_kind(p, "end")) {
		if (d->kind == ND_CALL && (d->elts.len || d->vals.len))
			error_at(node_loc(d), "@%s takes no arguments", p->kind);
		p->sec = "syscall";
		p->target = "";
	} else if (is_kind(p, "profile")) {
		static const char *const hz[] = {"hz", NULL};
		p->rate = probe_rate(c, d, hz, 1, 10000);
		p->sec = "perf_event";
		p->target = xasprintf("%lld Hz", (long long)p->rate);
	} else if (is_kind(p, "interval")) {
		static const char *const units[] = {"seconds", "ms"};
		p->rate = probe_rate(c, d, units, 1, 86400000);
		if (!d->op)
			p->rate *= 1000;   /* in ms */
		p->sec = "perf_event";
		p->target = xasprintf("every %lld ms", (long long)p->rate);
	} else if (packet_kind(p->kind)) {
		packet_decorator(c, p, d);   /* check_packet.c */
	} else {
		if (d->kind != ND_CALL || d->elts.len != 1 || (d->vals.len && !is_kind(p, "usdt")))
			error_at(node_loc(d), "@%s takes one argument: what to attach to, as a string", p->kind);
		arg = VEC_AT(d->elts, 0);
		if (arg->kind != ND_STR || arg->tok->is_bytes)
			error_at(node_loc(arg), "the attach point must be a string literal");
		tp = arg->tok->str;
		p->target = tp;
		p->target_loc = node_loc(arg);
		p->sec = xasprintf("%s/%s", p->kind, tp);
	}

	if (is_kind(p, "tracepoint")) {
		slash = strchr(tp, '/');
		if (!slash || !valid_tp_part(tp, slash - tp) || !valid_tp_part(slash + 1, strlen(slash + 1))) {
			if (slash && strpbrk(tp, "*?["))
				p->wildcard = true;
			else
				error_at(node_loc(arg), "'%s' is not a tracepoint name; expected \"category/name\", e.g. \"syscalls/sys_enter_openat\"", tp);
		}
		if (fn->params.len > 1)
			error_at(node_loc(VEC_AT(fn->params, 1)), "a tracepoint probe takes at most one parameter (the tracepoint's args)");
	} else if (is_kind(p, "tp_btf") || is_kind(p, "raw_tp")) {
		const char *near;
		if (!valid_tp_part(tp, strlen(tp)))
			error_at(node_loc(arg), "'%s' is not a tracepoint name; @%s takes the name alone, e.g. \"sched_switch\"", tp, p->kind);
		if (kbtf_tp_btf_args(need_btf(c, arg), tp, &kp, &nslots, &near) < 0)
			error_at(node_loc(arg), "the kernel has no BTF tracepoint '%s'%s%s", tp, near && near[0] ? "; the nearest: " : "",
				 near && near[0] ? near : "");
	} else if (is_kind(p, "fentry") || is_kind(p, "fexit") || is_kind(p, "kprobe") || is_kind(p, "kretprobe") ||
		   is_kind(p, "lsm")) {
		const char *near, *fname = is_kind(p, "lsm") ? xasprintf("bpf_lsm_%s", tp) : tp;
		if (!valid_tp_part(tp, strlen(tp)))
			error_at(node_loc(arg), "'%s' is not a kernel function name", tp);
		if (kbtf_func_args(need_btf(c, arg), fname, &kp, &nslots, &kret, &near) < 0)
			error_at(node_loc(arg), "the kernel has no %s '%s'%s%s", is_kind(p, "lsm") ? "LSM hook" : "function", tp,
				 near && near[0] ? "; the nearest: " : "", near && near[0] ? near : "");
		if (is_kind(p, "fexit"))
			retslot = nslots;
		if (is_kind(p, "kprobe") || is_kind(p, "kretprobe"))
			nslots = nslots > 6 ? 6 : nslots;   /* registers */
	} else if (is_kind(p, "iter")) {
		/* a BPF iterator: run once per object (task, map element, ...);
		 * its context is the arguments of the kernel's bpf_iter_NAME */
		const char *near;
		if (!valid_tp_part(tp, strlen(tp)))
			error_at(node_loc(arg), "'%s' is not an iterator name; @iter takes e.g. \"task\" or \"task_file\"", tp);
		if (kbtf_func_args(need_btf(c, arg), xasprintf("bpf_iter_%s", tp), &kp, &nslots, &kret, &near) < 0 ||
		    nslots < 2 || strcmp(kp[0].name, "meta"))
			error_at(node_loc(arg), "the kernel has no BPF iterator '%s' (task, task_file, task_vma, bpf_map, bpf_prog, "
				 "bpf_map_elem, tcp, udp, ...)", tp);
		kp++;   /* the seq_file meta is pybpf's, not the probe's */
		nslots--;
		slot_base = 1;
	} else if (is_kind(p, "usdt")) {
		nslots = usdt_target(c, p, d, arg, usdt_args);
	} else if (is_kind(p, "uprobe") || is_kind(p, "uretprobe")) {
		const char *colon = strrchr(tp, ':');
		if (!colon || colon == tp || !colon[1])
			error_at(node_loc(arg), "'%s' is not an uprobe target; expected \"binary:symbol\", e.g. \"/bin/bash:readline\" or \"libc:malloc\"", tp);
		/* libbpf resolves library names through the standard paths; "libc" means libc.so.6 */
		if (!strncmp(tp, "libc:", 5))
			p->sec = xasprintf("%s/libc.so.6:%s", p->kind, colon + 1);
		nslots = 6;
	}
	sleepable_sec(p);

	if (fn->returns && fn->returns->kind != ND_NONE && !is_kind(p, "lsm") && !packet_kind(p->kind))
		error_at(node_loc(fn->returns), "a probe returns None; annotate it '-> None' or leave the annotation out");

	c->probe = p;
	c->fname = p->name;
	begin_body(c, &scope);
	for (int i = 0; i < fn->params.len; i++) {
		Node *pa = VEC_AT(fn->params, i);
		Type *t = NULL;
		int kid = 0;
		bool ret = (is_kind(p, "uretprobe") || is_kind(p, "kretprobe")) || (retslot >= 0 && i == retslot);
		if (pa->param_kind != PARAM_NORMAL && pa->param_kind != PARAM_POSONLY)
			error_at(node_loc(pa), "a probe's parameters must be plain names");
		if (pa->value)
			error_at(node_loc(pa->value), "a probe's parameter cannot have a default value");
		if (packet_kind(p->kind)) {
			t = packet_param(c, p, pa, i);
		} else if (is_kind(p, "tracepoint")) {
			if (pa->annotation && (pa->annotation->kind != ND_NAME || strcmp(pa->annotation->name, "TracepointArgs")))
				error_at(node_loc(pa->annotation), "a tracepoint's parameter is its args: annotate it TracepointArgs, or not at all");
			if (pa->annotation && !is_imported(c, "TracepointArgs"))
				unknown_name(c, pa->annotation);
			t = ty_ctx;
			pa->op = PS_ARGS;
		} else if (is_kind(p, "profile") || is_kind(p, "interval") || is_kind(p, "begin") || is_kind(p, "end")) {
			error_at(node_loc(pa), "@%s probes take no parameters", p->kind);
		} else if (is_kind(p, "usdt")) {
			t = usdt_param(c, p, pa, i, usdt_args, nslots);
		} else if (is_kind(p, "uprobe") || is_kind(p, "uretprobe") || ((is_kind(p, "kprobe") || is_kind(p, "kretprobe")) && !kp)) {
			/* user functions: the parameters say what the registers hold */
			if (ret ? i > 0 : i >= nslots)
				error_at(node_loc(pa), ret ? "a return probe takes one parameter: the return value"
						       : "pybpf reads at most 6 arguments from registers");
			if (!pa->annotation)
				error_at(node_loc(pa), "parameter '%s' needs a type: an integer type (e.g. 'int', 'u32') or 'ptr' for a pointer",
					 pa->name);
			if (pa->annotation->kind == ND_NAME && !strcmp(pa->annotation->name, "ptr"))
				t = ty_ptr;
			else
				t = resolve_type(c, pa->annotation, false);
			if (t->kind == TY_FIXED || t->kind == TY_BOOL)
				pa->type = t;   /* the register is truncated to this width */
			if (t->kind == TY_FIXED)
				t = ty_int;
			if (t->kind != TY_INT && t->kind != TY_PTR && t->kind != TY_BOOL)
				error_at(node_loc(pa->annotation), "a register holds an integer or a pointer ('ptr'), not %s", ty_name(t));
			pa->op = ret ? PS_RETREG : PS_REG;
			pa->cval = i;
		} else {
			/* BTF-typed: tp_btf, raw_tp, fentry, fexit, kprobe with BTF, lsm */
			const char *why = NULL;
			int max = nslots + (retslot >= 0 ? 1 : 0);
			if (ret && (is_kind(p, "kretprobe")))
				kid = kret;
			else if (i == retslot)
				kid = kret;
			else if (i < nslots)
				kid = kp[i].type;
			if (i >= max || (ret && is_kind(p, "kretprobe") && i > 0))
				error_at(node_loc(pa), "%s %s has %d argument%s, but '%s' takes %d", p->kind, tp, max,
					 max == 1 ? "" : "s", fn->name, fn->params.len);
			if (ret && !kid)
				error_at(node_loc(pa), "%s returns nothing (void)", tp);
			t = kernel_value_type(c->prog->btf, kid, &why);
			if (!t || t->kind == TY_KVAL || t->kind == TY_STR)
				error_at(node_loc(pa), "argument %d of %s has type %s, which pybpf cannot use yet", i + 1, tp,
					 why ? why : kbtf_type_name(c->prog->btf, kid));
			if (pa->annotation) {
				/* an annotation must name the argument's type */
				Node *an = pa->annotation;
				const char *want = t->kind == TY_KPTR ? kbtf_type_name(c->prog->btf, t->btf_id) : ty_name(t);
				const char *got = an->kind == ND_NAME ? an->name : NULL;
				bool ok = got && (!strcmp(got, want) || (t->kind == TY_KPTR && !strncmp(want, "struct ", 7) && !strcmp(got, want + 7)) ||
						  (t->kind == TY_KPTR && !strncmp(want, "union ", 6) && !strcmp(got, want + 6)) ||
						  (t->kind == TY_INT && (fixed_by_name(got) || !strcmp(got, "int"))) ||
						  (t->kind == TY_PTR && !strcmp(got, "ptr")));
				if (!ok)
					error_at(node_loc(an), "argument '%s' of %s is %s in the kernel, not '%s'", pa->name, tp,
						 kbtf_type_name(c->prog->btf, kid), got ? got : "this");
			}
			if (t->kind == TY_KPTR)
				kemit_use_type(c->prog->kemit, t->btf_id);
			if (is_kind(p, "kprobe") || is_kind(p, "kretprobe")) {
				pa->op = ret ? PS_RETREG : PS_REG;
				pa->cval = i;
			} else {
				pa->op = PS_SLOT;
				pa->cval = i + slot_base;
			}
			vec_push(&p->kargs, (void *)(intptr_t)kid);
		}
		Sym *y = new_local(c, pa, t);
		if (t->kind == TY_CTX)
			y->cname = "ctx";
		c->assigned[y->index] = 1;
	}
	end_body(c, fn);
	if (packet_kind(p->kind))
		packet_returns(c, p, fn, block_returns(&fn->body));
	c->probe = NULL;
	p->tail_only = is_init_probe(p);   /* run by the loader, never attached */
	vec_push(&c->prog->probes, p);
	((Sym *)scope_find(&c->module, fn->name))->data = p;
}

/* The members an ops struct must implement (the kernel checks it when the
 * struct registers; pybpf says it at compile time). ORDER: by type. */
static const struct {
	const char *type;
	const char *required[4];
	const char *one_of[3];   /* at least one of these */
} sops_rules[] = {
	{"tcp_congestion_ops", {"ssthresh", "undo_cwnd", NULL}, {"cong_avoid", "cong_control", NULL}},
};

/* @struct_ops("tcp_congestion_ops", name="pyreno") class PyReno: methods */
static void declare_struct_ops(Checker *c, Node *cls)
{
	StructOps *so = xcalloc(1, sizeof(*so));
	Node *d = VEC_AT(cls->decorators, 0), *arg, *name_at = NULL;
	KBtf *k;
	KField nf;
	if (cls->decorators.len != 1 || d->kind != ND_CALL || d->lhs->kind != ND_NAME || strcmp(d->lhs->name, "struct_ops"))
		error_at(node_loc(cls), "a class with a decorator must be @struct_ops(\"ops_type\", name=\"...\")");
	if (!is_imported(c, "struct_ops"))
		unknown_name(c, d->lhs);
	if (d->elts.len != 1 || ((Node *)VEC_AT(d->elts, 0))->kind != ND_STR)
		error_at(node_loc(d), "@struct_ops takes the kernel's ops struct as a string: @struct_ops(\"tcp_congestion_ops\", name=\"mycc\")");
	arg = VEC_AT(d->elts, 0);
	so->type = arg->tok->str;
	so->name = cls->name;
	for (int i = 0; i < d->vals.len; i++) {
		Node *kw = VEC_AT(d->vals, i);
		if (!kw->name || strcmp(kw->name, "name") || kw->lhs->kind != ND_STR)
			error_at(node_loc(kw), "@struct_ops takes name=\"...\" (the name it registers under)");
		so->name = kw->lhs->tok->str;
		name_at = kw->lhs;
	}
	if (cls->elts.len || cls->vals.len)
		error_at(node_loc(cls), "a struct_ops class has no base classes");
	k = need_btf(c, arg);
	so->type_id = kbtf_find_struct(k, so->type);
	if (so->type_id < 0 || kbtf_find_struct(k, xasprintf("bpf_struct_ops_%s", so->type)) < 0)
		error_at(node_loc(arg), "'%s' is not a struct_ops type of this kernel ('pybpf probes struct_ops:*' lists them)",
			 so->type);
	if (kbtf_member(k, so->type_id, "name", &nf) == 0) {   /* char name[16] (TCP), [128] (sched_ext) */
		KInfo ni;
		kbtf_info(k, nf.type, &ni);
		if (ni.kind == KK_ARRAY && (strlen(so->name) == 0 || strlen(so->name) >= (size_t)ni.size))
			error_at(node_loc(name_at ? name_at : cls), "the name must be 1 to %d characters (the kernel keeps %d bytes "
				 "with the NUL)", ni.size - 1, ni.size);
	}
	so->cname = global_cname(cls->name);
	so->decl = cls;
	check_name_free(c, cls, cls->name);
	scope_add(&c->module, SYM_TYPE, cls->name, cls)->type = ty_none;
	vec_push(&c->prog->sops, so);
}

/* timeout_ms = 5000 in the class: a constant for an integer member of the ops struct */
static void sops_field(Checker *c, StructOps *so, Node *s)
{
	KBtf *k = c->prog->btf;
	Node *t = s->targets.len == 1 ? VEC_AT(s->targets, 0) : NULL;
	SopsField *f;
	KField kf;
	KInfo in;
	int64_t v;
	if (!t || t->kind != ND_NAME)
		error_at(node_loc(s), "a struct_ops class sets one member at a time: timeout_ms = 5000");
	if (kbtf_member(k, so->type_id, t->name, &kf) < 0) {
		const char *near = kbtf_nearest_members(k, so->type_id, t->name, 3);
		error_at(node_loc(t), "struct %s has no member '%s'%s%s", so->type, t->name, near[0] ? "; did you mean " : "",
			 near[0] ? xasprintf("%s?", near) : "");
	}
	kbtf_info(k, kf.type, &in);
	if ((in.kind != KK_INT && in.kind != KK_ENUM) || kf.bit_size || !strcmp(t->name, "name"))
		error_at(node_loc(t), "member '%s' of %s is %s: a class attribute sets an integer member (name= is the "
			 "decorator's)", t->name, so->type, kbtf_type_name(k, kf.type));
	if (!const_int(c, s->value, &v))
		error_at(node_loc(s->value), "'%s' must be set to a constant integer", t->name);
	if (v < 0 || (in.size < 8 && (uint64_t)v >> (in.size * 8)))
		error_at(node_loc(s->value), "%lld does not fit in member '%s' of %s (%s)", (long long)v, t->name, so->type,
			 kbtf_type_name(k, kf.type));
	for (int i = 0; i < so->fields.len; i++)
		if (!strcmp(((SopsField *)VEC_AT(so->fields, i))->member, t->name))
			error_at(node_loc(t), "'%s' is set twice", t->name);
	f = xcalloc(1, sizeof(*f));
	f->member = t->name;
	f->value = v;
	f->decl = s;
	kemit_use_member(c->prog->kemit, so->type_id, &kf);
	vec_push(&so->fields, f);
}

static void check_struct_ops(Checker *c, StructOps *so)
{
	Node *cls = so->decl;
	KBtf *k = c->prog->btf;
	for (int i = 0; i < cls->body.len; i++) {
		Node *fn = VEC_AT(cls->body, i);
		KField kf;
		KInfo in;
		KParam *kp;
		int n, ret;
		Probe *p;
		Scope *scope;
		if (fn->kind == ND_PASS || is_docstring(fn))
			continue;
		if (fn->kind == ND_ASSIGN) {
			sops_field(c, so, fn);
			continue;
		}
		if (fn->kind != ND_FUNCDEF)
			error_at(node_loc(fn), "a struct_ops class holds methods, and integer members set to constants "
				 "(timeout_ms = 5000)");
		if (kbtf_member(k, so->type_id, fn->name, &kf) < 0) {
			const char *near = kbtf_nearest_members(k, so->type_id, fn->name, 3);
			error_at(node_loc(fn), "struct %s has no member '%s'%s%s", so->type, fn->name, near[0] ? "; did you mean " : "",
				 near[0] ? xasprintf("%s?", near) : "");
		}
		kbtf_info(k, kf.type, &in);
		if (in.kind != KK_PTR || kbtf_proto_params(k, in.target, &kp, &n, &ret) < 0)
			error_at(node_loc(fn), "member '%s' of %s is not a function (it is %s)", fn->name, so->type,
				 kbtf_type_name(k, kf.type));
		if (fn->decorators.len)
			error_at(node_loc(VEC_AT(fn->decorators, 0)), "struct_ops methods take no decorators");
		if (!fn->params.len || strcmp(((Node *)VEC_AT(fn->params, 0))->name, "self"))
			error_at(node_loc(fn), "a struct_ops method's first parameter is self");
		if (fn->params.len - 1 != n)
			error_at(node_loc(fn), "%s.%s must take self and %d parameter%s, as the kernel's %s does (%s)", so->type, fn->name,
				 n, n == 1 ? "" : "s", fn->name, kbtf_type_name(k, kf.type));
		p = xcalloc(1, sizeof(*p));
		p->kind = "struct_ops";
		p->name = xasprintf("%s.%s", cls->name, fn->name);
		p->cname = xasprintf("%s_%s", so->cname, fn->name);
		p->sec = xasprintf("struct_ops/%s", p->cname);
		p->target = xasprintf("%s.%s", so->type, fn->name);
		p->target_loc = node_loc(fn);
		p->def = fn;
		p->member = fn->name;
		p->ret_kid = ret;
		if (!ret) {
			p->ret = ty_none;
		} else {
			const char *why = NULL;
			p->ret = kernel_value_type(k, ret, &why);
			if (!p->ret || (p->ret->kind != TY_INT && p->ret->kind != TY_BOOL))
				error_at(node_loc(fn), "%s.%s returns %s, which pybpf cannot return yet", so->type, fn->name,
					 kbtf_type_name(k, ret));
		}
		scope = xcalloc(1, sizeof(*scope));
		scope->up = &c->module;
		c->probe = p;
		c->fname = p->name;
		begin_body(c, scope);
		for (int j = 1; j < fn->params.len; j++) {
			Node *pa = VEC_AT(fn->params, j);
			const char *why = NULL;
			Type *t = kernel_value_type(k, kp[j - 1].type, &why);
			if (!t || t->kind == TY_KVAL || t->kind == TY_STR)
				error_at(node_loc(pa), "parameter %d of %s.%s has type %s, which pybpf cannot use yet", j, so->type,
					 fn->name, kbtf_type_name(k, kp[j - 1].type));
			if (t->kind == TY_KPTR)
				kemit_use_type(c->prog->kemit, t->btf_id);
			pa->op = PS_SLOT;
			pa->cval = j - 1;
			vec_push(&p->kargs, (void *)(intptr_t)kp[j - 1].type);
			Sym *y = new_local(c, pa, t);
			c->assigned[y->index] = 1;
		}
		/* self is not a value in the kernel */
		end_body(c, fn);
		if (p->ret->kind != TY_NONE && !block_returns(&fn->body))
			error_at(node_loc(fn), "%s may reach its end without returning %s", p->name, kbtf_type_name(k, ret));
		c->probe = NULL;
		kemit_use_member(c->prog->kemit, so->type_id, &kf);
		vec_push(&so->methods, p);
		vec_push(&c->prog->probes, p);
	}
	/* the name member */
	{
		KField kf;
		if (kbtf_member(k, so->type_id, "name", &kf) == 0)
			kemit_use_member(c->prog->kemit, so->type_id, &kf);
	}
	for (size_t r = 0; r < sizeof(sops_rules) / sizeof(sops_rules[0]); r++) {
		bool any = false;
		if (strcmp(sops_rules[r].type, so->type))
			continue;
		for (int j = 0; sops_rules[r].required[j]; j++) {
			bool found = false;
			for (int m = 0; m < so->methods.len; m++)
				found |= !strcmp(((Probe *)VEC_AT(so->methods, m))->member, sops_rules[r].required[j]);
			if (!found) {
				KField kf;
				kbtf_member(k, so->type_id, sops_rules[r].required[j], &kf);
				error_at(node_loc(cls), "%s needs the method '%s': the kernel requires it (%s)", so->type,
					 sops_rules[r].required[j], kbtf_type_name(k, kf.type));
			}
		}
		for (int j = 0; sops_rules[r].one_of[j]; j++)
			for (int m = 0; m < so->methods.len; m++)
				any |= !strcmp(((Probe *)VEC_AT(so->methods, m))->member, sops_rules[r].one_of[j]);
		if (!any)
			error_at(node_loc(cls), "%s needs the method '%s' or '%s': the kernel requires one", so->type,
				 sops_rules[r].one_of[0], sops_rules[r].one_of[1]);
	}
	if (!strcmp(so->type, "sched_ext_ops"))
		check_sched_ops(c, so);   /* check_sched.c */
}

/* Start checking a function body in scope (params are added by the caller). */
static void begin_body(Checker *c, Scope *scope)
{
	c->scope = scope;
	c->locals = (Vec){0};
	c->declared_global = (Vec){0};
	c->narrowed = (Vec){0};
	if (!c->nassigned) {
		c->nassigned = 16;
		c->assigned = xcalloc(1, 16);
	}
	memset(c->assigned, 0, c->nassigned);
}

static void end_body(Checker *c, Node *fn)
{
	check_block(c, &fn->body);
	/* the emitter needs the function's locals */
	fn->locals = xcalloc(1, sizeof(Vec));
	*fn->locals = c->locals;
	c->scope = NULL;
	c->fname = NULL;
}

/* def f(a: int, b: u32) -> int: the signature (pass 1; bodies come later,
 * so functions may call functions defined below them) */
static void declare_func(Checker *c, Node *fn)
{
	FuncDecl *fd = xcalloc(1, sizeof(*fd));
	fd->name = fn->name;
	fd->def = fn;
	fd->ret = fn->returns ? resolve_type(c, fn->returns, false) : NULL;
	if (!fd->ret)
		error_at(node_loc(fn), "helper function '%s' needs a return annotation ('-> int', '-> bool' or '-> None')", fn->name);
	if (fd->ret->kind == TY_FIXED)
		fd->ret = ty_int;
	if (fd->ret->kind == TY_STR || fd->ret->kind == TY_BYTES)
		error_at(node_loc(fn->returns), "functions returning %s are not supported yet; return an int or bool",
			 ty_name(fd->ret));
	for (int i = 0; i < fn->params.len; i++) {
		Node *pa = VEC_AT(fn->params, i);
		Type *t;
		if (pa->param_kind != PARAM_NORMAL && pa->param_kind != PARAM_POSONLY)
			error_at(node_loc(pa), "only plain parameters are supported (no *args, **kwargs or keyword-only)");
		if (pa->value)
			error_at(node_loc(pa->value), "default parameter values are not supported yet");
		if (!pa->annotation)
			error_at(node_loc(pa), "parameter '%s' of '%s' needs a type annotation (e.g. '%s: int')", pa->name, fn->name, pa->name);
		t = resolve_type(c, pa->annotation, false);
		if (t->kind == TY_NONE)
			error_at(node_loc(pa->annotation), "a parameter cannot be None");
		if (t->kind == TY_BYTES)
			error_at(node_loc(pa->annotation), "bytes parameters are not supported yet; pass ints or str[N]");
		vec_push(&fd->ptypes, t);
	}
	check_name_free(c, fn, fn->name);
	Sym *y = scope_add(&c->module, SYM_FUNC, fn->name, fn);
	y->data = fd;
	fn->sym = y;
	vec_push(&c->funcs, fd);
}

static void check_func_body(Checker *c, Node *fn)
{
	FuncDecl *fd = fn->sym->data;
	Scope *scope = xcalloc(1, sizeof(*scope));
	scope->up = &c->module;
	c->func = fd;
	c->fname = fd->name;
	begin_body(c, scope);
	for (int i = 0; i < fn->params.len; i++) {
		Node *pa = VEC_AT(fn->params, i);
		Sym *y = new_local(c, pa, VEC_AT(fd->ptypes, i));
		c->assigned[y->index] = 1;
		vec_push(&fd->params, y);
	}
	end_body(c, fn);
	if (fd->ret->kind != TY_NONE && !block_returns(&fn->body))
		error_at(node_loc(fn), "'%s' may reach its end without 'return' and return None, but it is declared '-> %s'",
			 fn->name, ty_name(fd->ret));
	c->func = NULL;
}

/* The module kfuncs of fd and of the helpers it calls, reached from probe
 * p by its call `via`: each must be allowed in p's programs. */
static void helper_kfuncs(FuncDecl *fd, Probe *p, Node *via)
{
	if (fd->seen_by == p)
		return;
	fd->seen_by = p;
	for (int i = 0; i < fd->kfuncs.len; i++) {
		KfuncUse *u = VEC_AT(fd->kfuncs, i);
		if (u->vmlinux)
			kfunc_prog_allowed(p, u->kfunc, u->at, via);   /* check_kfunc_progs.c */
		else if (!strncmp(u->kfunc, "bpf_", 4) && !sleepable_helper(p, u->kfunc, u->at, via))
			helper_allowed(p->kind, u->kfunc, u->at, via);   /* bpf.NAME() (check_helpers.c) */
		else
			kfunc_allowed(p, u->at, u->kfunc, u->pyname, via);
	}
	for (int i = 0; i < fd->calls.len; i++)
		helper_kfuncs(VEC_AT(fd->calls, i), p, via);
}

static void check_helper_kfuncs(Checker *c)
{
	for (int i = 0; i < c->probe_calls.len; i++) {
		ProbeCall *pc = VEC_AT(c->probe_calls, i);
		helper_kfuncs(pc->fd, pc->probe, pc->at);
	}
}

/* BPF programs cannot recurse: reject any cycle in the call graph. */
static void check_recursion(FuncDecl *f, Vec *path)
{
	f->mark = 1;
	vec_push(path, f);
	for (int i = 0; i < f->calls.len; i++) {
		FuncDecl *g = VEC_AT(f->calls, i);
		if (g->mark == 1) {
			Str chain = {0};
			int start = 0;
			while (VEC_AT(*path, start) != g)
				start++;
			for (int j = start; j < path->len; j++)
				str_printf(&chain, "'%s' calls ", ((FuncDecl *)VEC_AT(*path, j))->name);
			str_printf(&chain, "'%s'", g->name);
			error_at(node_loc(VEC_AT(f->call_sites, i)), "recursion is not supported in pybpf (BPF programs cannot recurse): %s",
				 chain.buf);
		}
		if (!g->mark)
			check_recursion(g, path);
	}
	path->len--;
	f->mark = 2;
}

/* NAME: int = 0 (or u32, bool, ...): a mutable module-level scalar. */
static void declare_global(Checker *c, Node *s)
{
	GlobalDecl *g = xcalloc(1, sizeof(*g));
	Type *t = resolve_type(c, s->annotation, true);
	int64_t v = 0;
	if (!is_intlike(t))
		error_at(node_loc(s->annotation), "a module-level variable must be an int, bool or u8..u64/i8..i64, not %s", ty_name(t));
	if (s->value && !const_int(c, s->value, &v))
		error_at(node_loc(s->value), "a module-level variable's initial value must be a constant");
	if (!s->value)
		error_at(node_loc(s), "module-level variable '%s' needs an initial value", s->target->name);
	g->type = t->kind == TY_INT ? ty_fixed(8, true) : t;
	if (t->kind == TY_FIXED || t->kind == TY_BOOL) {
		long long lo = 0, hi = 1;
		if (t->kind == TY_FIXED) {
			if (t->is_signed) {
				hi = t->size == 8 ? INT64_MAX : (1LL << (t->size * 8 - 1)) - 1;
				lo = -hi - 1;
			} else {
				hi = t->size == 8 ? INT64_MAX : (long long)((1ULL << (t->size * 8)) - 1);
			}
		}
		if (v < lo || v > hi)
			error_at(node_loc(s->value), "%lld does not fit in %s", (long long)v, ty_name(t));
	}
	g->init = v;
	g->name = s->target->name;
	g->cname = global_cname(g->name);
	g->decl = s;
	check_name_free(c, s->target, g->name);
	Sym *y = scope_add(&c->module, SYM_GLOBAL, g->name, s->target);
	y->type = t->kind == TY_BOOL ? ty_bool : ty_int;
	y->data = g;
	y->cname = g->cname;
	vec_push(&c->prog->globals, g);
}

/* class E(Struct): with annotated fields (and constant defaults), laid out
 * like the C struct the emitter declares */
static void declare_struct(Checker *c, Node *s)
{
	Type *t = xcalloc(1, sizeof(*t));
	int off = 0, align = 1;
	t->kind = TY_STRUCT;
	t->sname = s->name;
	for (int i = 0; i < s->body.len; i++) {
		Node *b = VEC_AT(s->body, i);
		Type *ft;
		int a;
		if (b->kind == ND_PASS || is_docstring(b))
			continue;
		if (b->kind != ND_ANNASSIGN || b->target->kind != ND_NAME)
			error_at(node_loc(b), "a Struct body holds annotated fields only (name: type [= constant])");
		ft = lock_field_type(c, b->annotation);   /* SpinLock, ResSpinLock (check_lock.c) */
		if (!ft)
			ft = resolve_type(c, b->annotation, true);
		lock_field_added(t, b, ft);
		if (ft->kind == TY_INT)
			ft = ty_fixed(8, true);
		if (ft->kind != TY_FIXED && ft->kind != TY_STR && ft->kind != TY_BYTES && ft->kind != TY_BOOL && ft->kind != TY_LOCK)
			error_at(node_loc(b->annotation), "a Struct field must be an integer type, bool, str[N] or bytes[N], not %s",
				 ty_name(ft));
		for (int j = 0; j < t->fnames.len; j++)
			if (!strcmp(VEC_AT(t->fnames, j), b->target->name))
				error_at(node_loc(b->target), "field '%s' is declared twice", b->target->name);
		if (b->value) {
			int64_t v;
			Type *vt = check_expr(c, b->value);
			if (ft->kind == TY_STR || ft->kind == TY_BYTES ? b->value->kind != ND_STR : !const_int(c, b->value, &v))
				error_at(node_loc(b->value), "a field's default must be a constant");
			check_store(c, b->value, vt, ft, xasprintf("field '%s'", b->target->name));
		}
		a = ft->kind == TY_STR || ft->kind == TY_BYTES || ft->kind == TY_BOOL ? 1 : ft->size;   /* a lock: 4 */
		off = (off + a - 1) / a * a;
		t->offsets = xrealloc(t->offsets, (t->elems.len + 1) * sizeof(int));
		t->offsets[t->elems.len] = off;
		off += ft->kind == TY_BOOL ? 1 : ty_size(ft);
		if (a > align)
			align = a;
		vec_push(&t->elems, ft);
		vec_push(&t->fnames, (void *)b->target->name);
		vec_push(&t->fdefaults, b->value);
	}
	if (!t->elems.len)
		error_at(node_loc(s), "Struct '%s' has no fields", s->name);
	t->size = (off + align - 1) / align * align;
	if (t->size > 4096)
		error_at(node_loc(s), "Struct '%s' is %d bytes; pybpf allows 4096", s->name, t->size);
	check_name_free(c, s, s->name);
	Sym *y = scope_add(&c->module, SYM_TYPE, s->name, s);
	y->type = t;
	vec_push(&c->prog->structs, t);
}

/* class E(Exception): pass */
static void declare_exception(Checker *c, Node *s)
{
	int parent;
	if (s->elts.len != 1 || s->vals.len || s->decorators.len)
		error_at(node_loc(s), "pybpf classes must derive from one exception class: class %s(Exception): ... "
			 "(Struct and struct_ops classes come later)", s->name);
	parent = exc_class_of(c, VEC_AT(s->elts, 0));
	for (int i = 0; i < s->body.len; i++) {
		Node *b = VEC_AT(s->body, i);
		if (b->kind != ND_PASS && !is_docstring(b) && !(b->kind == ND_EXPR_STMT && b->value->kind == ND_ELLIPSIS))
			error_at(node_loc(b), "an exception class body may only hold 'pass' or a docstring in pybpf");
	}
	if (find_class(c->prog, s->name) >= 0)
		error_at(node_loc(s), "exception class '%s' is already defined", s->name);
	check_name_free(c, s, s->name);
	if (c->prog->classes.len >= 64)
		error_at(node_loc(s), "too many exception classes (pybpf allows 64 in all)");
	Sym *y = scope_add(&c->module, SYM_EXC, s->name, s);
	int id = add_class(c->prog, s->name, parent, s);   /* may move the vector: index after */
	y->data = VEC_AT(c->prog->classes, id);
}

Prog *check_program(SrcFile *file, Node *module)
{
	Checker c = {.imported_all = pyc_implied_import};
	Prog *prog = xcalloc(1, sizeof(*prog));
	c.prog = prog;
	prog->file = file;
	prog->module = module;
	init_classes(prog);

	for (int i = 0; i < module->body.len; i++) {
		Node *s = VEC_AT(module->body, i);
		switch (s->kind) {
		case ND_IMPORTFROM:
		case ND_IMPORT:
			check_import(&c, s);
			break;
		case ND_ASSIGN:
			if (is_dsq_decl(s)) {
				declare_dsq(&c, s);   /* check_sched.c */
				break;
			}
			infer_module_annotation(s);   /* n = Count(): n: Count = Count() (check_infer.c) */
			/* fall through */
		case ND_ANNASSIGN: {
			Node *ann = s->annotation;
			const char *an = ann->kind == ND_NAME ? ann->name
				       : ann->kind == ND_SUBSCRIPT && ann->lhs->kind == ND_NAME ? ann->lhs->name : NULL;
			bool ok;
			if (s->target->kind != ND_NAME)
				error_at(node_loc(s->target), "only simple names can be declared at module level");
			if (an && !strcmp(an, "Final")) {
				if (!is_imported(&c, "Final"))
					unknown_name(&c, ann->kind == ND_NAME ? ann : ann->lhs);
				declare_const(&c, s);
				break;
			}
			if (an && !strcmp(an, "DSQ") && is_dsq_decl(s)) {
				declare_dsq(&c, s);   /* check_sched.c */
				break;
			}
			if (an && !strcmp(an, "ProgArray")) {
				declare_prog_array(&c, s);   /* check_tailcall.c */
				break;
			}
			if (an && (!strcmp(an, "PerfBuf") || !strcmp(an, "PerfCounters"))) {
				declare_perf_map(&c, s);     /* check_perf.c */
				break;
			}
			if (an && !strcmp(an, "UserRingBuf")) {
				declare_user_ringbuf(&c, s);   /* check_userrb.c */
				break;
			}
			if (an && agg_by_name(an) >= 0) {
				declare_unkeyed_agg(&c, s);
				break;
			}
			if (an && ann->kind == ND_SUBSCRIPT) {
				MapKind k = map_kind_by_name(an, &ok);
				if (ok) {
					if (!is_imported(&c, an))
						unknown_name(&c, ann->lhs);
					declare_map(&c, s, k);
					break;
				}
			}
			declare_global(&c, s);
			break;
		}
		case ND_CLASSDEF:
			if (s->decorators.len) {
				declare_struct_ops(&c, s);
				break;
			}
			if (s->elts.len == 1 && ((Node *)VEC_AT(s->elts, 0))->kind == ND_NAME &&
			    !strcmp(((Node *)VEC_AT(s->elts, 0))->name, "Struct")) {
				if (!is_imported(&c, "Struct"))
					unknown_name(&c, VEC_AT(s->elts, 0));
				declare_struct(&c, s);
			} else {
				declare_exception(&c, s);
			}
			break;
		case ND_FUNCDEF:
			if (s->is_async)
				error_at(node_loc(s), "'async def' is not supported in pybpf");
			if (!s->decorators.len) {
				declare_func(&c, s);
			} else {
				check_name_free(&c, s, s->name);
				s->sym = scope_add(&c.module, SYM_PROBE, s->name, s);
			}
			break;
		case ND_EXPR_STMT:
			if (is_docstring(s))
				break;
			/* fall through */
		default:
			error_at(node_loc(s), "%s %s not supported at module level in pybpf", stmt_what(s),
				 s->kind == ND_BREAK || s->kind == ND_CONTINUE ? "is" : "are");
		}
	}
	metric_helps(&c, module);   /* check_map_metric.c */
	/* pass 2: function bodies */
	for (int i = 0; i < module->body.len; i++) {
		Node *s = VEC_AT(module->body, i);
		if (s->kind != ND_FUNCDEF)
			continue;
		if (s->decorators.len)
			check_probe(&c, s);
		else
			check_func_body(&c, s);
	}
	Node *init = map_items_probe(&c);   /* check_map_items.c */
	if (init)
		check_probe(&c, init);
	for (int i = 0; i < prog->sops.len; i++)
		check_struct_ops(&c, VEC_AT(prog->sops, i));
	check_dsqs_have_scheduler(&c);   /* check_sched.c */
	for (int i = 0; i < c.funcs.len; i++) {
		Vec path = {0};
		if (!((FuncDecl *)VEC_AT(c.funcs, i))->mark)
			check_recursion(VEC_AT(c.funcs, i), &path);
	}
	check_prog_arrays(&c);     /* check_tailcall.c: handlers resolved, kinds matched */
	check_helper_kfuncs(&c);   /* after the recursion check: the call graph has no cycles */
	if (!prog->probes.len)
		error_at((Loc){.file = file, .line = 1, .col = 1, .p = file->text, .len = 1},
			 "no probes: decorate a function with @tracepoint(\"category/name\")");
	return prog;
}
