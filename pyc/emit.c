/* emit.c — BPF C from a checked program.
 *
 * The output is deterministic and self-contained: a banner, the runtime
 * header (bpf/pybpf.h, embedded), the maps, the Final constants as
 * `const volatile` read-only data, the module-level variables, the print
 * record layouts, then one function per probe. Every statement is preceded
 * by `#line N "probe.py"` so that clang's and the verifier's messages point
 * at Python lines.
 *
 * Expressions become C expressions. Where Python raises (overflow, division
 * by zero, a missing key), the check sits inside a GNU statement expression
 * and jumps to where the exception goes: a matching `except` (the class of
 * every raise site is known at compile time, so the handler is chosen
 * statically), a `finally` that must run first, or the top of the probe,
 * where __PYB_RAISE counts the uncaught exception for the loader and ends
 * the probe. A stack of frames (loops and try statements) tells the router
 * what lies between: loops' iterators are destroyed on the way out, as the
 * verifier demands.
 *
 * Every temporary has a unique name (__t<N>), so nested statement
 * expressions never capture each other's variables. The try statements'
 * bookkeeping is declared at the top of the function; so are buffers (str
 * values) and loop iterators, unless the function's stack values add up
 * to more than a quarter of the stack: then each statement's are declared
 * in a C block around the statement, where clang can overlap them (see
 * stmt).
 */
#include "pyc.h"
#include "btf.h"
#include "../helpers/helpers_gen.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum { FR_LOOP, FR_TRY, FR_CALL };
enum { PH_BODY, PH_ELSE, PH_HANDLER, PH_FINALLY };  /* where in a try we are */
enum { PEND_NONE, PEND_EXC, PEND_RETURN, PEND_BREAK, PEND_CONTINUE };

typedef struct Frame {
	int kind;
	int n;                /* label number */
	Node *node;           /* the ND_FOR / ND_TRY */
	int phase;            /* FR_TRY */
	size_t decls_at, while_at;   /* FR_LOOP: e->decls and e->body lengths at its start */
	const char *iter;     /* FR_LOOP: its open-coded iterator, bpf_iter_<iter>_new/_next/_destroy */
} Frame;

typedef struct Emitter {
	Prog *prog;
	Str *out;
	Str decls;            /* the current function's hoisted declarations */
	int scope;            /* the statement whose temporaries are being declared (stmt), or -1 */
	Vec scopes;           /* of Scope: the current function's statements that declare temporaries */
	int scoped_bytes;     /* their iterators' bytes (buffers are in stack_items) */
	Str body;             /* the current function's statements */
	int tmp;              /* counter for temporaries, buffers and labels */
	int indent;
	Frame frames[128];
	int nframes;
	const char *suffix;   /* appended to local names inside an inlined helper */
	int probe_index;      /* the probe being emitted */
	int *slot_of;         /* per raise site: its __pyb_exc slot in this probe... */
	int *slot_probe;      /* ...if slot_probe[site] == probe_index + 1 */
	int pyline;           /* the Python line of the statement being emitted */
	const char *ret_stmt; /* "return __pyb_rv;" or "return;" (void struct_ops methods) */
	const char *pyfile;
	int inline_depth;
	const char *key_ok;   /* set while a lookup's key is built: the flag an out-of-range key clears */
	bool raises;          /* the probe jumps to its __pyb_raise block */
	bool in_callback;     /* emitting a callback (bpf.loop's): uncaught exceptions go to its caller */
	Node *tail;           /* the probe body's last statement, while it is emitted */
} Emitter;

/* The C name of a local in the current function instance. */
static char *local_name(Emitter *e, Sym *y);
static void stack_note(const char *what, int size, int line);

static char *copy_decl(Emitter *e, Sym *y);

/* The declaration of a local, initialized to zero. */
static char *local_decl(Emitter *e, Sym *y)
{
	switch (y->type->kind) {
	case TY_CTX:
		return xasprintf("(void)ctx");
	case TY_PACKET:   /* pkt = ctx.packet(): where the packet ends, read once */
		return xasprintf("void *%s = 0", local_name(e, y));
	case TY_STR:
	case TY_BYTES:
		stack_note(xasprintf("'%s'", y->name), y->type->size, y->decl->tok->loc.line);
		return xasprintf("char %s[%d] = {}", local_name(e, y), y->type->size);
	case TY_KPTR:
		return xasprintf("%s *%s = 0", kemit_c_type(e->prog->kemit, y->type->btf_id), local_name(e, y));
	case TY_PTR:
		return xasprintf("const void *%s = 0", local_name(e, y));
	case TY_STRUCT:
		if (y->type->inplace && y->ref == 2 && !strcmp(y->data, "bpf_res_spin_lock_irqsave"))   /* check_lock.c */
			return xasprintf("%s *%s = 0; unsigned long %s__irq = 0", ty_ctype(y->type), local_name(e, y), local_name(e, y));
		if (y->type->inplace)   /* a record reserved in its ring buffer, a locked map value */
			return xasprintf("%s *%s = 0", ty_ctype(y->type), local_name(e, y));
		stack_note(xasprintf("'%s'", y->name), y->type->size, y->decl->tok->loc.line);
		return xasprintf("%s %s = {}", ty_ctype(y->type), local_name(e, y));
	case TY_DYNPTR:   /* at the function's top: its stack slots stay its own */
		stack_note(xasprintf("'%s'", y->name), 16, y->decl->tok->loc.line);
		return xasprintf("struct __pyb_dynptr %s = {}; int %s__some = 0", local_name(e, y), local_name(e, y));
	case TY_KVAL:
		return copy_decl(e, y);
	case TY_FILE:
		return xasprintf("struct pybpf_file *%s = 0", local_name(e, y));
	case TY_OPT:   /* the value, and whether there is one */
		return xasprintf("__s64 %s = 0; int %s__some = 0", local_name(e, y), local_name(e, y));
	default:
		return xasprintf("__s64 %s = 0", local_name(e, y));
	}
}
static char *local_name(Emitter *e, Sym *y)
{
	return xasprintf("%s%s", y->cname, y->type->kind == TY_CTX ? "" : e->suffix);
}

static char *expr(Emitter *e, Node *n);

static const char *tmp(Emitter *e)
{
	return xasprintf("__t%d", e->tmp++);
}

typedef struct StackItem {
	const char *what;
	int size, line;
} StackItem;

static Vec stack_items;   /* of the probe being emitted: for "stack limit exceeded" */

static void stack_note(const char *what, int size, int line)
{
	StackItem *it = xcalloc(1, sizeof(*it));
	it->what = what;
	it->size = size;
	it->line = line;
	vec_push(&stack_items, it);
}

/* The temporaries of one statement (see stmt): their declarations, and
 * where the statement's C block would begin. */
typedef struct Scope {
	Str decls;
	int indent, line;
	const char *file;
} Scope;

/* Declare a temporary of the current statement (decl: "\tchar x[4];\n"):
 * listed in the function's declarations in order, marked as the
 * statement's, so that probe() can put it either place. */
static void scope_decl(Emitter *e, const char *decl)
{
	if (e->scope < 0) {
		str_puts(&e->decls, decl);
		return;
	}
	str_puts(&e->decls, "\x01");
	str_puts(&e->decls, decl);
	str_puts(&((Scope *)VEC_AT(e->scopes, e->scope))->decls, decl);
}

/* A zero-initialized buffer of n bytes for the current statement (zeroed
 * once at the function's top, or each time the statement begins). */
static const char *buffer(Emitter *e, int n)
{
	const char *b = xasprintf("__b%d", e->tmp++);
	scope_decl(e, xasprintf("\tchar %s[%d] = {};\n", b, n));
	stack_note("a string value", n, e->pyline);
	return b;
}

static char *c_string(const char *s, int n);
static void line(Emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(Emitter *e, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ICE("out of memory");
	va_end(ap);
	/* every C line says which Python line it comes from */
	if (e->pyline)
		str_printf(&e->body, "#line %d %s\n", e->pyline, c_string(e->pyfile, strlen(e->pyfile)));
	for (int i = 0; i < e->indent; i++)
		str_puts(&e->body, "\t");
	str_puts(&e->body, s);
	str_puts(&e->body, "\n");
	free(s);
}

/* A C string literal for n bytes of s (any byte value). */
static char *c_string(const char *s, int n)
{
	Str o = {0};
	str_puts(&o, "\"");
	for (int i = 0; i < n; i++) {
		unsigned char ch = s[i];
		if (ch == '"' || ch == '\\')
			str_printf(&o, "\\%c", ch);
		else if (ch >= 32 && ch < 127 && ch != '?')
			str_add(&o, (char *)&ch, 1);
		else
			str_printf(&o, "\\%03o", ch);
	}
	str_puts(&o, "\"");
	return o.buf;
}

/* The Python line that the following C lines come from. */
static void line_directive(Emitter *e, Node *n)
{
	Loc l = n->loc.file ? n->loc : n->tok->loc;
	e->pyline = l.line;
	e->pyfile = l.file->name;
}

static char *c_ll(long long v)
{
	if (v == LLONG_MIN)
		return xstrdup("(-9223372036854775807LL - 1)");
	return xasprintf("%lldLL", v);
}

/* ---- where exceptions, returns, breaks and continues go ------------------ */

static Node *handler_of(Frame *f, int i)
{
	return VEC_AT(f->node->handlers, i);
}

static bool has_finally(Frame *f)
{
	return f->kind == FR_TRY && f->node->finalbody.len > 0;
}

/* Leave frames from..stop+1 with a pending break or continue: the first finally on the way
 * takes it over; loops on the way have their iterators destroyed. Returns
 * true when a finally took it (the caller emits nothing more). */
static bool via_finally(Emitter *e, Str *s, int from, int stop, int pend)
{
	for (int i = from; i > stop; i--) {
		Frame *f = &e->frames[i];
		if (f->kind == FR_LOOP) {
			str_printf(s, "bpf_iter_%s_destroy(&__it%d); ", f->iter, f->n);
			continue;
		}
		if (has_finally(f) && f->phase != PH_FINALLY) {
			str_printf(s, "__pyb_pk%d = %d; goto __pyb_f%d; ", f->n, pend, f->n);
			return true;
		}
	}
	return false;
}

/* The __pyb_exc slot that counts site r raised in the current probe,
 * allocated on first use: only the sites a probe can raise get one, so the
 * counters grow with the code, not with probes x sites. A handler or a
 * finally keeps the slot as the raise's site (__pyb_cs, __pyb_ps). */
static int exc_slot(Emitter *e, RaiseSite *r)
{
	if (e->slot_probe[r->id] != e->probe_index + 1) {
		ExcSlot *k = xcalloc(1, sizeof(*k));
		k->probe = e->probe_index;
		k->site = r->id;
		e->slot_probe[r->id] = e->probe_index + 1;
		e->slot_of[r->id] = e->prog->exc_slots.len;
		vec_push(&e->prog->exc_slots, k);
	}
	return e->slot_of[r->id];
}

/* The step (pyb_counter_step) of the counter of exception slot k, counter
 * 1 + k: also its byte offset plus 8, which the raise block subtracts, so
 * a lost record (counter 0, step 8) at the end of a probe can share it. */
static int exc_step(int slot)
{
	return pyb_counter_step(1 + slot);
}

/* The C statements that raise the exception of site r here. */
static char *raise_code(Emitter *e, RaiseSite *r)
{
	Str s = {0};
	str_puts(&s, "{ ");
	for (int i = e->nframes - 1; i >= 0; i--) {
		Frame *f = &e->frames[i];
		if (f->kind == FR_LOOP) {
			str_printf(&s, "bpf_iter_%s_destroy(&__it%d); ", f->iter, f->n);
			continue;
		}
		if (f->phase == PH_BODY)
			for (int j = 0; j < f->node->handlers.len; j++)
				if (((uint64_t)handler_of(f, j)->cval >> r->cls) & 1) {
					str_printf(&s, "__pyb_cs%d = %d ^ __pyb_opaque_zero; __pyb_cc%d = %d ^ __pyb_opaque_zero; "
						   "goto __pyb_h%d_%d; }", f->n, exc_slot(e, r), f->n, r->cls, f->n, j);
					return s.buf;
				}
		/* The site and class are hidden from the verifier (x ^ a zero
		 * it cannot know): as constants, every raise site would reach
		 * the handler or finally in a state of its own, explored in
		 * full each time (and each time round an enclosing loop) */
		if (has_finally(f) && f->phase != PH_FINALLY) {
			str_printf(&s, "__pyb_pk%d = %d; __pyb_ps%d = %d ^ __pyb_opaque_zero; __pyb_pc%d = %d ^ __pyb_opaque_zero; "
				   "goto __pyb_f%d; }", f->n, PEND_EXC, f->n, exc_slot(e, r), f->n, r->cls, f->n);
			return s.buf;
		}
	}
	if (e->in_callback) {   /* the caller raises it again (callback_call) */
		str_printf(&s, "__pyb_cbx->slot = %d; __pyb_cbx->cls = %d; return 1; }", exc_slot(e, r), r->cls + 1);
		return s.buf;
	}
	/* uncaught: one block per function counts it and returns, the byte
	 * offset of the site's counter in __pyb_counters in __pyb_site (two
	 * instructions a site, not five) */
	str_printf(&s, "__pyb_site = %d; goto __pyb_raise; }", exc_step(exc_slot(e, r)));
	e->raises = true;
	return s.buf;
}

static char *raise_at(Emitter *e, RaiseSite *r, int offset)
{
	return raise_code(e, VEC_AT(e->prog->raises, r->id + offset));
}

/* Raise an exception whose site and class are run-time values (a bare
 * `raise`, or an exception that a finally re-raises), from frame `from`. */
static char *raise_dynamic(Emitter *e, int from, const char *site, const char *cls)
{
	Str s = {0};
	str_puts(&s, "{ ");
	for (int i = from; i >= 0; i--) {
		Frame *f = &e->frames[i];
		if (f->kind == FR_LOOP) {
			str_printf(&s, "bpf_iter_%s_destroy(&__it%d); ", f->iter, f->n);
			continue;
		}
		if (f->phase == PH_BODY)
			for (int j = 0; j < f->node->handlers.len; j++)
				str_printf(&s, "if ((0x%llxull >> %s) & 1) { __pyb_cs%d = %s; __pyb_cc%d = %s; goto __pyb_h%d_%d; } ",
					   (unsigned long long)handler_of(f, j)->cval, cls, f->n, site, f->n, cls, f->n, j);
		if (has_finally(f) && f->phase != PH_FINALLY) {
			str_printf(&s, "__pyb_pk%d = %d; __pyb_ps%d = %s; __pyb_pc%d = %s; goto __pyb_f%d; }", f->n, PEND_EXC, f->n,
				   site, f->n, cls, f->n);
			return s.buf;
		}
	}
	if (e->in_callback) {
		str_printf(&s, "__pyb_cbx->slot = %s; __pyb_cbx->cls = (%s) + 1; return 1; }", site, cls);
		return s.buf;
	}
	/* the empty asm keeps the bound check: clang drops it when it knows
	 * every site stored there, and the verifier, having merged those
	 * paths, then sees an unbounded index into the counters. The step is
	 * exc_step's, computed at run time from the slot. */
	str_printf(&s, "{ __u64 __pyb_st = (__u64)%s; asm volatile(\"\" : \"+r\"(__pyb_st)); "
		   "if (__pyb_st < __PYB_EXC_SLOTS) __sync_fetch_and_add(&__pyb_exc[__pyb_st], 8 * (2 + __pyb_st)); } %s }", site, e->ret_stmt);
	return s.buf;
}

/* Leave the function (a probe, or an inlined helper: its FR_CALL frame). */
static char *return_code(Emitter *e, int from)
{
	Str s = {0};
	str_puts(&s, "{ ");
	for (int i = from; i >= 0; i--) {
		Frame *f = &e->frames[i];
		if (f->kind == FR_LOOP) {
			str_printf(&s, "bpf_iter_%s_destroy(&__it%d); ", f->iter, f->n);
		} else if (f->kind == FR_CALL) {
			str_printf(&s, "goto __pyb_ret%d; }", f->n);
			return s.buf;
		} else if (has_finally(f) && f->phase != PH_FINALLY) {
			str_printf(&s, "__pyb_pk%d = %d; goto __pyb_f%d; }", f->n, PEND_RETURN, f->n);
			return s.buf;
		}
	}
	str_printf(&s, "%s }", e->ret_stmt);
	return s.buf;
}

static Frame *current_call(Emitter *e)
{
	for (int i = e->nframes - 1; i >= 0; i--)
		if (e->frames[i].kind == FR_CALL)
			return &e->frames[i];
	return NULL;
}

static int innermost_loop(Emitter *e, int from)
{
	for (int i = from; i >= 0; i--)
		if (e->frames[i].kind == FR_LOOP)
			return i;
	ICE("break outside a loop");
}

static char *jump_code(Emitter *e, int from, int pend)
{
	Str s = {0};
	int l = innermost_loop(e, from);
	str_puts(&s, "{ ");
	/* frames above the loop are try statements: finally blocks run first */
	if (!via_finally(e, &s, from, l, pend))
		str_printf(&s, "goto __pyb_%s%d; ", pend == PEND_BREAK ? "brk" : "cont", e->frames[l].n);
	str_puts(&s, "}");
	return s.buf;
}

/* ---- values -------------------------------------------------------------- */

/* C truth value of an expression, as Python's bool(x). */
static char *truth(Emitter *e, Node *n)
{
	char *v = expr(e, n);
	if (strstr(v, "goto "))   /* see __pyb_cond */
		return xasprintf("__pyb_cond((%s)%s != 0)", v, n->type->kind == TY_STR ? "[0]" : "");
	if (n->type->kind == TY_STR)
		return xasprintf("((%s)[0] != 0)", v);
	return xasprintf("((%s) != 0)", v);
}

static void range_of(Type *t, long long *lo, long long *hi)
{
	if (t->kind == TY_BOOL) {
		*lo = 0, *hi = 1;
	} else if (t->kind != TY_FIXED) {
		*lo = LLONG_MIN, *hi = LLONG_MAX;
	} else if (t->is_signed) {
		*hi = t->size == 8 ? LLONG_MAX : (1LL << (t->size * 8 - 1)) - 1;
		*lo = -*hi - 1;
	} else {
		*lo = 0;
		*hi = t->size == 8 ? LLONG_MAX : (long long)((1ULL << (t->size * 8)) - 1);
	}
}

/* An int value converted for storage in t; raises OverflowError at
 * n->store_raise when the checker could not prove it fits. */
static char *int_for_store(Emitter *e, Node *n, Type *t)
{
	char *v = expr(e, n);
	long long lo, hi;
	const char *x;
	if (t->kind != TY_FIXED || !n->store_raise)
		return xasprintf("((__s64)(%s))", v);
	range_of(t, &lo, &hi);
	x = tmp(e);
	if (t->size == 8 && !t->is_signed)
		return xasprintf("({ __s64 %s = %s; if (%s < 0) %s %s; })", x, v, x, raise_code(e, n->store_raise), x);
	return xasprintf("({ __s64 %s = %s; if (%s < %s || %s > %s) %s %s; })", x, v, x, c_ll(lo), x, c_ll(hi),
			 raise_code(e, n->store_raise), x);
}

/* The int value in C expression v stored into type t (OverflowError at r
 * when out of range; no check when the checker proved it fits). */
static char *range_checked(Emitter *e, const char *v, Type *t, RaiseSite *r)
{
	long long lo, hi;
	const char *x;
	if (t->kind != TY_FIXED || !r)
		return xstrdup(v);
	range_of(t, &lo, &hi);
	x = tmp(e);
	return xasprintf("({ __s64 %s = %s; if (%s < %s || %s > %s) %s %s; })", x, v, x, c_ll(lo), x, c_ll(hi),
			 raise_code(e, r), x);
}

/* A stored value of type t at lvalue p, as an int (a u64 above 2**63-1
 * raises OverflowError at site r). */
static char *load_int(Emitter *e, Type *t, const char *p, RaiseSite *r)
{
	if (t->kind == TY_FIXED && t->size == 8 && !t->is_signed) {
		const char *x = tmp(e);
		return xasprintf("({ __u64 %s = %s; if (%s > 9223372036854775807ULL) %s (__s64)%s; })", x, p, x,
				 raise_code(e, r), x);
	}
	return xasprintf("((__s64)%s)", p);
}

static char *binop(Emitter *e, Node *n)
{
	char *l = expr(e, n->lhs), *r = expr(e, n->rhs);
	const char *a = tmp(e), *b = tmp(e), *x = tmp(e);
	switch (n->op) {
	case TK_PLUS:
	case TK_MINUS:
		/* the sign test, not __builtin_*_overflow: clang lowers that to
		 * twice the instructions on BPF. a + b overflows when a and b
		 * have one sign and the result the other; a - b when a and b
		 * differ in sign and the result differs from a. */
		return xasprintf("({ __s64 %s = %s, %s = %s, %s = (__s64)((__u64)%s %c (__u64)%s); "
				 "if (((%s ^ %s) & (%s ^ %s)) < 0) %s %s; })", a, l, b, r, x, a,
				 n->op == TK_PLUS ? '+' : '-', b, a, n->op == TK_PLUS ? x : b, n->op == TK_PLUS ? b : a, x,
				 raise_code(e, n->raise), x);
	case TK_STAR:
		return xasprintf("({ __s64 %s = %s, %s = %s, %s; if (!__pyb_mul_ok(%s, %s, &%s)) %s %s; })", a, l, b, r, x, a, b,
				 x, raise_code(e, n->raise), x);
	case TK_DSLASH:
	case TK_PERCENT:
		return xasprintf("({ __s64 %s = %s, %s = %s; if (%s == 0) %s %s__pyb_%s(%s, %s); })", a, l, b, r, b,
				 raise_code(e, n->raise),
				 n->op == TK_DSLASH ? xasprintf("if (%s == (-9223372036854775807LL - 1) && %s == -1) %s ", a, b,
								raise_at(e, n->raise, 1))
						    : "",
				 n->op == TK_DSLASH ? "floordiv" : "mod", a, b);
	case TK_LSHIFT:
		return xasprintf("({ __s64 %s = %s, %s = %s, %s; if (%s < 0) %s if (!__pyb_shl_ok(%s, %s, &%s)) %s %s; })", a,
				 l, b, r, x, b, raise_code(e, n->raise), a, b, x, raise_at(e, n->raise, 1), x);
	case TK_RSHIFT:
		return xasprintf("({ __s64 %s = %s, %s = %s; if (%s < 0) %s __pyb_shr(%s, %s); })", a, l, b, r, b,
				 raise_code(e, n->raise), a, b);
	case TK_AMP:
		return xasprintf("((__s64)(%s) & (__s64)(%s))", l, r);
	case TK_PIPE:
		return xasprintf("((__s64)(%s) | (__s64)(%s))", l, r);
	case TK_CARET:
		return xasprintf("((__s64)(%s) ^ (__s64)(%s))", l, r);
	case TK_DSTAR: {
		/* a ** k by squaring: a, a**2, a**4, ... (a square only while
		 * k has higher bits), the ones of k's bits multiplied into x.
		 * Every product is a power a**m with m <= k, so one overflows
		 * only when a**k does: OverflowError exactly when CPython's
		 * result is not an int here. In a loop, a base that is not a
		 * literal goes through an empty asm: nothing of the chain is
		 * then loop-invariant, and clang cannot hoist its products out
		 * of the loop (each one live across the whole loop, in a stack
		 * slot: a ** 63 in a loop took over 1 KB of stack). */
		Str s = {0};
		char *rz = raise_code(e, n->raise);
		bool have = false;
		Node *b = n->lhs->kind == ND_UNARY && n->lhs->op == TK_MINUS ? n->lhs->lhs : n->lhs;
		str_printf(&s, "({ __s64 %s = %s, %s = 1; (void)(%s); ", a, l, x, r);
		bool in_loop = false;
		for (int i = 0; i < e->nframes; i++)
			in_loop |= e->frames[i].kind == FR_LOOP;
		if (in_loop && b->kind != ND_INT && b->kind != ND_TRUE && b->kind != ND_FALSE && n->cval > 1)
			str_printf(&s, "asm volatile(\"\" : \"+r\"(%s)); ", a);
		for (long long k = n->cval; k; k >>= 1) {
			if ((k & 1) && !have)
				str_printf(&s, "%s = %s; ", x, a);
			else if (k & 1)
				str_printf(&s, "if (!__pyb_mul_ok(%s, %s, &%s)) %s ", x, a, x, rz);
			have |= k & 1;
			if (k >> 1)
				str_printf(&s, "if (!__pyb_mul_ok(%s, %s, &%s)) %s ", a, a, a, rz);
		}
		str_printf(&s, "%s; })", x);
		return s.buf;
	}
	default:
		ICE("binop %s", tok_names[n->op]);
	}
}

/* Comparison of two operands already evaluated into temporaries. */
static char *cmp_pair(Type *lt, const char *a, Type *rt, const char *b, CmpOp op)
{
	static const char *const cops[] = {"==", "!=", "<", "<=", ">", ">="};
	if (lt->kind == TY_STR) {
		char *eq = xasprintf("__pyb_streq(%s, %d, %s, %d)", a, lt->size, b, rt->size);
		return op == CMP_EQ ? eq : xasprintf("!%s", eq);
	}
	if (lt->kind == TY_BYTES) {   /* bytes of different lengths are never equal */
		char *eq = lt->size == rt->size ? xasprintf("__pyb_byteseq(%s, %s, %d)", a, b, lt->size) : xstrdup("0");
		return op == CMP_EQ ? eq : xasprintf("!%s", eq);
	}
	return xasprintf("(%s %s %s)", a, cops[op], b);
}

static const char *val_ctype(Type *t)
{
	return t->kind == TY_STR || t->kind == TY_BYTES ? "const char *" : "__s64 ";
}

/* ---- maps ---------------------------------------------------------------------- */

static MapDecl *map_of(Node *n)
{
	return n->sym->data;
}

/* A call of the builtin function name (pid(), comm(), ...). */
static bool is_builtin_call(Node *v, const char *name)
{
	return v->kind == ND_CALL && v->op == 0 && !(v->sym && v->sym->kind == SYM_FUNC) && v->lhs && v->lhs->kind == ND_NAME &&
	       !strcmp(v->lhs->name, name);
}

/* comm(): a str[16] that the helper writes whole, NUL-padded. */
static bool is_comm_call(Node *v)
{
	return is_builtin_call(v, "comm");
}

/* A value that cannot raise and is the same wherever in the statement it is
 * computed: a constant, or a builtin that reads the current task's ids or
 * the CPU (a BPF program does not migrate). A Struct field of one is
 * written in place, after the other fields' values, at no observable cost. */
static bool is_movable(Node *v)
{
	static const char *const f[] = {"pid", "tid", "uid", "gid", "cpu"};
	if (v->kind == ND_INT || v->kind == ND_TRUE || v->kind == ND_FALSE)
		return true;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (is_builtin_call(v, f[i]))
			return true;
	return false;
}

/* C statements copying a str value into a buffer of capacity cap (NUL-padded). */
static char *str_copy(Emitter *e, const char *dst, int cap, Node *v)
{
	char *src;
	int m = v->type->size;
	if (cap == 16 && is_comm_call(v))   /* straight into the destination, no buffer in between */
		return xasprintf("bpf_get_current_comm(%s, 16);", dst);
	src = expr(e, v);
	if (m <= cap) {
		if (m < cap)
			return xasprintf("__builtin_memcpy(%s, %s, %d); __builtin_memset(%s + %d, 0, %d);", dst, src, m, dst, m,
					 cap - m);
		return xasprintf("__builtin_memcpy(%s, %s, %d);", dst, src, m);
	}
	/* the value may be longer than the destination: ValueError if it is */
	const char *t = tmp(e);
	return xasprintf("{ const char *%s = %s; if (__pyb_strlen(%s, %d) >= %d) %s __builtin_memcpy(%s, %s, %d); }", t, src,
			 t, m, cap, raise_code(e, v->store_raise), dst, t, cap);
}

/* The statements that build the key of map m from node k; *kptr gets a
 * C pointer expression to it. Used inside statement expressions, so the
 * key is computed exactly where Python evaluates it. */
/* A key's int: stored into the key type t. In a lookup (`in`, get, del:
 * e->key_ok set) a value outside t cannot be a key in the map, so it is
 * not an error (CPython would just not find it): the flag is cleared. */
static char *key_int(Emitter *e, Node *k, Type *t, const char *ok)
{
	long long lo, hi;
	const char *x;
	if (!ok || t->kind != TY_FIXED || !k->store_raise)
		return int_for_store(e, k, t);
	range_of(t, &lo, &hi);
	x = tmp(e);
	if (t->size == 8 && !t->is_signed)
		return xasprintf("({ __s64 %s = %s; if (%s < 0) %s = 0; %s; })", x, expr(e, k), x, ok, x);
	return xasprintf("({ __s64 %s = %s; if (%s < %s || %s > %s) %s = 0; %s; })", x, expr(e, k), x, c_ll(lo), x, c_ll(hi),
			 ok, x);
}

/* key_setup for a lookup: "int ok = 1; <setup>", *ok naming the flag */
static char *key_setup(Emitter *e, MapDecl *m, Node *k, const char **kptr);
static char *lookup_key_setup(Emitter *e, MapDecl *m, Node *k, const char **kptr, const char **ok)
{
	const char *saved = e->key_ok;
	char *setup;
	*ok = tmp(e);
	e->key_ok = *ok;
	setup = key_setup(e, m, k, kptr);
	e->key_ok = saved;
	return xasprintf("int %s = 1; %s", *ok, setup);
}

static char *key_setup_in(Emitter *e, MapDecl *m, Node *k, const char **kptr, const char *ok);

/* The flag is the lookup's own: a map read inside the key expression
 * (d.get(e[k2], 0)) must raise for its own key, not clear d's flag */
static char *key_setup(Emitter *e, MapDecl *m, Node *k, const char **kptr)
{
	const char *ok = e->key_ok;
	char *r;
	e->key_ok = NULL;
	r = key_setup_in(e, m, k, kptr, ok);
	e->key_ok = ok;
	return r;
}

/* A bytes[n] key: a local's or a read's own bytes are the key as they are;
 * anything else (a literal) is copied into a buffer first */
static char *bytes_key(Emitter *e, Node *k, int n, const char **kptr)
{
	if ((k->kind == ND_NAME && k->sym && k->sym->kind == SYM_LOCAL) || is_builtin_call(k, "user_bytes") ||
	    is_builtin_call(k, "kernel_bytes")) {
		const char *t = tmp(e);
		*kptr = t;
		return xasprintf("const char *%s = %s;", t, expr(e, k));
	}
	const char *b = buffer(e, n);
	*kptr = b;
	return xasprintf("__builtin_memcpy(%s, %s, %d);", b, expr(e, k), n);
}

/* ---- task and cgroup local storage (TaskStorage, CgrpStorage) ----
 * The key is the task (cgroup) pointer; the items are reached with the
 * kernel's bpf_task_storage_get/_delete (bpf_cgrp_storage_...), not with
 * bpf_map_lookup_elem, which the verifier refuses for these maps. */
static const char *storage_fn(MapDecl *m)
{
	return xasprintf("bpf_%s_storage", storage_infix(m->type->map_kind));
}

/* A pointer to m's item of key kp, or NULL when there is none */
static char *lookup_call(MapDecl *m, const char *kp)
{
	if (MAP_IS_STORAGE(m->type->map_kind))
		return xasprintf("((%s *)%s_get(&%s, %s, 0, 0))", ty_ctype(m->type->val), storage_fn(m), m->cname, kp);
	return xasprintf("bpf_map_lookup_elem(&%s, %s)", m->cname, kp);
}

/* bpf.map_lookup_percpu_elem(m, key, cpu): CPU cpu's value of key kp, or NULL */
static char *percpu_lookup(Emitter *e, MapDecl *m, const char *kp, Node *cpu)
{
	return xasprintf("bpf_map_lookup_percpu_elem(&%s, %s, (__u32)(%s))", m->cname, kp,
			 int_for_store(e, cpu, ty_fixed(4, false)));
}

/* A storage item of key kp, created (zero) when missing; NULL: no memory
 * for it (or the task is exiting) */
static char *create_call(MapDecl *m, const char *kp)
{
	return xasprintf("((%s *)%s_get(&%s, %s, 0, 1 /* BPF_LOCAL_STORAGE_GET_F_CREATE */))", ty_ctype(m->type->val),
			 storage_fn(m), m->cname, kp);
}

/* m[kp] = *vp: 0, or nonzero when there is no room */
static char *update_call(MapDecl *m, const char *kp, const char *v)
{
	if (MAP_IS_STORAGE(m->type->map_kind))
		return xasprintf("({ %s *__sp = %s; __sp ? (*__sp = %s, 0) : 1; })", ty_ctype(m->type->val), create_call(m, kp), v);
	return xasprintf("bpf_map_update_elem(&%s, %s, &%s, __PYB_ANY)", m->cname, kp, v);
}

/* del m[kp]: 0, or nonzero when the key is missing */
static char *delete_call(MapDecl *m, const char *kp)
{
	if (MAP_IS_STORAGE(m->type->map_kind))
		return xasprintf("%s_delete(&%s, %s)", storage_fn(m), m->cname, kp);
	return xasprintf("bpf_map_delete_elem(&%s, %s)", m->cname, kp);
}

/* d[k] of a defaultdict (+=): the item, inserted as zero when missing; NULL when there is no room */
static char *lookup_or_init_call(MapDecl *m, const char *kp)
{
	if (MAP_IS_STORAGE(m->type->map_kind))
		return create_call(m, kp);
	return xasprintf("__pyb_lookup_or_init(&%s, %s, (const void *)&__pyb_zero8)", m->cname, kp);
}

static char *key_setup_in(Emitter *e, MapDecl *m, Node *k, const char **kptr, const char *ok)
{
	Type *kt = m->type->key;
	if (MAP_IS_STORAGE(m->type->map_kind)) {   /* the task (cgroup) pointer itself */
		const char *t = tmp(e);
		*kptr = t;
		return xasprintf("void *%s = (void *)(%s);", t, expr(e, k));
	}
	if (kt->kind == TY_STR && kt->size == 16 && is_comm_call(k)) {
		/* no initializer: bpf_get_current_comm writes all 16 bytes */
		const char *b = xasprintf("__b%d", e->tmp++);
		scope_decl(e, xasprintf("\tchar %s[16];\n", b));
		stack_note("a string value", 16, e->pyline);
		*kptr = b;
		return str_copy(e, b, kt->size, k);
	}
	if (kt->kind == TY_STR) {
		const char *b = buffer(e, kt->size);
		*kptr = b;
		return str_copy(e, b, kt->size, k);
	}
	if (kt->kind == TY_BYTES)   /* exactly kt->size bytes (the checker saw to it) */
		return bytes_key(e, k, kt->size, kptr);
	const char *t = tmp(e);
	if (m->unkeyed) {
		*kptr = xasprintf("&%s", t);
		return xasprintf("__u32 %s = 0;", t);
	}
	if (m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY) {
		/* a list index: negative counts from the end; out of range is IndexError */
		const char *i = tmp(e);
		*kptr = xasprintf("&%s", t);
		return xasprintf("__s64 %s = %s; if (%s < 0) %s += %u; if (%s < 0 || %s >= %u) %s __u32 %s = (__u32)%s;", i,
				 expr(e, k), i, i, m->max_entries, i, i, m->max_entries, raise_code(e, k->store_raise), t, i);
	}
	if (m->type->map_kind == MAP_LPM) {
		/* {prefix length, the key's bytes most significant first} */
		int bits = kt->size * 8;
		const char *v = tmp(e), *len = tmp(e);
		static const char *const swap[9] = {[1] = "", [2] = "__builtin_bswap16", [4] = "__builtin_bswap32",
						    [8] = "__builtin_bswap64"};
		Node *addr = k->kind == ND_TUPLE ? VEC_AT(k->elts, 0) : k, *ln = k->kind == ND_TUPLE ? VEC_AT(k->elts, 1) : NULL;
		Str s = {0};
		*kptr = xasprintf("&%s", t);
		str_printf(&s, "struct __pyb_lpm_%s %s; %s %s = %s;", m->cname, t, ty_ctype(kt), v, key_int(e, addr, kt, ok));
		if (ln)
			str_printf(&s, " __s64 %s = %s; if (%s < 0 || %s > %d) %s %s.prefixlen = (__u32)%s;", len, expr(e, ln), len, len,
				   bits, raise_code(e, ln->store_raise), t, len);
		else
			str_printf(&s, " %s.prefixlen = %d;", t, bits);
		str_printf(&s, " %s = %s(%s); __builtin_memcpy(%s.data, &%s, %d);", v, swap[kt->size], v, t, v, kt->size);
		return s.buf;
	}
	if (kt->kind == TY_TUPLE) {
		/* a struct key: zero it first, so padding bytes hash the same */
		Str s = {0};
		*kptr = xasprintf("&%s", t);
		str_printf(&s, "%s %s; __builtin_memset(&%s, 0, sizeof(%s));", ty_ctype(kt), t, t, t);
		for (int i = 0; i < k->elts.len; i++) {
			Node *x = VEC_AT(k->elts, i);
			Type *et = VEC_AT(kt->elems, i);
			if (et->kind == TY_STR)
				str_printf(&s, " %s", str_copy(e, xasprintf("%s.f%d", t, i), et->size, x));
			else if (et->kind == TY_BYTES)
				str_printf(&s, " __builtin_memcpy(%s.f%d, %s, %d);", t, i, expr(e, x), et->size);
			else
				str_printf(&s, " %s.f%d = %s;", t, i, key_int(e, x, et, ok));
		}
		return s.buf;
	}
	*kptr = xasprintf("&%s", t);
	return xasprintf("%s %s = %s;", ty_ctype(kt), t, key_int(e, k, kt, ok));
}

/* ---- Struct records ---------------------------------------------------------- */

/* Statements that evaluate the fields of a constructor call into
 * temporaries (in Python's order), and the statements that then store them
 * into the struct lvalue dst (a "->" or "." path prefix, e.g. "r->"). */
static void struct_ctor(Emitter *e, Node *call, const char *dst, const char *addr, Str *eval, Str *fill)
{
	Type *st = call->type;
	int fsize = 0;
	/* every field is written below: only padding needs the memset */
	for (int i = 0; i < st->elems.len; i++)
		fsize += ((Type *)VEC_AT(st->elems, i))->kind == TY_BOOL ? 1 :
			 ((Type *)VEC_AT(st->elems, i))->kind == TY_LOCK ? 0 : ty_size(VEC_AT(st->elems, i));   /* a lock: zeroed */
	if (fsize != st->size)
		str_printf(fill, "__builtin_memset(%s, 0, sizeof(%s)); ", addr, ty_ctype(st));
	/* arguments in the order they were written, then defaults */
	for (int i = 0; i < st->fnames.len; i++) {
		Node *v = VEC_AT(call->targets, i);
		Type *ft = VEC_AT(st->elems, i);
		const char *t = tmp(e);
		if (!v)
			v = VEC_AT(st->fdefaults, i);
		if (ft->kind == TY_LOCK)
			continue;   /* a SpinLock starts unlocked: zero (check_lock.c) */
		if (ft->kind == TY_STR && ft->size == 16 && is_comm_call(v)) {
			/* comm() cannot raise and reads nothing the other arguments
			 * change: it is read straight into the field, in place */
			str_printf(fill, "bpf_get_current_comm(%sf_%s, 16); ", dst, (char *)VEC_AT(st->fnames, i));
		} else if (ft->kind == TY_STR) {
			const char *b = buffer(e, ft->size);
			str_printf(eval, "%s ", str_copy(e, b, ft->size, v));
			str_printf(fill, "__builtin_memcpy(%sf_%s, %s, %d); ", dst, (char *)VEC_AT(st->fnames, i), b, ft->size);
		} else if (ft->kind == TY_BYTES) {
			/* exactly N bytes, copied into the field below. A literal (in
			 * .rodata), a local, a read (into a buffer of its own) or a
			 * field of another record is used where it is; a field of
			 * the record being replaced (which the padding memset would
			 * clear) is copied into a buffer first */
			const char *b = t;
			bool own = v->kind == ND_ATTR && v->lhs->kind == ND_NAME && v->lhs->sym &&
				   !strcmp(dst, xasprintf("%s.", local_name(e, v->lhs->sym)));
			if (v->kind == ND_STR || v->kind == ND_NAME || v->kind == ND_CALL || (v->kind == ND_ATTR && !own)) {
				str_printf(eval, "const char *%s = %s; ", t, expr(e, v));
			} else {
				b = buffer(e, ft->size);
				str_printf(eval, "__builtin_memcpy(%s, %s, %d); ", b, expr(e, v), ft->size);
			}
			str_printf(fill, "__builtin_memcpy(%sf_%s, %s, %d); ", dst, (char *)VEC_AT(st->fnames, i), b, ft->size);
		} else if (!v->store_raise && is_movable(v)) {
			str_printf(fill, "%sf_%s = %s; ", dst, (char *)VEC_AT(st->fnames, i), int_for_store(e, v, ft));
		} else {
			str_printf(eval, "__s64 %s = %s; ", t, int_for_store(e, v, ft));
			str_printf(fill, "%sf_%s = %s; ", dst, (char *)VEC_AT(st->fnames, i), t);
		}
	}
}

/* A record that did not fit in its ring buffer: counter 0 goes up by its
 * step. At the end of a probe (at_end: the probe body's last statement,
 * outside any frame), where only the return follows, the raise block does
 * it (two instructions, not four). */
static const char *lost_stmt(Emitter *e, bool at_end)
{
	if (at_end) {
		e->raises = true;
		return xasprintf("__pyb_site = %d; goto __pyb_raise;", pyb_counter_step(0));
	}
	return xasprintf("__sync_fetch_and_add(&__pyb_lost, %d);", pyb_counter_step(0));
}

/* events.output(rec): reserve, fill, submit; a full ring buffer is counted */
static void ringbuf_output(Emitter *e, Node *call, bool at_end)
{
	MapDecl *m = call->sym->data;
	Node *a = VEC_AT(call->elts, 0);
	const char *r = tmp(e);
	Str eval = {0}, fill = {0};
	line(e, "{");
	e->indent++;
	if (a->kind == ND_CALL && a->op == 'c') {
		struct_ctor(e, a, xasprintf("%s->", r), r, &eval, &fill);
		if (eval.len)
			line(e, "%s", eval.buf);
	} else {
		str_printf(&fill, "__builtin_memcpy(%s, &%s, sizeof(*%s)); ", r, expr(e, a), r);
	}
	line(e, "%s *%s = bpf_ringbuf_reserve(&%s, sizeof(*%s), 0);", ty_ctype(m->type->val), r, m->cname, r);
	line(e, "if (!%s) {", r);
	line(e, "\t%s", lost_stmt(e, at_end));
	line(e, "} else {");
	line(e, "\t%s", fill.buf);
	line(e, "\tbpf_ringbuf_submit(%s, 0);", r);
	line(e, "}");
	e->indent--;
	line(e, "}");
}

/* Zero a reserved record: stores for a small one; above what clang
 * expands inline (128 stores, of one byte for a record of chars), a
 * failing bpf_probe_read_kernel from NULL, which zeroes its destination. */
static char *zero_record(const char *p, int size)
{
	if (size <= 128)
		return xasprintf("__builtin_memset(%s, 0, %d);", p, size);
	return xasprintf("bpf_probe_read_kernel(%s, %d, (const void *)0);", p, size);
}

/* with bpf.ringbuf_reserve(events) as rec: (or _dynptr, as d:): reserve
 * a zeroed record; a full ring buffer is a lost record, counted, and the
 * target is None (check_dynptr.c) */
static void ringbuf_begin(Emitter *e, Node *call, Sym *y)
{
	MapDecl *m = call->sym->data;
	const char *x = local_name(e, y), *p = tmp(e);
	Type *rec = m->type->val;
	if (y->type->kind == TY_DYNPTR) {
		line(e, "%s__some = __pyb_h_ringbuf_reserve_dynptr(&%s, %d, 0, &%s) == 0;", x, m->cname, ty_size(rec), x);
		line(e, "if (!%s__some) { %s } else { void *%s = __pyb_h_dynptr_data(&%s, 0, %d); if (%s) %s }",
		     x, lost_stmt(e, false), p, x, ty_size(rec), p, zero_record(p, ty_size(rec)));
		return;
	}
	line(e, "%s = bpf_ringbuf_reserve(&%s, sizeof(*%s), 0);", x, m->cname, x);
	line(e, "if (!%s) { %s } else %s", x, lost_stmt(e, false), zero_record(x, ty_size(rec)));
}

/* The end of the block: in its try's finally (the innermost frame), an
 * exception pending discards, anything else submits; a failed dynptr
 * reservation is discarded too, as the kernel requires */
static char *ringbuf_end(Emitter *e, Sym *y)
{
	int n = e->frames[e->nframes - 1].n;
	const char *x = local_name(e, y);
	if (y->type->kind == TY_DYNPTR)
		return xasprintf("((__pyb_pk%1$d == %2$d || !%3$s__some) ? __pyb_h_ringbuf_discard_dynptr(&%3$s, 0) : "
				 "__pyb_h_ringbuf_submit_dynptr(&%3$s, 0), 0)", n, PEND_EXC, x);
	return xasprintf("(%3$s ? (__pyb_pk%1$d == %2$d ? __pyb_h_ringbuf_discard(%3$s, 0) : __pyb_h_ringbuf_submit(%3$s, 0), 0) : 0)",
			 n, PEND_EXC, x);
}

/* d = bpf.dynptr_from_mem(data, flags): a dynptr over a copy of data
 * (bytes are immutable) in this site's per-CPU map value of this probe
 * (a def helper's site serves every probe that calls it), as the kernel
 * takes map memory only; n->elts: data, flags, then the Dynptr local it
 * initializes. Should the lookup fail, the dynptr is one of 0 bytes, so
 * that it is initialized on every path. */
static char *dynptr_from_mem(Emitter *e, Node *n)
{
	Node *data = VEC_AT(n->elts, 0), *d = VEC_AT(n->elts, 2);
	const char *os = raise_at(e, n->raise, 0), *k = tmp(e), *m = tmp(e), *fl = tmp(e), *x = local_name(e, d->sym);
	int size = ty_size(data->type);
	return xasprintf("({ __u32 %1$s = %11$d; __u64 %3$s = (__u64)(%4$s); char *%2$s = bpf_map_lookup_elem(&__pyb_dynmem%5$d, &%1$s); "
			 "if (%2$s) __builtin_memcpy(%2$s, %6$s%7$s, %8$d); "
			 "__s64 __hr = %2$s ? (__s64)__pyb_h_dynptr_from_mem(%2$s, %8$d, %3$s, &%9$s) : "
			 "(__s64)__pyb_h_dynptr_from_mem((void *)&__pyb_opaque_zero, 0, %3$s, &%9$s); if (__hr < 0) %10$s __hr; })",
			 k, m, fl, int_for_store(e, VEC_AT(n->elts, 1), ty_fixed(8, false)), n->id,
			 data->type->kind == TY_STRUCT ? "&" : "", expr(e, data), size, x, os, e->probe_index);
}

/* d[k]: a Hash is a collections.defaultdict, so a missing key is inserted
 * with the zero value (MapFullError when there is no room) */
static char *map_read(Emitter *e, Node *n)
{
	MapDecl *m = map_of(n->lhs);
	const char *kp, *v = tmp(e);
	const char *vt = ty_ctype(m->type->val);
	char *setup = key_setup(e, m, n->rhs, &kp);
	if (m->type->map_kind == MAP_LPM || MAP_IS_STORAGE(m->type->map_kind))   /* the longest matching prefix; the task's item: or KeyError */
		return xasprintf("({ %s %s *%s = %s; if (!%s) %s %s; })", setup, vt, v, lookup_call(m, kp), v,
				 raise_code(e, n->raise),
				 load_int(e, m->type->val, xasprintf("*%s", v), VEC_AT(e->prog->raises, n->raise->id + 1)));
	if (m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY)
		return xasprintf("({ %s %s *%s = bpf_map_lookup_elem(&%s, %s); %s ? %s : 0; })", setup, vt, v, m->cname, kp, v,
				 load_int(e, m->type->val, xasprintf("*%s", v), VEC_AT(e->prog->raises, n->raise->id + 1)));
	return xasprintf("({ %s %s *%s = __pyb_lookup_or_init(&%s, %s, (const void *)&__pyb_zero8); if (!%s) %s %s; })", setup, vt, v,
			 m->cname, kp, v, raise_code(e, n->raise),
			 load_int(e, m->type->val, xasprintf("*%s", v), VEC_AT(e->prog->raises, n->raise->id + 1)));
}

/* d.get(k, default) */
static char *map_get(Emitter *e, Node *n)
{
	MapDecl *m = map_of(n->lhs);
	const char *kp, *v = tmp(e), *d = tmp(e), *ok;
	char *setup = lookup_key_setup(e, m, n->rhs, &kp, &ok);
	char *dv = expr(e, VEC_AT(n->elts, 1));
	return xasprintf("({ %s __s64 %s = %s; %s *%s = %s ? %s : 0; %s ? %s : %s; })", setup, d, dv,
			 ty_ctype(m->type->val), v, ok, lookup_call(m, kp), v,
			 load_int(e, m->type->val, xasprintf("*%s", v), n->raise), d);
}

/* k in d, k not in d */
static char *map_contains(Emitter *e, Node *n)
{
	Node *mn = VEC_AT(n->elts, 0);
	MapDecl *m = map_of(mn);
	const char *kp, *ok;
	char *setup = lookup_key_setup(e, m, n->lhs, &kp, &ok);
	return xasprintf("({ %s %s__pyb_found(%s ? %s : 0); })", setup,
			 n->cmpops[0] == CMP_IN ? "" : "!", ok, lookup_call(m, kp));
}

/* ---- expressions ------------------------------------------------------------- */

static char *compare(Emitter *e, Node *n)
{
	if (n->op == 'n' && n->lhs->sym->type->kind == TY_DYNPTR)   /* a dynptr reservation failed / did not */
		return xasprintf("(%s%s__some)", n->cmpops[0] == CMP_IS ? "!" : "", local_name(e, n->lhs->sym));
	if (n->op == 'n' && n->lhs->sym->ref)   /* a with block's kernel reference is None / is not None */
		return xasprintf("(%s %s 0)", local_name(e, n->lhs->sym), n->cmpops[0] == CMP_IS ? "==" : "!=");
	if (n->op == 'n')   /* x is None / x is not None */
		return xasprintf("(%s%s__some)", n->cmpops[0] == CMP_IS ? "!" : "", local_name(e, n->lhs->sym));
	Str s = {0};
	const char *r = tmp(e), *prev = tmp(e);
	Type *pt = n->lhs->type;
	if (n->op == 'B') {   /* x in bloom */
		MapDecl *m = map_of(VEC_AT(n->elts, 0));
		const char *v = tmp(e);
		return xasprintf("({ %s %s = %s; bpf_map_peek_elem(&%s, &%s) %s 0; })", ty_ctype(m->type->val), v,
				 int_for_store(e, n->lhs, m->type->val), m->cname, v, n->cmpops[0] == CMP_IN ? "==" : "!=");
	}
	if (n->op == 'F') {   /* x in T of a Final tuple: a loop over its items (bpf/pybpf.h) */
		ConstDecl *k = ((Node *)VEC_AT(n->elts, 0))->sym->data;
		const char *neg = n->cmpops[0] == CMP_IN ? "" : "!";
		if (k->type->kind == TY_STR)
			return xasprintf("(%s__pyb_in_strs(%s, %d, &%s[0][0], %d, %d))", neg, expr(e, n->lhs), pt->size, k->cname,
					 k->nitems, k->type->size);
		return xasprintf("(%s__pyb_in_s64s(%s, %s, %d))", neg, expr(e, n->lhs), k->cname, k->nitems);
	}
	if (n->cmpops[0] == CMP_IN || n->cmpops[0] == CMP_NOT_IN)
		return map_contains(e, n);
	/* a < b < c: each operand is evaluated once, and only if the
	 * comparisons before it held; each step nests in the previous one */
	str_printf(&s, "({ int %s; %s%s = %s; ", r, val_ctype(pt), prev, expr(e, n->lhs));
	for (int i = 0; i < n->elts.len; i++) {
		Node *o = VEC_AT(n->elts, i);
		const char *cur = tmp(e);
		if (i)
			str_printf(&s, "if (%s) ", r);
		str_printf(&s, "{ %s%s = %s; %s = %s; ", val_ctype(o->type), cur, expr(e, o), r,
			   cmp_pair(pt, prev, o->type, cur, n->cmpops[i]));
		prev = cur;
		pt = o->type;
	}
	for (int i = 0; i < n->elts.len; i++)
		str_puts(&s, "} ");
	str_printf(&s, "%s; })", r);
	return s.buf;
}

/* ---- kernel memory ---------------------------------------------------------- */

/* The C spelling of a pointer to kernel struct id. */
static const char *kptr_ctype(Emitter *e, int id)
{
	return xasprintf("%s *", kemit_c_type(e->prog->kemit, id));
}

/* bpf.this_cpu_ptr(ksym("x")), bpf.per_cpu_ptr(ksym("x"), cpu): check_percpu.c */
static char *percpu_ptr(Emitter *e, Node *n)
{
	const char *var = ((Node *)VEC_AT(n->elts, 0))->name, *ct = kptr_ctype(e, n->type->btf_id), *p;
	if (n->elts.len == 1)
		return xasprintf("((%s)__pyb_h_this_cpu_ptr((const void *)&%s))", ct, var);
	p = tmp(e);
	return xasprintf("({ %s %s = (%s)__pyb_h_per_cpu_ptr((const void *)&%s, %s); if (!%s) %s %s; })", ct, p, ct, var,
			 int_for_store(e, VEC_AT(n->elts, 1), ty_fixed(4, false)), p, raise_code(e, n->raise), p);
}

/* A field access chain x.a.b (x a pointer to a kernel struct, a and b
 * embedded): the pointer x as a C expression, its struct, and "a.b". */
static void kaccess(Emitter *e, Node *n, char **root, int *root_id, Str *path)
{
	Node *l = n->lhs;
	if (l->type->kind == TY_KVAL) {
		kaccess(e, l, root, root_id, path);
		str_printf(path, ".%s", n->name);
		return;
	}
	*root = expr(e, l);
	*root_id = l->type->btf_id;
	str_puts(path, n->name);
}

/* ---- copies of user structs (check_user_copy) ----------------------------
 *
 * ts = user_read(p) reads the whole struct with one bpf_probe_read_user
 * into a local that is a buffer of the kernel's size of the struct (the
 * emitted declaration is partial, so not the C type itself); ts.tv_sec is
 * then a load through a pointer of the emitted type into that buffer,
 * CO-RE relocated like every other field access. */
static char *copy_decl(Emitter *e, Sym *y)
{
	KInfo in;
	kbtf_info(e->prog->btf, y->type->btf_id, &in);
	stack_note(xasprintf("'%s' (a copy of %s)", y->name, kbtf_type_name(e->prog->btf, y->type->btf_id)), in.size,
		   y->decl->tok->loc.line);
	return xasprintf("__u64 %s[%d] = {}", local_name(e, y), (in.size + 7) / 8);
}

/* ts = user_read(p): one read of the whole struct (FaultError at the call) */
static char *copy_read(Emitter *e, Sym *y, Node *value)
{
	KInfo in;
	kbtf_info(e->prog->btf, y->type->btf_id, &in);
	return xasprintf("if (bpf_probe_read_user(%s, %d, (const void *)(%s))) %s", local_name(e, y), in.size, expr(e, value),
			 raise_code(e, value->raise));
}

/* The local holding the copy that field n is read from (ts of ts.a.b), or NULL. */
static Node *copy_root(Node *n)
{
	for (n = n->lhs; n->type->kind == TY_KVAL; n = n->lhs)
		if (n->type->copy && n->kind == ND_NAME)
			return n;
	return NULL;
}

/* Whether field n is read in place: in a copy, or in a header of the
 * packet (bounds checked when it was taken, check_packet.c) */
static bool direct_field(Node *n)
{
	Node *l = n->lhs;
	while (l->type->kind == TY_KVAL && !(l->type->copy && l->kind == ND_NAME))
		l = l->lhs;
	return copy_root(n) || (l->type->kind == TY_KPTR && l->type->pkt);
}

/* The C lvalue of field n (a.b.c) of a kernel struct: through the root
 * pointer, or in a copy; *kbase the root pointer as a C expression. */
static char *field_lvalue(Emitter *e, Node *n, const char **kbase)
{
	Node *l = n->lhs;
	if (l->type->kind == TY_KVAL && !(l->type->copy && l->kind == ND_NAME))
		return xasprintf("%s.%s", field_lvalue(e, l, kbase), n->name);
	if (l->type->kind == TY_KVAL)   /* in a copy */
		*kbase = xasprintf("((%s)%s)", kptr_ctype(e, l->type->btf_id), local_name(e, l->sym));
	else
		*kbase = xasprintf("((%s)(%s))", kptr_ctype(e, l->type->btf_id), expr(e, l));
	return xstrdup(n->name);
}

/* A field read from a copy (nothing can fail), or an embedded struct
 * in_addr / in6_addr as its bytes[N] (check_addr_value): from a copy, or
 * read from user or kernel memory (FaultError). */
static char *copy_or_addr_field(Emitter *e, Node *n)
{
	KField *kf = n->kf;
	const char *base, *b;
	char *path = field_lvalue(e, n, &base);
	bool root = direct_field(n);
	if (n->type->kind == TY_BYTES) {
		Node *rn = n->lhs;
		if (root)
			return xasprintf("((const char *)&%s->%s)", base, path);
		while (rn->type->kind == TY_KVAL)
			rn = rn->lhs;
		b = buffer(e, n->type->size);
		return xasprintf("({ if (bpf_probe_read_%s(%s, %d, &%s->%s)) %s (const char *)%s; })", rn->type->user ? "user" : "kernel",
				 b, n->type->size, base, path, raise_code(e, n->raise), b);
	}
	if (kf->bit_size && root && n->lhs->type->kind == TY_KPTR && packet_bitfield(base, kf))   /* a header's (emit_packet.c) */
		return packet_bitfield(base, kf);
	if (kf->bit_size)
		return xasprintf("((__s64)%s)", kemit_bitfield_read(e->prog->kemit, base, path));
	if (n->type->kind == TY_STR) {   /* a char array: up to its first NUL, as bpf_probe_read_user_str gives */
		b = buffer(e, n->type->size);
		return xasprintf("({ bpf_probe_read_kernel_str(%s, %d, %s->%s); (const char *)%s; })", b, n->type->size, base, path, b);
	}
	if (n->type->kind == TY_KPTR)
		return xasprintf("((%s)%s->%s)", kptr_ctype(e, n->type->btf_id), base, path);
	KInfo in;
	kbtf_info(e->prog->btf, kf->type, &in);
	if (in.kind == KK_PTR)
		return xasprintf("((const void *)%s->%s)", base, path);
	const char *v = tmp(e);
	if (in.size == 8 && !in.is_signed)
		return xasprintf("({ __u64 %s = %s->%s; if (%s > 9223372036854775807ULL) %s (__s64)%s; })", v, base, path, v,
				 raise_code(e, n->raise), v);
	return xasprintf("((__s64)%s->%s)", base, path);
}

/* A field of a kernel struct, read with bpf_probe_read_kernel from a CO-RE
 * relocated address (FaultError when the read fails). */
static char *kernel_field(Emitter *e, Node *n)
{
	if (n->type->kind == TY_BYTES || direct_field(n))
		return copy_or_addr_field(e, n);
	KField *kf = n->kf;
	char *root;
	int root_id;
	Str path = {0};
	const char *r = tmp(e), *v = tmp(e);
	Node *rn = n->lhs;
	while (rn->type->kind == TY_KVAL)
		rn = rn->lhs;
	const char *mem = rn->type->user ? "user" : "kernel";   /* typed user pointers: check_uptr.c */
	kaccess(e, n, &root, &root_id, &path);
	if (kf->bit_size) {
		const char *get = kemit_bitfield_probe(e->prog->kemit, r, path.buf);
		return xasprintf("({ %s%s = %s; (__s64)%s; })", kptr_ctype(e, root_id), r, root, get);
	}
	if (n->type->kind == TY_STR) {
		const char *b = buffer(e, n->type->size);
		return xasprintf("({ %s%s = %s; __builtin_memset(%s, 0, %d); if (bpf_probe_read_%s_str(%s, %d, &%s->%s) < 0) %s "
				 "(const char *)%s; })",
				 kptr_ctype(e, root_id), r, root, b, n->type->size, mem, b, n->type->size, r, path.buf,
				 raise_code(e, n->raise), b);
	}
	const char *vt = n->type->kind == TY_KPTR ? kptr_ctype(e, n->type->btf_id) : kemit_c_type(e->prog->kemit, kf->type);
	char *val;
	if (n->type->kind == TY_KPTR) {
		val = xstrdup(v);
	} else {
		KInfo in;
		kbtf_info(e->prog->btf, kf->type, &in);
		if (in.size == 8 && !in.is_signed && in.kind != KK_PTR)
			val = xasprintf("({ if ((__u64)%s > 9223372036854775807ULL) %s (__s64)%s; })", v, raise_at(e, n->raise, 1), v);
		else
			val = xasprintf("(__s64)%s", v);
	}
	/* no initializer: the helper writes all of v, zeros when the read
	 * fails (a failed CO-RE relocation is then the statement's first
	 * instruction, one clang gives no line: see explain_failure) */
	return xasprintf("({ %s%s = %s; %s %s; if (bpf_probe_read_%s(&%s, sizeof(%s), &%s->%s)) %s %s; })",
			 kptr_ctype(e, root_id), r, root, vt, v, mem, v, v, r, path.buf, raise_code(e, n->raise), val);
}

/* args.field of a tracepoint: at a fixed offset in the context */
static char *tp_field(Emitter *e, Node *n)
{
	TpField *f = (TpField *)n->kf;
	if (f->is_ptr)
		return xasprintf("((const void *)*(__u64 *)((char *)ctx + %d))", f->offset);
	if (f->array_len) {
		const char *b = buffer(e, f->array_len);
		return xasprintf("({ bpf_probe_read_kernel(%s, %d, (char *)ctx + %d); (const char *)%s; })", b, f->array_len,
				 f->offset, b);
	}
	return xasprintf("((__s64)*(__%c%d *)((char *)ctx + %d))", f->is_signed ? 's' : 'u', f->size * 8, f->offset);
}

/* user_str(p, N) / kernel_str(p, N) */
static char *read_str(Emitter *e, Node *n, bool user)
{
	const char *b = buffer(e, n->type->size);
	return xasprintf("({ __builtin_memset(%s, 0, %d); if (bpf_probe_read_%s_str(%s, %d, (const void *)(%s)) < 0) %s "
			 "(const char *)%s; })",
			 b, n->type->size, user ? "user" : "kernel", b, n->type->size, expr(e, VEC_AT(n->elts, 0)),
			 raise_code(e, n->raise), b);
}

static void block(Emitter *e, Vec *body);
static Frame *push_frame(Emitter *e, int kind, Node *n);

/* f(args): the helper's body inlined in a statement expression, with its
 * own names for its locals; its `return` jumps to the end, and exceptions
 * go on to the caller's handlers through the same frames. */
/* Does the function body assign to local y? */
static bool assigns(Node *n, Sym *y)
{
	Vec *lists[4];
	if (!n)
		return false;
	if (n->kind == ND_NAME)
		return n->sym == y;
	switch (n->kind) {
	case ND_ASSIGN:
		for (int i = 0; i < n->targets.len; i++)
			if (assigns(VEC_AT(n->targets, i), y))
				return true;
		return false;
	case ND_AUGASSIGN:
	case ND_ANNASSIGN:
		return assigns(n->target, y);
	case ND_FOR:
		if (assigns(n->target, y))
			return true;
		break;
	case ND_IF: case ND_TRY: case ND_HANDLER: case ND_WITH:
		break;
	default:
		return false;
	}
	lists[0] = &n->body, lists[1] = &n->orelse, lists[2] = &n->finalbody, lists[3] = &n->handlers;
	for (int l = 0; l < 4; l++)
		for (int i = 0; i < lists[l]->len; i++)
			if (assigns(VEC_AT(*lists[l], i), y))
				return true;
	return false;
}

static char *inline_call(Emitter *e, Node *n)
{
	FuncDecl *fd = n->sym->data;
	Node *fn = fd->def;
	Str saved = e->body, text = {0};
	const char *saved_suffix = e->suffix;
	int saved_indent = e->indent;
	Frame *f;

	if (++e->inline_depth > 32)
		error_at(n->tok->loc, "helper calls are nested too deeply to inline (more than 32)");
	/* the callee's locals first (under its own names), then the arguments,
	 * evaluated in the caller left to right, straight into the parameters
	 * (a str argument is copied once: the stack is small) */
	int callee = e->tmp++;
	const char *callee_suffix = xasprintf("_i%d", callee);
	char **pnames = xcalloc(fd->params.len + 1, sizeof(char *));
	bool *alias = xcalloc(fd->params.len + 1, sizeof(bool));
	str_puts(&text, "({ ");
	e->suffix = callee_suffix;
	for (int i = 0; i < fn->locals->len; i++) {
		Sym *y = VEC_AT(*fn->locals, i);
		int pj = -1;
		for (int j = 0; j < fd->params.len; j++)
			if (VEC_AT(fd->params, j) == y)
				pj = j;
		/* a str parameter the function never assigns, given a value of
		 * the same capacity, is the caller's buffer itself (str is immutable) */
		if (pj >= 0 && y->type->kind == TY_STR && ((Node *)VEC_AT(n->elts, pj))->type->size == y->type->size) {
			bool changed = false;
			for (int k = 0; k < fn->body.len && !changed; k++)
				changed = assigns(VEC_AT(fn->body, k), y);
			alias[pj] = !changed;
		}
		if (pj >= 0 && alias[pj])
			str_printf(&text, "const char *%s = 0; ", local_name(e, y));
		else
			str_printf(&text, "%s; ", local_decl(e, y));
		if (pj >= 0)
			pnames[pj] = local_name(e, y);
	}
	e->suffix = saved_suffix;
	for (int i = 0; i < n->elts.len; i++) {
		Node *a = VEC_AT(n->elts, i);
		Sym *p = VEC_AT(fd->params, i);
		if (p->type->kind == TY_STR && alias[i])
			str_printf(&text, "%s = %s; ", pnames[i], expr(e, a));
		else if (p->type->kind == TY_STR)
			str_printf(&text, "%s ", str_copy(e, pnames[i], p->type->size, a));
		else if (p->type->kind == TY_KPTR || p->type->kind == TY_PTR)
			str_printf(&text, "%s = %s; ", pnames[i], expr(e, a));
		else
			str_printf(&text, "%s = %s; ", pnames[i], int_for_store(e, a, p->type));
	}
	f = push_frame(e, FR_CALL, fn);
	e->suffix = callee_suffix;
	e->body = (Str){0};
	e->indent = 2;
	int caller_line = e->pyline;
	const char *caller_file = e->pyfile;
	str_printf(&text, "__s64 __r%d = 0; ", f->n);
	str_puts(&text, "\n");
	block(e, &fn->body);
	str_add(&text, e->body.buf ? e->body.buf : "", e->body.len);
	str_printf(&text, "#line %d %s\n\t__pyb_ret%d: ; __r%d; })", caller_line, c_string(caller_file, strlen(caller_file)),
		   f->n, f->n);
	e->pyline = caller_line;
	e->pyfile = caller_file;
	e->nframes--;
	e->body = saved;
	e->suffix = saved_suffix;
	e->indent = saved_indent;
	e->inline_depth--;
	return text.buf;
}

static void place_temporaries(Emitter *e);
static void raise_block(Emitter *e, Str *out);

/* A C function's emission starts: no declarations, statements, frames
 * or stack items yet (a probe's, or a callback's) */
static void begin_function(Emitter *e)
{
	e->decls = (Str){0};
	e->body = (Str){0};
	e->scope = -1;
	e->scopes = (Vec){0};
	e->scoped_bytes = 0;
	e->indent = 1;
	e->nframes = 0;
	stack_items = (Vec){0};
}

/* The C function the kernel calls back for bpf.loop's `call` (f(i), whose
 * index is the callback's parameter): f inlined in a function of its own,
 * emitted now, before the probe's. Returns its name. */
static const char *emit_callback(Emitter *e, Node *call, const char *params, char *(*prologue)(Emitter *, Node *),
				 Node *n)
{
	Emitter saved = *e;
	Vec saved_stack = stack_items;
	const char *name = xasprintf("__pyb_cb%d", e->tmp++), *value, *pro;
	bool timer = n->op == 'J' || n->op == 'q' || n->op == 'W';   /* a timer's, a work queue's or a task work's: no caller to hand an exception to, and it returns 0 */

	begin_function(e);
	e->suffix = "";
	e->tail = NULL;
	e->in_callback = !timer;
	e->raises = false;
	if (timer)
		e->ret_stmt = "return 0;";
	pro = prologue(e, n);
	value = inline_call(e, call);
	if (timer) {
		line(e, "(void)%s;", value);
		line(e, "return 0;");
		if (e->raises)   /* uncaught: counted at its raise site, as in a probe */
			raise_block(e, &e->body);
	} else {
		line(e, "return %s ? 1 : 0;", value);
	}
	place_temporaries(e);
	str_printf(e->out, "\n/* the kernel's callback: %s() */\nstatic __attribute__((noinline)) long %s(%s)\n{\n"
		   "%s%s%s%s}\n", call->lhs->name, name, params,
		   !timer ? "\tstruct __pyb_cbx *__pyb_cbx = __c;\n\tvoid *ctx = __pyb_cbx->ctx;\n\t(void)ctx;\n" :
		   e->raises ? "\t__u32 __pyb_site = 0;\n" : "", pro,
		   e->decls.buf ? e->decls.buf : "", e->body.buf ? e->body.buf : "");
	saved.tmp = e->tmp;
	*e = saved;
	stack_items = saved_stack;
	return name;
}

/* the callbacks' first lines: their values as f's arguments */
static char *loop_prologue(Emitter *e, Node *n)
{
	(void)e, (void)n;
	return xstrdup("\t__s64 __pyb_cbi = (__s64)__i;\n");
}

/* user_ringbuf_drain's: the record, read out of the kernel's dynptr into
 * a value of the UserRingBuf's type (a record of another size, which
 * pybpf's loader never writes, is passed over) */
static char *userrb_prologue(Emitter *e, Node *n)
{
	Type *t = ((MapDecl *)n->sym->data)->type->val;
	const char *rd = xasprintf("((long (*)(void *, __u32, const void *, __u32, __u64))%d)",
				   pyb_helper_find("bpf_dynptr_read")->id);
	(void)e;
	if (t->kind == TY_STR)
		return xasprintf("\tchar __pyb_cbr[%d] = {};\n\tif (%s(__pyb_cbr, %d, __pyb_cbd, 0, 0) < 0)\n\t\treturn 0;\n",
				 t->size, rd, t->size);
	return xasprintf("\t%s __pyb_cbv = 0;\n\tif (%s(&__pyb_cbv, %d, __pyb_cbd, 0, 0) < 0)\n\t\treturn 0;\n"
			 "\t__s64 __pyb_cbr = (__s64)__pyb_cbv;\n", ty_ctype(t), rd, t->size);
}

/* find_vma's: its parameters are f's arguments as they are */
static char *no_prologue(Emitter *e, Node *n)
{
	(void)e, (void)n;
	return xstrdup("");
}

/* a key and a value as ints: OverflowError for a u64 above 2**63-1 */
static char *for_each_prologue(Emitter *e, Node *n)
{
	MapDecl *m = n->sym->data;
	return xasprintf("\t__s64 __pyb_cbk = %s;\n\t__s64 __pyb_cbv = %s;\n",
			 load_int(e, m->type->key, xasprintf("*(const %s *)__k", ty_ctype(m->type->key)), n->raise),
			 load_int(e, m->type->val, xasprintf("*(const %s *)__v", ty_ctype(m->type->val)), n->raise));
}

/* bpf.loop(n, f): the kernel calls f's callback n times; an exception f
 * did not catch is raised again here, at the bpf.loop call. The result is
 * read as an int: the verifier's inlined bpf_loop gives -E2BIG in 32 bits
 * (4294967289 in a long). */
static char *callback_call(Emitter *e, Node *n)
{
	const char *cb, *x = tmp(e), *r = tmp(e), *call;
	RaiseSite *os = n->raise;
	if (n->op == 'Z') {
		cb = emit_callback(e, n->third, "__u64 __i, void *__c", loop_prologue, n);
		call = xasprintf("__pyb_h_loop((__u32)(%s), %s, &%s, 0)",
				 int_for_store(e, VEC_AT(n->elts, 0), ty_fixed(4, false)), cb, x);
	} else if (n->op == 'D') {
		cb = emit_callback(e, n->third, "void *__pyb_cbd, void *__c", userrb_prologue, n);
		call = xasprintf("__pyb_h_user_ringbuf_drain(&%s, %s, &%s, 0)", ((MapDecl *)n->sym->data)->cname, cb, x);
	} else if (n->op == 'A') {
		cb = emit_callback(e, n->third, "void *__pyb_cbt, void *__pyb_cbm, void *__c", no_prologue, n);
		call = xasprintf("__pyb_h_find_vma((void *)(%s), (__u64)(%s), %s, &%s, 0)", expr(e, VEC_AT(n->elts, 0)),
				 int_for_store(e, VEC_AT(n->elts, 1), ty_fixed(8, false)), cb, x);
	} else {
		cb = emit_callback(e, n->third, "void *__m, const void *__k, void *__v, void *__c", for_each_prologue, n);
		call = xasprintf("__pyb_h_for_each_map_elem(&%s, %s, &%s, 0)", ((MapDecl *)n->sym->data)->cname, cb, x);
		os = VEC_AT(e->prog->raises, n->raise->id + 1);
	}
	return xasprintf("({ struct __pyb_cbx %1$s = {.ctx = ctx}; int %2$s = (int)%3$s; "
			 "if (%1$s.cls) %4$s if (%2$s < 0) %5$s (__s64)%2$s; })", x, r, call,
			 raise_dynamic(e, e->nframes - 1, xasprintf("%s.slot", x), xasprintf("(%s.cls - 1)", x)),
			 raise_code(e, os));
}

/* a timer callback's key (an Array's index, a Hash's key) as f's
 * argument: OverflowError for a u64 above 2**63-1 */
static char *timer_prologue(Emitter *e, Node *n)
{
	Type *kt = ((MapDecl *)n->sym->data)->type->key;
	return xasprintf("\t__s64 __pyb_cbk = %s;\n", load_int(e, kt, xasprintf("*(const %s *)__k", ty_ctype(kt)),
							      VEC_AT(e->prog->raises, n->raise->id + 1)));
}

/* The address of timers[k]'s struct __pyb_timer, in v: IndexError outside
 * an Array, KeyError for a key a Hash does not hold */
static char *timer_lookup(Emitter *e, Node *sub, MapDecl *m, const char *v)
{
	const char *kp, *ok;
	char *setup;
	if (m->type->map_kind == MAP_ARRAY) {
		setup = key_setup(e, m, sub->rhs, &kp);
		return xasprintf("%s %s *%s = bpf_map_lookup_elem(&%s, %s); if (!%s) %s", setup, ty_ctype(m->type->val), v,
				 m->cname, kp, v, raise_code(e, sub->rhs->store_raise));
	}
	setup = lookup_key_setup(e, m, sub->rhs, &kp, &ok);
	return xasprintf("%s %s *%s = %s ? bpf_map_lookup_elem(&%s, %s) : 0; if (!%s) %s", setup, ty_ctype(m->type->val), v,
			 ok, m->cname, kp, v, raise_code(e, sub->raise));
}

/* timers[k] = Timer(): the old item (and so its timer) deleted, a zeroed one inserted */
static char *timer_store(Emitter *e, Node *s)
{
	Node *tg = VEC_AT(s->targets, 0);
	MapDecl *m = map_of(tg->lhs);
	const char *kp, *z = tmp(e);
	char *setup = key_setup(e, m, tg->rhs, &kp);
	return xasprintf("{ %s %s %s = {}; bpf_map_delete_elem(&%s, %s); "
			 "if (bpf_map_update_elem(&%s, %s, &%s, 0)) %s }", setup, ty_ctype(m->type->val), z, m->cname, kp, m->cname, kp, z,
			 raise_code(e, tg->raise));
}

/* m[k] = S(...) of a Hash whose values hold a lock (check_lock.c): the
 * value made on the stack, its lock zero, then inserted (the kernel does
 * not copy a lock into an item); MapFullError when full */
static char *lock_store(Emitter *e, Node *s)
{
	Node *tg = VEC_AT(s->targets, 0);
	MapDecl *m = map_of(tg->lhs);
	const char *kp, *z = tmp(e);
	Str eval = {0}, fill = {0};
	char *setup;
	struct_ctor(e, s->value, xasprintf("%s.", z), xasprintf("&%s", z), &eval, &fill);
	setup = key_setup(e, m, tg->rhs, &kp);
	return xasprintf("{ %s %s = {}; %s%s%s if (bpf_map_update_elem(&%s, %s, &%s, 0)) %s }", ty_ctype(m->type->val), z,
			 eval.buf ? eval.buf : "", fill.buf ? fill.buf : "", setup, m->cname, kp, z, raise_code(e, tg->raise));
}

/* The C name of the lock field of the Struct a lock's with block holds */
static const char *lock_field(Type *st)
{
	for (int i = 0; i < st->elems.len; i++)
		if (((Type *)VEC_AT(st->elems, i))->kind == TY_LOCK)
			return xasprintf("f_%s", (char *)VEC_AT(st->fnames, i));
	ICE("%s holds no lock", st->sname);
}

/* with bpf.spin_lock(m, k) as v: (call->cval 1) / with bpf_res_spin_lock(m, k)
 * as v: (2): look the item up (KeyError, IndexError), then lock it; a
 * failed bpf_res_spin_lock raises OSError, with nothing locked */
static void lock_begin(Emitter *e, Node *call, Sym *y)
{
	MapDecl *m = call->sym->data;
	const char *x = local_name(e, y), *v = tmp(e), *f = lock_field(m->type->val);
	line(e, "{ %s %s = %s; }", timer_lookup(e, call->third, m, v), x, v);
	if (call->cval == 1)
		line(e, "__pyb_h_spin_lock(&%s->%s);", x, f);
	else if (call->cval == 2)
		line(e, "if (bpf_res_spin_lock(&%s->%s)) %s", x, f, raise_code(e, call->raise));
	else   /* _irqsave: the interrupt flags in a stack slot of its own (local_decl) */
		line(e, "if (bpf_res_spin_lock_irqsave(&%s->%s, &%s__irq)) %s", x, f, x, raise_code(e, call->raise));
}

/* The end of a lock's with block, in its try's finally: unlock */
static char *lock_end(Emitter *e, Node *n)
{
	const char *x = local_name(e, n->sym);
	if (n->cval == 3)
		return xasprintf("(bpf_res_spin_unlock_irqrestore(&%s->%s, &%s__irq), 0)", x, lock_field(n->sym->type), x);
	return xasprintf("(%s(&%s->%s), 0)", n->cval == 1 ? "__pyb_h_spin_unlock" : "bpf_res_spin_unlock", x,
			 lock_field(n->sym->type));
}

/* struct bpf_spin_lock / bpf_res_spin_lock, which the kernel finds in a map
 * value by their BTF names, for the Structs whose fields they are (a
 * SortedList's runtime declares bpf_spin_lock already) */
static void emit_lock_types(Str *out, Prog *prog)
{
	bool spin = false, res = false;
	for (int i = 0; i < prog->structs.len; i++) {
		Type *st = VEC_AT(prog->structs, i);
		for (int j = 0; j < st->elems.len; j++) {
			Type *ft = VEC_AT(st->elems, j);
			spin |= ft->kind == TY_LOCK && !strcmp(ft->sname, "SpinLock");
			res |= ft->kind == TY_LOCK && strcmp(ft->sname, "SpinLock");
		}
	}
	if (spin)
		str_puts(out, "#ifndef __PYB_RBTREE\nstruct bpf_spin_lock { __u32 val; };\n#endif\n\n");
	if (res)
		str_puts(out, "struct bpf_res_spin_lock { __u32 val; };\n\n");
}

/* bpf.timer_*(timers[i], ...) (check_timer.c): the address of the map
 * value's struct bpf_timer (IndexError outside the Array), the helper's
 * call, OSError for a negative return */
static char *timer_call(Emitter *e, Node *n)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	Node *sub = VEC_AT(n->elts, 0);
	MapDecl *m = n->sym->data;
	const char *v = tmp(e), *args;
	char *lookup = timer_lookup(e, sub, m, v);
	const char *t = xasprintf("&%s->t", v);
	if (!strcmp(h->name, "bpf_timer_init"))
		args = xasprintf("%s, &%s, (__u64)%s", t, m->cname, int_for_store(e, VEC_AT(n->elts, 1), ty_fixed(8, false)));
	else if (!strcmp(h->name, "bpf_timer_start"))
		args = xasprintf("%s, (__u64)%s, (__u64)%s", t, int_for_store(e, VEC_AT(n->elts, 1), ty_fixed(8, false)),
				 int_for_store(e, VEC_AT(n->elts, 2), ty_fixed(8, false)));
	else if (!strcmp(h->name, "bpf_timer_set_callback"))
		args = xasprintf("%s, %s", t, emit_callback(e, n->third, "void *__m, const void *__k, void *__v", timer_prologue, n));
	else
		args = t;
	return xasprintf("({ %s __s64 __hr = (__s64)__pyb_h_%s(%s); if (__hr < 0) %s __hr; })", lookup, h->name + 4, args,
			 raise_code(e, n->raise));
}

/* bpf_wq_init(wqs[k], flags), bpf_wq_set_callback(wqs[k], f, flags),
 * bpf_wq_start(wqs[k], flags) (check_wq.c): the kfunc on the map value's
 * struct bpf_wq, OSError for a negative return */
static char *wq_call(Emitter *e, Node *n)
{
	Node *sub = VEC_AT(n->elts, 0);
	MapDecl *m = n->sym->data;
	const char *v = tmp(e), *name = n->lhs->name, *args, *kf = name;
	char *lookup = timer_lookup(e, sub, m, v);
	const char *w = xasprintf("&%s->t", v);
	const char *flags = int_for_store(e, VEC_AT(n->elts, n->elts.len - 1), ty_fixed(4, false));
	if (!strcmp(name, "bpf_wq_init")) {
		args = xasprintf("%s, &%s, (__u32)%s", w, m->cname, flags);
	} else if (!strcmp(name, "bpf_wq_set_callback")) {
		kf = "bpf_wq_set_callback_impl";
		args = xasprintf("%s, (int (*)(void *, int *, void *))%s, (__u32)%s, 0", w,
				 emit_callback(e, n->third, "void *__m, const void *__k, void *__v", timer_prologue, n), flags);
	} else {
		args = xasprintf("%s, (__u32)%s", w, flags);
	}
	return xasprintf("({ %s __s64 __hr = (__s64)%s(%s); if (__hr < 0) %s __hr; })", lookup, kf, args,
			 raise_code(e, n->raise));
}

/* bpf_rdonly_cast(addr, S) (check_kcast.c): S's BTF id in the running
 * kernel is a CO-RE relocation (libbpf's bpf_core_type_id_kernel);
 * bpf_cast_to_kern_ctx(ctx()): of the probe's context */
static char *kcast_call(Emitter *e, Node *n)
{
	const char *s;
	if (n->elts.len == 1)
		return xasprintf("((%s)bpf_cast_to_kern_ctx(ctx))", kptr_ctype(e, n->type->btf_id));
	s = kptr_ctype(e, (int)((Node *)VEC_AT(n->elts, 1))->cval);
	return xasprintf("((%1$s)bpf_rdonly_cast((const void *)(%2$s), __builtin_btf_type_id(*(%1$s)0, 1)))", s,
			 expr(e, VEC_AT(n->elts, 0)));
}

/* bpf_task_work_schedule_signal(task, works[k], f), _resume (check_task_work.c):
 * the kfunc on the task, the map value's struct bpf_task_work and the map,
 * OSError for a negative return */
static char *task_work_call(Emitter *e, Node *n)
{
	MapDecl *m = n->sym->data;
	const char *t = tmp(e), *v = tmp(e);
	char *task = xasprintf("struct task_struct *%s = (struct task_struct *)(%s);", t, expr(e, VEC_AT(n->elts, 0)));
	char *lookup = timer_lookup(e, VEC_AT(n->elts, 1), m, v);
	const char *cb = emit_callback(e, n->third, "void *__m, const void *__k, void *__v", timer_prologue, n);
	return xasprintf("({ %s %s __s64 __hr = (__s64)%s_impl(%s, &%s->t, &%s, (int (*)(struct bpf_map *, void *, void *))%s, "
			 "0); if (__hr < 0) %s __hr; })", task, lookup, n->lhs->name, t, v, m->cname, cb, raise_code(e, n->raise));
}

/* len, abs, min, max, int, bool, u8(x) ... i64(x) */
static char *pybuiltin(Emitter *e, Node *n)
{
	const char *f = n->lhs->name;
	Node *a = VEC_AT(n->elts, 0);
	if (!strcmp(f, "min") || !strcmp(f, "max")) {
		const char *x = tmp(e);
		Str s = {0};
		str_printf(&s, "({ __s64 %s = %s; ", x, expr(e, a));
		for (int i = 1; i < n->elts.len; i++) {
			const char *y = tmp(e);
			str_printf(&s, "__s64 %s = %s; if (%s %s %s) %s = %s; ", y, expr(e, VEC_AT(n->elts, i)), y,
				   f[1] == 'i' ? "<" : ">", x, x, y);
		}
		str_printf(&s, "%s; })", x);
		return s.buf;
	}
	if (!strcmp(f, "len") && a->type->kind == TY_BYTES)
		return xasprintf("((void)%s, %dLL)", expr(e, a), a->type->size);   /* evaluated, as Python would */
	if (!strcmp(f, "len"))
		return xasprintf("((__s64)__pyb_strlen(%s, %d))", expr(e, a), a->type->size);
	if (!strcmp(f, "bool"))
		return xasprintf("((__s64)%s)", truth(e, a));
	if (!strcmp(f, "int"))
		return xasprintf("((__s64)(%s))", expr(e, a));
	if (!strcmp(f, "abs")) {
		const char *x = tmp(e);
		return xasprintf("({ __s64 %s = %s; if (%s == (-9223372036854775807LL - 1)) %s %s < 0 ? -%s : %s; })", x,
				 expr(e, a), x, raise_code(e, n->raise), x, x, x);
	}
	/* u32(x) ...: the range check of storing into that type */
	return int_for_store(e, a, ty_fixed(f[1] == '8' ? 1 : f[1] == '1' ? 2 : f[1] == '3' ? 4 : 8, f[0] == 'i'));
}

/* s[i] and s[a:b] */
static char *str_index(Emitter *e, Node *n)
{
	Node *ix = n->rhs;
	int cap = n->lhs->type->size;
	const char *b = buffer(e, n->type->size), *sv = tmp(e), *i = tmp(e), *len = tmp(e);
	if (n->op == ':') {
		return xasprintf("({ const char *%s = %s; __pyb_slice(%s, %s, %d, %s, %s); (const char *)%s; })", sv,
				 expr(e, n->lhs), b, sv, cap, ix->lhs ? expr(e, ix->lhs) : "0",
				 ix->rhs ? expr(e, ix->rhs) : "9223372036854775807LL", b);
	}
	return xasprintf("({ const char *%s = %s; __s64 %s = %s; __s64 %s = __pyb_strlen(%s, %d); if (%s < 0) %s += %s; "
			 "if (%s < 0 || %s >= %s || (__u64)%s >= %d) %s %s[0] = %s[%s]; %s[1] = 0; (const char *)%s; })",
			 sv, expr(e, n->lhs), i, expr(e, ix), len, sv, cap, i, i, len, i, i, len, i, cap,
			 raise_code(e, n->raise), b, sv, i, b, b);
}

/* lat[k].add(x): lookup-or-init in a per-CPU map, then update in place */
static char *agg_add(Emitter *e, Node *n)
{
	MapDecl *m = n->sym->data;
	Type *vt = m->type->val;
	const char *kp, *v = tmp(e), *x = tmp(e), *t = tmp(e);
	char *setup = key_setup(e, m, n->rhs, &kp);
	Str s = {0};
	str_printf(&s, "({ %s __s64 %s = %s; ", setup, x, vt->agg == AGG_COUNT ? "1" : expr(e, VEC_AT(n->elts, 0)));
	str_printf(&s, "void *%s = bpf_map_lookup_elem(&%s, %s); ", v, m->cname, kp);
	if (m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY)
		str_printf(&s, "if (!%s) %s ", v, raise_code(e, n->raise));   /* no insert makes an index exist */
	else
		str_printf(&s, "if (!%s) %s = __pyb_insert(&%s, %s, __pyb_zero); if (!%s) %s ", v, v, m->cname, kp, v,
			   raise_code(e, n->raise));
	switch (vt->agg) {
	case AGG_COUNT:
		str_printf(&s, "*(__s64 *)%s += 1; ", v);
		break;
	case AGG_SUM:
		str_printf(&s, "__s64 %s; if (__builtin_add_overflow(*(__s64 *)%s, %s, &%s)) %s *(__s64 *)%s = %s; ", t, v, x, t,
			   raise_at(e, n->raise, 1), v, t);
		break;
	case AGG_HIST:
		str_printf(&s, "__u32 %s = __pyb_hist_slot(%s); if (%s < %d) ((__u64 *)%s)[%s] += 1; ", t, x, t, AGG_HIST_SLOTS,
			   v, t);
		break;
	case AGG_LHIST: {
		int last = (int)((vt->hi - vt->lo) / vt->step) + 1;
		str_printf(&s, "__u32 %s = %s < %lldLL ? 0 : %s >= %lldLL ? %d : 1 + (__u32)((__u64)(%s - %lldLL) / %lldULL); "
			       "if (%s <= %d) ((__u64 *)%s)[%s] += 1; ",
			   t, x, (long long)vt->lo, x, (long long)vt->hi, last, x, (long long)vt->lo, (long long)vt->step, t,
			   last, v, t);
		break;
	}
	default:
		str_printf(&s, "if (!__pyb_stats_add(%s, %s)) %s ", v, x, raise_at(e, n->raise, 1));
		break;
	}
	str_puts(&s, "(void)0; })");
	return s.buf;
}

/* A string kfunc's result r (check_kfunc.c): -ENOENT of a search is -1,
 * another value below the least result an errno, OSError */
static char *kfunc_str_call(Emitter *e, Node *n, const char *call)
{
	bool enoent;
	int least = kfunc_str_result(n->lhs->name, &enoent);
	const char *r = tmp(e);
	return xasprintf("({ __s64 %s = %s; %s if (%s < %d) %s %s; })", r, call,
			 enoent ? xasprintf("if (%s == -2) %s = -1; else", r, r) : "", r, least, raise_code(e, n->raise), r);
}

/* The C values of a bpf.NAME(...) call's Python arguments, and the
 * statements raising OSError / OverflowError at it (NULL: none) */
static char **helper_argv(Emitter *e, Node *n, const char **os, const char **ovf)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	char **argv = xcalloc(n->elts.len + 1, sizeof(*argv));
	int k = 0, r = 0;
	*os = *ovf = NULL;
	if (helper_packs_values(h))   /* out or ctx(), fmt, values... */
		for (int i = 0; i < n->elts.len; i++)
			argv[i] = expr(e, VEC_AT(n->elts, i));
	for (int i = 0; i < h->nargs && !helper_packs_values(h); i++) {
		Node *a;
		if (helper_implicit_param(h, i))
			continue;
		a = VEC_AT(n->elts, k);
		if (h->args[i].cls == PYB_HC_INT)
			argv[k] = int_for_store(e, a, ty_fixed(h->args[i].size, h->args[i].is_signed));
		else if (h->args[i].cls == PYB_HC_PTR_MAP)
			argv[k] = xasprintf("&%s", ((MapDecl *)a->sym->data)->cname);
		else if (h->args[i].cls == PYB_HC_PTR_KERNEL && a->type->kind == TY_KVAL) {
			const char *base, *path = field_lvalue(e, a, &base);   /* d_path(f.f_path, buf): its address */
			argv[k] = xasprintf("&%s->%s", base, path);
		}
		else
			argv[k] = expr(e, a);
		k++;
	}
	if (h->flags & PYB_HF_ERRNO)
		*os = raise_at(e, n->raise, r++);
	if (helper_may_overflow(h))
		*ovf = raise_at(e, n->raise, r++);
	return argv;
}

static const char *probe_kind(Emitter *e)
{
	return ((Probe *)VEC_AT(e->prog->probes, e->probe_index))->kind;
}

/* "(char *)__pbN": a zeroed buffer of struct id's size and extra bytes,
 * declared at the probe's top (it lives as long as the probe: what points
 * into it is used after the statement that fills it) */
static char *probe_buffer(Emitter *e, int id, int extra, const char *what)
{
	KInfo in;
	const char *b = xasprintf("__pb%d", e->tmp++);
	kbtf_info(e->prog->btf, id, &in);
	int words = (in.size + extra + 7) / 8;
	str_printf(&e->decls, "\t__u64 %s[%d] = {};\n", b, words);
	stack_note(what, words * 8, e->pyline);
	return xasprintf("(char *)%s", b);
}

/* ctx.packet(), pkt.header(T, after=h), len(pkt) (emit_packet.c) */
static char *packet_call(Emitter *e, Node *n)
{
	const char *kind = probe_kind(e);
	if (n->cval == PK_PACKET)
		return xstrdup("ctx");
	if (n->cval == PK_LEN)
		return packet_len(e->prog->btf, kind);
	if (n->cval == PK_FIB)   /* fib is used after its statement */
		return packet_fib_lookup(e->prog->btf, kind, probe_buffer(e, n->type->btf_id, 0, "ctx.fib_lookup()'s result"),
					 expr(e, VEC_AT(n->elts, 0)), n->elts.len > 1 ? expr(e, VEC_AT(n->elts, 1)) : "0",
					 raise_code(e, n->raise));
	if (n->cval == PK_OFFSET) {
		Node *h = VEC_AT(n->elts, 0);
		return packet_offset(e->prog->btf, kind, expr(e, h), h->type->btf_id);
	}
	Node *prev = n->rhs;
	const KField *step = n->kf;   /* prev's word count (ihl, doff), or NULL: check_packet.c */
	if (!strcmp(kind, "socket_filter"))   /* a copy, used after its statement */
		return socket_header(e->prog->kemit, e->prog->btf, probe_buffer(e, n->type->btf_id, 7, "a packet header's copy"),
				     n->type->btf_id, prev ? expr(e, prev) : NULL, prev ? prev->type->btf_id : 0, step,
				     step ? raise_at(e, n->raise, 1) : NULL, raise_code(e, n->raise));
	Node *pk = n->lhs->lhs;   /* pkt of pkt.header(): a local holds its end */
	const char *end = pk->kind == ND_NAME && pk->sym && pk->sym->kind == SYM_LOCAL ? local_name(e, pk->sym)
										      : packet_data(e->prog->btf, kind, true);
	return packet_header(e->prog->kemit, kind, e->prog->btf, tmp(e), n->type->btf_id, prev ? expr(e, prev) : NULL,
			     prev ? prev->type->btf_id : 0, step, step ? raise_at(e, n->raise, 1) : NULL, raise_code(e, n->raise),
			     end);
}

static char *call(Emitter *e, Node *n)
{
	const char *f;
	if (n->op == 'c') {
		/* a record as a value (E(...).x): built in a temporary of the
		 * function, which the expression names (an lvalue, so a str or
		 * bytes field read from it stays valid) */
		const char *r = xasprintf("__r%d", e->tmp++);
		Str eval = {0}, fill = {0};
		scope_decl(e, xasprintf("\t%s %s = {};\n", ty_ctype(n->type), r));
		stack_note("a record value", n->type->size, e->pyline);
		struct_ctor(e, n, xasprintf("%s.", r), xasprintf("&%s", r), &eval, &fill);
		return xasprintf("(*({ %s%s&%s; }))", eval.buf ? eval.buf : "", fill.buf, r);
	}
	if (n->op == 'g')
		return map_get(e, n);
	if (n->op == 'x')
		return packet_call(e, n);
	if (n->op == 'G')
		return percpu_ptr(e, n);
	if (n->op == 'a')
		return agg_add(e, n);
	if (n->op == 'b')
		return pybuiltin(e, n);
	if (n->op == 'L')   /* len(T) of a Final tuple */
		return c_ll(n->cval);
	if (n->op == 't')
		return xasprintf("((%s)(%s))", kptr_ctype(e, n->type->btf_id), expr(e, VEC_AT(n->elts, 0)));
	if (n->op == 'N')   /* ntohs/ntohl/htons/htonl */
		return xasprintf("((__s64)__builtin_bswap%d((__u%d)(%s)))", (int)n->cval, (int)n->cval, expr(e, VEC_AT(n->elts, 0)));
	if (n->op == 'M') {   /* time.time_ns(), time.monotonic_ns(), platform.release(), socket.gethostname() */
		const char *b;
		if (n->cval == 0)
			return xstrdup("((__s64)pybpf_time_ns())");
		if (n->cval == 1)
			return xstrdup("__pyb_ktime_ns()");
		b = buffer(e, 65);
		return xasprintf("({ __builtin_memset(%s, 0, 65); pybpf_uname_%s(%s, 65); (const char *)%s; })", b,
				 n->cval == 2 ? "release" : "nodename", b, b);
	}
	if (n->op == 'K') {   /* printk(msg, level=N) */
		Node *m = VEC_AT(n->elts, 0);
		if (m->kind == ND_STR)
			return xasprintf("((void)pybpf_printk(%lld, %s))", (long long)n->cval, c_string(m->tok->str, m->tok->slen));
		return xasprintf("((void)pybpf_printk_buf(%lld, %s, %d))", (long long)n->cval, expr(e, m), m->type->size);
	}
	if (n->op == 'R') {   /* f.read(n) */
		const char *b = buffer(e, n->type->size), *r = tmp(e);
		return xasprintf("({ __builtin_memset(%s, 0, %d); int %s = pybpf_file_read(%s, %s, %lld); if (%s < 0) %s (const char *)%s; })",
				 b, n->type->size, r, local_name(e, n->lhs->lhs->sym), b, (long long)n->cval, r,
				 raise_code(e, n->raise), b);
	}
	if (n->op == 'H') {   /* bpf.NAME(...): a BPF helper (emit_helpers.c) */
		const char *os, *ovf;
		char **argv = helper_argv(e, n, &os, &ovf);
		if (n->type->kind == TY_KPTR)   /* bpf.get_current_task_btf() */
			return xasprintf("((%s)%s)", kptr_ctype(e, n->type->btf_id), emit_helper_call(n, argv, os, ovf));
		return emit_helper_call(n, argv, os, ovf);
	}
	if (n->op == '%')     /* the end of a lock's with block (check_lock.c) */
		return lock_end(e, n);
	if (n->op == 'v')     /* the end of a ring buffer reservation's with block */
		return ringbuf_end(e, n->sym);
	if (n->op == 'd')     /* d = bpf.dynptr_from_mem(data, flags) */
		return dynptr_from_mem(e, n);
	if (n->op == 'X')     /* the end of a with block */
		return xasprintf("(pybpf_file_close(%s), 0)", local_name(e, n->sym));
	if (n->op == 'Z' || n->op == 'Y' || n->op == 'A' || n->op == 'D')   /* bpf.loop, for_each_map_elem, find_vma, user_ringbuf_drain */
		return callback_call(e, n);
	if (n->op == 'J')   /* bpf.timer_*(timers[i], ...) */
		return timer_call(e, n);
	if (n->op == 'q')   /* bpf_wq_*(wqs[i], ...) */
		return wq_call(e, n);
	if (n->op == 'W')   /* bpf_task_work_schedule_*(task, works[k], f) */
		return task_work_call(e, n);
	if (n->op == 'C')   /* bpf_rdonly_cast(addr, S), bpf_cast_to_kern_ctx(ctx()) */
		return kcast_call(e, n);
	if (n->op == 'O') {   /* the end of a region's with block: bpf_rcu_read_unlock() */
		KInfo cl;
		kbtf_info(e->prog->btf, (int)n->cval, &cl);
		if (n->sym)   /* bpf_local_irq_restore(&flags) */
			return xasprintf("(%s((void *)&%s), 0)", cl.name, local_name(e, n->sym));
		return xasprintf("(%s(), 0)", cl.name);
	}
	if (n->op == 'U')   /* bpf.tail_call(ctx(), handlers, i): returns only without a program there */
		return xasprintf("(bpf_tail_call(ctx, &%s, (__u32)(%s)), 0)", ((MapDecl *)n->sym->data)->cname,
				 expr(e, VEC_AT(n->elts, 2)));
	if (n->op == 'Q') {   /* the end of a with block holding a kernel reference */
		KInfo rel;
		kbtf_info(e->prog->btf, (int)n->cval, &rel);
		return xasprintf("(%1$s ? (%2$s(%1$s), 0) : 0)", local_name(e, n->sym), rel.name);
	}
	if (n->op == 'k') {
		/* a kfunc: arguments cast to the kernel's parameter types */
		KParam *kp;
		int np, ret;
		Str s = {0};
		kbtf_func_args(e->prog->btf, n->lhs->name, &kp, &np, &ret, NULL);
		/* a kernel pointer stays one (its C type); an int widens to __s64 */
		str_printf(&s, "%s%s(", !ret ? "(" : n->type->kind == TY_KPTR ?
			   xasprintf("((%s *)", kemit_c_type(e->prog->kemit, n->type->btf_id)) : "((__s64)", n->lhs->name);
		for (int i = 0, j = 0; i < np; i++) {
			Node *a = kfunc_size_param(e->prog->btf, kp, np, i) ? NULL : VEC_AT(n->elts, j++);
			/* X__sz: the capacity of the str[N] / bytes[N] passed as X (check_kfunc_mem.c) */
			const char *base, *path = a && a->type->kind == TY_KVAL ? field_lvalue(e, a, &base) : NULL;
			str_printf(&s, "%s(%s)(%s)", i ? ", " : "", kemit_c_type(e->prog->kemit, kp[i].type),
				   path ? xasprintf("&%s->%s", base, path) :   /* f.f_path: its address */
				   kfunc_irq_flag_param(&kp[i]) ? xasprintf("&%s", local_name(e, a->sym)) :   /* its flags */
				   a ? expr(e, a) : xasprintf("%d", ty_size(((Node *)VEC_AT(n->elts, j - 1))->type)));
		}
		str_puts(&s, "))");
		return n->raise ? kfunc_str_call(e, n, s.buf) : s.buf;
	}
	if (n->op == 'P') {
		MapDecl *m = n->sym->data;
		const char *v = tmp(e);
		return xasprintf("({ %s %s; if (bpf_map_pop_elem(&%s, &%s)) %s %s; })", ty_ctype(m->type->val), v, m->cname, v,
				 raise_code(e, n->raise), load_int(e, m->type->val, v, VEC_AT(e->prog->raises, n->raise->id + 1)));
	}
	if (n->op == 'p') {
		MapDecl *m = n->sym->data;
		const char *v = tmp(e);
		return xasprintf("({ %s %s = %s; if (bpf_map_push_elem(&%s, &%s, 0)) %s (void)0; })", ty_ctype(m->type->val), v,
				 int_for_store(e, VEC_AT(n->elts, 0), m->type->val), m->cname, v, raise_code(e, n->raise));
	}
	if (n->op == 'r') {   /* SortedList: add(x), first(), pop_first(), len() */
		MapDecl *m = n->sym->data;
		const char *v = tmp(e);
		if (n->cval == 0)
			return xasprintf("({ %s %s = %s; if (__pyb_sl_add_%s(%s)) %s (void)0; })", ty_ctype(m->type->val), v,
					 int_for_store(e, VEC_AT(n->elts, 0), m->type->val), m->cname, v, raise_code(e, n->raise));
		if (n->cval == 3)
			return xasprintf("(*(volatile __s64 *)&__pyb_sl_len_%s)", m->cname);
		return xasprintf("({ %s %s; if (__pyb_sl_take_%s(&%s, %d)) %s %s; })", ty_ctype(m->type->val), v, m->cname, v,
				 n->cval == 2, raise_code(e, n->raise),
				 load_int(e, m->type->val, v, VEC_AT(e->prog->raises, n->raise->id + 1)));
	}
	if (n->op == 's' || n->op == 'e') {
		Node *o = VEC_AT(n->elts, 0);
		return xasprintf("((__s64)__pyb_%s(%s, %d, %s, %d))", n->op == 's' ? "startswith" : "endswith",
				 expr(e, n->lhs->lhs), n->lhs->lhs->type->size, expr(e, o), o->type->size);
	}
	if (n->sym && n->sym->kind == SYM_FUNC)
		return inline_call(e, n);
	f = n->lhs->name;
	if (!strcmp(f, "pid"))
		return xstrdup("((__s64)(bpf_get_current_pid_tgid() >> 32))");
	if (!strcmp(f, "tid"))
		return xstrdup("((__s64)(__u32)bpf_get_current_pid_tgid())");
	if (!strcmp(f, "ktime_ns"))
		return xstrdup("__pyb_ktime_ns()");
	if (!strcmp(f, "wallclock_ns"))
		return xstrdup("__pyb_wallclock_ns()");
	if (!strcmp(f, "cpu"))
		return xstrdup("((__s64)bpf_get_smp_processor_id())");
	if (!strcmp(f, "uid"))
		return xstrdup("((__s64)(__u32)bpf_get_current_uid_gid())");
	if (!strcmp(f, "gid"))
		return xstrdup("((__s64)(bpf_get_current_uid_gid() >> 32))");
	if (!strcmp(f, "user_bytes") || !strcmp(f, "kernel_bytes")) {
		const char *b = buffer(e, n->type->size);
		return xasprintf("({ __builtin_memset(%s, 0, %d); if (bpf_probe_read_%s(%s, %d, (const void *)(%s)) < 0) %s "
				 "(const char *)%s; })", b, n->type->size, f[0] == 'u' ? "user" : "kernel", b, n->type->size,
				 expr(e, VEC_AT(n->elts, 0)), raise_code(e, n->raise), b);
	}
	if (!strcmp(f, "user_str") || !strcmp(f, "kernel_str"))
		return read_str(e, n, f[0] == 'u');
	if (!strcmp(f, "ctx"))   /* only as a helper's context argument */
		return xstrdup("ctx");
	if (!strcmp(f, "kstack"))
		return xstrdup("((__s64)(__u32)(__s32)bpf_get_stackid(ctx, &__pyb_stacks, 0))");
	if (!strcmp(f, "ustack"))
		return xstrdup("((__s64)((bpf_get_current_pid_tgid() >> 32) << 32 | (__u32)(__s32)bpf_get_stackid(ctx, &__pyb_stacks, 256)))");
	if (!strcmp(f, "current_task"))
		return xasprintf("((%s)bpf_get_current_task_btf())", kptr_ctype(e, n->type->btf_id));
	if (!strcmp(f, "comm")) {
		const char *b = buffer(e, 16);
		return xasprintf("({ bpf_get_current_comm(%s, 16); (const char *)%s; })", b, b);
	}
	ICE("call to %s", f);
}

static char *name_value(Emitter *e, Node *n)
{
	Sym *y = n->sym;
	if (y->kind == SYM_GLOBAL) {
		GlobalDecl *g = y->data;
		return load_int(e, g->type, g->cname, n->raise);
	}
	if (y->kind != SYM_LOCAL)
		return xstrdup(y->cname);   /* Final constants keep their module-level name */
	if (y->type->kind == TY_STRUCT && y->type->inplace)
		return xasprintf("(*%s)", local_name(e, y));   /* the reserved record itself */
	if (y->type->kind == TY_DYNPTR)
		return xasprintf("(&%s)", local_name(e, y));   /* helpers take its address */
	return local_name(e, y);
}

static char *expr(Emitter *e, Node *n)
{
	switch (n->kind) {
	case ND_INT:
		return c_ll((long long)n->tok->ival);
	case ND_TRUE:
		return xstrdup("1");
	case ND_FALSE:
		return xstrdup("0");
	case ND_STR:
		return c_string(n->tok->str, n->tok->slen);
	case ND_NAME:
		return name_value(e, n);
	case ND_BINOP:
		return binop(e, n);
	case ND_UNARY: {
		if (n->op == TK_NOT)
			return xasprintf("(!%s)", truth(e, n->lhs));
		if (is_int64_min_literal(n))
			return c_ll(LLONG_MIN);
		char *v = expr(e, n->lhs);
		if (n->op == TK_PLUS)
			return xasprintf("((__s64)(%s))", v);
		if (n->op == TK_TILDE)
			return xasprintf("(~(__s64)(%s))", v);
		const char *a = tmp(e);
		return xasprintf("({ __s64 %s = %s; if (%s == (-9223372036854775807LL - 1)) %s -%s; })", a, v, a,
				 raise_code(e, n->raise), a);
	}
	case ND_BOOLOP: {
		/* Python returns the deciding operand; the right operands run
		 * only when Python would run them */
		const char *x = tmp(e);
		Str s = {0};
		Node *first = VEC_AT(n->elts, 0);
		str_printf(&s, "({ __s64 %s = %s; ", x, expr(e, first));
		for (int i = 1; i < n->elts.len; i++)
			str_printf(&s, "if (%s%s) { %s = %s; ", n->op == TK_AND ? "" : "!", x, x, expr(e, VEC_AT(n->elts, i)));
		for (int i = 1; i < n->elts.len; i++)
			str_puts(&s, "} ");
		str_printf(&s, "%s; })", x);
		return s.buf;
	}
	case ND_COMPARE:
		return compare(e, n);
	case ND_IFEXP:
		if (n->type->kind == TY_STR) {
			/* into a buffer of the larger capacity, so either branch can be read whole */
			const char *b = buffer(e, n->type->size);
			return xasprintf("({ if (%s) { %s } else { %s } (const char *)%s; })", truth(e, n->test),
					 str_copy(e, b, n->type->size, n->lhs), str_copy(e, b, n->type->size, n->rhs), b);
		}
		if (n->type->kind == TY_BYTES) {   /* both branches have the N bytes (the checker saw to it) */
			const char *b = buffer(e, n->type->size);
			return xasprintf("({ if (%s) { __builtin_memcpy(%s, %s, %d); } else { __builtin_memcpy(%s, %s, %d); } "
					 "(const char *)%s; })", truth(e, n->test), b, expr(e, n->lhs), n->type->size, b,
					 expr(e, n->rhs), n->type->size, b);
		}
		return xasprintf("(%s ? (__s64)(%s) : (__s64)(%s))", truth(e, n->test), expr(e, n->lhs), expr(e, n->rhs));
	case ND_CALL:
		return call(e, n);
	case ND_SUBSCRIPT:
		if (n->op == 'P') {   /* p[i] of a typed user pointer: IndexError outside 0..cval-1 (check_user_index) */
			const char *i = tmp(e);
			KInfo in;   /* the kernel's size of the struct: the C declaration may hold only the fields used */
			kbtf_info(e->prog->btf, n->type->btf_id, &in);
			return xasprintf("({ __s64 %s = %s; if (%s < 0 || %s >= %d) %s (%s)((const char *)(%s) + %s * %d); })", i,
					 expr(e, n->rhs), i, i, (int)n->cval, raise_code(e, n->raise), kptr_ctype(e, n->type->btf_id),
					 expr(e, n->lhs), i, in.size);
		}
		if (n->op == 'T') {   /* T[i] of a Final tuple: IndexError outside -N..N-1 */
			ConstDecl *k = n->lhs->sym->data;
			const char *i = tmp(e);
			return xasprintf("({ __s64 %s = %s; if (%s < 0) %s += %d; if (%s < 0 || %s >= %d) %s %s%s[%s]; })", i,
					 expr(e, n->rhs), i, i, k->nitems, i, i, k->nitems, raise_code(e, n->raise),
					 k->type->kind == TY_STR ? "(const char *)" : "", k->cname, i);
		}
		if (n->lhs->type && n->lhs->type->kind == TY_STR)
			return str_index(e, n);
		if (n->op == 'x')   /* pkt[a:b] */
			return packet_slice(e->prog->btf, probe_kind(e), buffer(e, n->type->size), (int)n->rhs->cval,
					    n->type->size, raise_code(e, n->raise));
		if (n->op == 'y') {   /* b[i]: an int 0..255 */
			const char *b = tmp(e), *i = tmp(e);
			int len = n->lhs->type->size;
			return xasprintf("({ const char *%s = %s; __s64 %s = %s; if (%s < 0) %s += %d; if (%s < 0 || %s >= %d) %s "
					 "(__s64)(__u8)%s[%s]; })", b, expr(e, n->lhs), i, expr(e, n->rhs), i, i, len, i, i, len,
					 raise_code(e, n->raise), b, i);
		}
		return map_read(e, n);
	case ND_ATTR:
		if (n->lhs->type->kind == TY_CTX && n->op == 'x')   /* a packet probe's context (check_packet.c) */
			return packet_ctx_read(n->kf->bit_off / 8, (int)n->cval);
		if (n->lhs->type->kind == TY_CTX)
			return tp_field(e, n);
		if (n->lhs->type->kind == TY_STRUCT) {
			Type *ft = VEC_AT(n->lhs->type->elems, n->cval);
			char *f = xasprintf("%s.f_%s", expr(e, n->lhs), n->name);
			if (ft->kind == TY_STR || ft->kind == TY_BYTES)
				return xasprintf("((const char *)%s)", f);
			return load_int(e, ft, f, n->raise);
		}
		return kernel_field(e, n);
	default:
		ICE("expression %s", node_names[n->kind]);
	}
}

/* ---- statements ------------------------------------------------------------ */

static void block(Emitter *e, Vec *body);

static void print_stmt(Emitter *e, Node *call, bool at_end)
{
	PrintSite *p = VEC_AT(e->prog->prints, call->id);
	const char *r = tmp(e);
	Vec args = {0};

	line(e, "{");
	e->indent++;
	/* evaluate the arguments first, in order (they may raise) */
	for (int i = 0; i < call->elts.len; i++) {
		Node *a = VEC_AT(call->elts, i);
		if (a->kind == ND_STR && !a->tok->is_bytes)   /* text of the record's format */
			continue;
		if (a->kind != ND_FSTR) {
			vec_push(&args, a);
			continue;
		}
		for (int j = 0; j < a->nfparts; j++)
			if (a->fparts[j].is_expr)
				vec_push(&args, a->fparts[j].expr);
	}
	for (int i = 0; i < args.len; i++) {
		Node *a = VEC_AT(args, i);
		line(e, "%s__a%d = %s;", val_ctype(a->type), i, expr(e, a));
	}
	line(e, "struct __pyb_rec%d *%s = bpf_ringbuf_reserve(&__pyb_events, sizeof(*%s), 0);", p->id, r, r);
	line(e, "if (!%s) {", r);
	line(e, "\t%s", lost_stmt(e, at_end));
	line(e, "} else {");
	e->indent++;
	/* the version (reloads), the probe, the print site */
	line(e, "%s->id = (__u64)__pyb_version << 48 | %dull << 32 | %d;", r, e->probe_index, p->id);
	for (int i = 0; i < args.len; i++) {
		Node *a = VEC_AT(args, i);
		if (a->type->kind == TY_STR || a->type->kind == TY_BYTES)
			line(e, "__builtin_memcpy(%s->a%d, __a%d, %d);", r, a->rec_off, i, a->type->size);
		else
			line(e, "%s->a%d = __a%d;", r, a->rec_off, i);
	}
	line(e, "bpf_ringbuf_submit(%s, 0);", r);
	e->indent--;
	line(e, "}");
	e->indent--;
	line(e, "}");
}

static void assign_to(Emitter *e, Node *tg, Node *value)
{
	if (tg->kind == ND_NAME) {
		Sym *y = tg->sym;
		if (y->kind == SYM_GLOBAL) {
			GlobalDecl *g = y->data;
			line(e, "%s = %s;", g->cname, int_for_store(e, value, g->type));
		} else if (y->type->kind == TY_STR) {
			line(e, "%s", str_copy(e, local_name(e, y), y->type->size, value));
		} else if (y->type->kind == TY_BYTES) {
			line(e, "__builtin_memcpy(%s, %s, %d);", local_name(e, y), expr(e, value), y->type->size);
		} else if (y->type->kind == TY_KPTR || y->type->kind == TY_PTR) {
			line(e, "%s = %s;", local_name(e, y), expr(e, value));
		} else if (y->type->kind == TY_PACKET) {   /* its end, for each header's check (a socket filter's: unused) */
			const char *kind = probe_kind(e);
			line(e, "%s = %s;", local_name(e, y), strcmp(kind, "socket_filter") ? packet_data(e->prog->btf, kind, true) : "0");
		} else if (y->type->kind == TY_DYNPTR) {   /* bpf.dynptr_from_mem() initializes it */
			line(e, "%s;", expr(e, value));
		} else if (y->type->kind == TY_KVAL) {
			line(e, "%s", copy_read(e, y, value));
		} else if (y->type->kind == TY_OPT && value->type->kind == TY_OPT) {
			/* x = d.get(k): None when the key is missing */
			MapDecl *m = map_of(value->lhs);
			const char *kp, *v = tmp(e), *ok;
			char *setup = lookup_key_setup(e, m, value->rhs, &kp, &ok);
			line(e, "{ %s %s *%s = %s ? %s : 0; %s__some = __pyb_found(%s); %s = %s ? %s : 0; }", setup,
			     ty_ctype(m->type->val), v, ok, value->third ? percpu_lookup(e, m, kp, value->third) : lookup_call(m, kp),
			     local_name(e, y), v, local_name(e, y), v,
			     load_int(e, m->type->val, xasprintf("*%s", v), value->raise));
		} else if (y->type->kind == TY_OPT) {
			line(e, "%s = %s; %s__some = 1;", local_name(e, y), int_for_store(e, value, ty_int), local_name(e, y));
		} else if (y->type->kind == TY_STRUCT) {
			if (value->kind == ND_CALL && value->op == 'c') {
				Str eval = {0}, fill = {0};
				struct_ctor(e, value, xasprintf("%s.", local_name(e, y)), xasprintf("&%s", local_name(e, y)), &eval, &fill);
				line(e, "{ %s%s}", eval.buf ? eval.buf : "", fill.buf);
			} else {
				line(e, "__builtin_memcpy(&%s, &%s, sizeof(%s));", local_name(e, y), expr(e, value), local_name(e, y));
			}
		} else {
			line(e, "%s = %s;", local_name(e, y), int_for_store(e, value, y->type));
		}
		return;
	}
	if (tg->kind == ND_ATTR && tg->op == 'x' && tg->lhs->type->kind == TY_CTX) {   /* ctx.field = value */
		line(e, "*(volatile __u%d *)((char *)ctx + %d) = %s;", (int)tg->cval * 8, tg->kf->bit_off / 8,
		     int_for_store(e, value, tg->type));
		return;
	}
	if (tg->kind == ND_ATTR && tg->op == 'x') {   /* h.field = value of a packet header */
		const char *base;
		char *path = field_lvalue(e, tg, &base);
		if (tg->type->kind == TY_BYTES)   /* eth.h_dest = fib.dmac */
			line(e, "__builtin_memcpy(%s->%s, %s, %d);", base, path, expr(e, value), tg->type->size);
		else
			line(e, "%s->%s = %s;", base, path, int_for_store(e, value, tg->type));
		return;
	}
	if (tg->kind == ND_ATTR) {
		/* rec.field = value */
		Type *ft = VEC_AT(tg->lhs->type->elems, tg->cval);
		char *f = xasprintf("%s.f_%s", name_value(e, tg->lhs), tg->name);
		if (ft->kind == TY_STR)
			line(e, "%s", str_copy(e, f, ft->size, value));
		else if (ft->kind == TY_BYTES)   /* exactly N bytes (the checker saw the length) */
			line(e, "__builtin_memcpy(%s, %s, %d);", f, expr(e, value), ft->size);
		else
			line(e, "%s = %s;", f, int_for_store(e, value, ft));
		return;
	}
	/* map[key] = value: Python evaluates the value, then the key */
	MapDecl *m = map_of(tg->lhs);
	const char *v = tmp(e), *kp;
	line(e, "{");
	e->indent++;
	/* the value's range is checked at the store, after the key (which may
	 * itself read a map, and insert into it, as a defaultdict would) */
	const char *w = tmp(e);
	Node *k = tg->rhs;
	if ((is_movable(value) || is_builtin_call(value, "ktime_ns")) &&
	    (is_movable(k) || k->kind == ND_NAME || (k->kind == ND_ATTR && k->lhs->type && k->lhs->type->kind == TY_CTX))) {
		/* a value that cannot raise, and a key that cannot tell when the
		 * value was computed (it reads no clock): key first, as C would,
		 * which keeps the context pointer out of a callee-saved register */
		line(e, "%s", key_setup(e, m, k, &kp));
		line(e, "__s64 %s = %s;", w, expr(e, value));
	} else {
		line(e, "__s64 %s = %s;", w, expr(e, value));
		line(e, "%s", key_setup(e, m, k, &kp));
	}
	line(e, "%s %s = %s;", ty_ctype(m->type->val), v, range_checked(e, w, m->type->val, value->store_raise));
	line(e, "if (%s) %s", update_call(m, kp, v), raise_code(e, tg->raise));
	e->indent--;
	line(e, "}");
}

/* Whether evaluating n can neither raise nor change anything (constants,
 * variables, and operators without raise sites on them). */
static bool effect_free(const Node *n)
{
	switch (n->kind) {
	case ND_INT: case ND_TRUE: case ND_FALSE: case ND_NAME:
		return true;
	case ND_UNARY:
		return is_int64_min_literal(n) || (!n->raise && effect_free(n->lhs));
	case ND_BINOP:
		return !n->raise && effect_free(n->lhs) && effect_free(n->rhs);
	default:
		return false;
	}
}

static void augassign(Emitter *e, Node *s)
{
	Node *tg = s->target;
	Sym *y;
	if (tg->kind == ND_SUBSCRIPT) {
		/* d[k] += n: lookup-or-init and an atomic add (bpf/pybpf.h) */
		MapDecl *m = map_of(tg->lhs);
		const char *kp, *d = tmp(e), *rc = tmp(e);
		Type *vt = m->type->val;
		line(e, "{");
		e->indent++;
		line(e, "%s", key_setup(e, m, tg->rhs, &kp));
		/* CPython reads d[k] (a defaultdict read: it inserts k, or raises
		 * MapFullError) before it evaluates n; when n can raise or has
		 * effects, insert first too */
		if (!effect_free(s->value))
			line(e, "if (!%s) %s", lookup_or_init_call(m, kp), raise_code(e, tg->raise));
		line(e, "__s64 %s = %s;", d, expr(e, s->value));
		if (s->op == TK_MINUS)   /* d[k] -= -2**63: the item is read (inserted) first, as in CPython */
			line(e, "if (%s == (-9223372036854775807LL - 1)) { if (!%s) "
			     "%s %s } %s = -%s;", d, lookup_or_init_call(m, kp), raise_code(e, tg->raise), raise_at(e, tg->raise, 1), d, d);
		if (MAP_IS_STORAGE(m->type->map_kind))   /* the item, created as zero: the same add (bpf/pybpf.h) */
			line(e, "int %s = __pyb_ptr_add_%c%d(%s, %s);", rc, vt->is_signed ? 's' : 'u', vt->size * 8,
			     create_call(m, kp), d);
		else
			line(e, "int %s = __pyb_map_add_%c%d(&%s, %s, %s);", rc, vt->is_signed ? 's' : 'u', vt->size * 8, m->cname,
			     kp, d);
		line(e, "if (%s == 1) %s", rc, raise_code(e, tg->raise));
		line(e, "if (%s == 2) %s", rc, raise_at(e, tg->raise, 1));
		e->indent--;
		line(e, "}");
		return;
	}
	y = tg->sym;
	if (y->kind == SYM_GLOBAL) {
		/* global += n: atomic for 4- and 8-byte variables */
		GlobalDecl *g = y->data;
		Type *t = g->type;
		const char *d = tmp(e), *old = tmp(e);
		char fits[16];
		snprintf(fits, sizeof(fits), "%c%d", t->is_signed ? 's' : 'u', t->size * 8);
		line(e, "{");
		e->indent++;
		line(e, "__s64 %s = %s;", d, expr(e, s->value));
		if (s->op == TK_MINUS)
			line(e, "if (%s == (-9223372036854775807LL - 1)) %s %s = -%s;", d, raise_code(e, s->raise), d, d);
		/* out of range: OverflowError, and the variable keeps its value
		 * (an atomic add is undone), as in CPython */
		if (t->size >= 4) {
			line(e, "%s %s = __sync_fetch_and_add(&%s, (%s)%s);", ty_ctype(t), old, g->cname, ty_ctype(t), d);
			line(e, "if (!__pyb_add_fits_%s(%s, %s)) { __sync_fetch_and_add(&%s, (%s)0 - (%s)%s); %s }", fits, old, d,
			     g->cname, ty_ctype(t), ty_ctype(t), d, raise_code(e, s->raise));
		} else {
			line(e, "%s %s = %s;", ty_ctype(t), old, g->cname);
			line(e, "if (!__pyb_add_fits_%s(%s, %s)) %s", fits, old, d, raise_code(e, s->raise));
			line(e, "%s = (%s)(%s + %s);", g->cname, ty_ctype(t), old, d);
		}
		e->indent--;
		line(e, "}");
		return;
	}
	Node fake = *s;
	fake.kind = ND_BINOP;
	fake.lhs = tg;
	fake.rhs = s->value;
	fake.raise = s->raise;
	fake.cval = s->cval;
	char *v = binop(e, &fake);
	if (y->type->kind == TY_FIXED) {
		long long lo, hi;
		const char *x = tmp(e);
		range_of(y->type, &lo, &hi);
		line(e, "{ __s64 %s = %s; if (%s < %s || %s > %s) %s %s = %s; }", x, v, x, c_ll(lo), x, c_ll(hi),
		     raise_code(e, s->store_raise), local_name(e, y), x);
	} else {
		line(e, "%s = %s;", local_name(e, y), v);
	}
}

static Frame *push_frame(Emitter *e, int kind, Node *n)
{
	Frame *f;
	if (e->nframes == (int)(sizeof(e->frames) / sizeof(e->frames[0])))
		error_at(n->tok->loc, "loops and try statements are nested too deeply (at most 128)");
	f = &e->frames[e->nframes++];
	f->kind = kind;
	f->node = n;
	f->n = e->tmp++;
	f->phase = PH_BODY;
	f->iter = "num";
	return f;
}

/* The locals that statement n assigns (names, tuple targets, loop
 * variables, in nested blocks too), into out once each, if keep(type). */
static void assigned_locals(Node *n, Vec *out, bool (*keep)(const Type *))
{
	Vec *lists[4];
	if (!n)
		return;
	switch (n->kind) {
	case ND_NAME:
		if (n->sym && n->sym->kind == SYM_LOCAL && n->sym->type && keep(n->sym->type)) {
			for (int i = 0; i < out->len; i++)
				if (VEC_AT(*out, i) == n->sym)
					return;
			vec_push(out, n->sym);
		}
		return;
	case ND_TUPLE:
		for (int i = 0; i < n->elts.len; i++)
			assigned_locals(VEC_AT(n->elts, i), out, keep);
		return;
	case ND_ASSIGN:
		for (int i = 0; i < n->targets.len; i++)
			assigned_locals(VEC_AT(n->targets, i), out, keep);
		return;
	case ND_AUGASSIGN:
	case ND_ANNASSIGN:
		assigned_locals(n->target, out, keep);
		return;
	case ND_FOR:
		assigned_locals(n->target, out, keep);
		break;
	case ND_IF: case ND_TRY: case ND_HANDLER: case ND_WITH:
		break;
	default:
		return;
	}
	lists[0] = &n->body, lists[1] = &n->orelse, lists[2] = &n->finalbody, lists[3] = &n->handlers;
	for (int l = 0; l < 4; l++)
		for (int i = 0; i < lists[l]->len; i++)
			assigned_locals(VEC_AT(*lists[l], i), out, keep);
}

static bool is_int_type(const Type *t)
{
	return t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_FIXED;
}

/* The locals that node n reads or assigns, anywhere inside it, into out
 * once each, if keep(type). */
static void used_locals(Node *n, Vec *out, bool (*keep)(const Type *))
{
	Node *kids[7];
	Vec *lists[9];
	if (!n)
		return;
	if (n->kind == ND_NAME) {
		assigned_locals(n, out, keep);
		return;
	}
	kids[0] = n->lhs, kids[1] = n->rhs, kids[3] = n->test, kids[4] = n->value;
	kids[2] = n->kind == ND_CALL && (n->op == 'Z' || n->op == 'Y' || n->op == 'J' || n->op == 'q' || n->op == 'W' || n->op == 'A' || n->op == 'D') ? NULL : n->third;   /* a callback's own */
	kids[5] = n->target, kids[6] = n->iter;
	for (int i = 0; i < 7; i++)
		used_locals(kids[i], out, keep);
	for (int i = 0; i < n->nfparts; i++)
		if (n->fparts[i].is_expr)
			used_locals(n->fparts[i].expr, out, keep);
	lists[0] = &n->elts, lists[1] = &n->vals, lists[2] = &n->comps, lists[3] = &n->targets;
	lists[4] = &n->body, lists[5] = &n->orelse, lists[6] = &n->finalbody, lists[7] = &n->handlers;
	lists[8] = &n->items;
	for (int l = 0; l < 9; l++)
		for (int i = 0; i < lists[l]->len; i++)
			used_locals(VEC_AT(*lists[l], i), out, keep);
}

/* what forget_values can add a zero to: ints and an Optional's value */
static bool is_forgettable(const Type *t)
{
	return is_int_type(t) || t->kind == TY_OPT;
}

/* Before a loop, make the verifier forget the values of the int locals the
 * loop changes (adding a zero it cannot see through: a writable global).
 * It checks a loop body until the states at the loop head repeat; a local
 * whose exact value it knows (n = 0, then n += 1) never repeats, and the
 * overflow checks on it make it track that value precisely. Python's
 * values are unchanged. */
static void forget_values(Emitter *e, Node *loop)
{
	Vec v = {0};
	for (int i = 0; i < loop->body.len; i++)
		assigned_locals(VEC_AT(loop->body, i), &v, is_forgettable);
	assigned_locals(loop->target, &v, is_forgettable);
	for (int i = 0; i < v.len; i++) {
		const char *x = local_name(e, VEC_AT(v, i));
		line(e, "%s += __pyb_opaque_zero;", x);
	}
}

/* for i in range(a, b, step): a BPF open-coded iterator over 0..len-1 */
/* The open-coded iterator of a for loop, over __len<n> (0..len-1 in
 * *__p<n>), after the caller opened the loop's C block: loop_begin leaves
 * the caller inside the while, to set the loop variables; loop_end emits
 * the body, the else block and the break/exit labels, and closes the block. */
static Frame *iter_loop_begin(Emitter *e, Node *s, int n, const char *iter, const char *it_type, int it_size,
			      const char *args, const char *item_type, struct RaiseSite *fail)
{
	Frame *f;
	forget_values(e, s);
	f = push_frame(e, FR_LOOP, s);
	f->iter = iter;
	scope_decl(e, xasprintf("\t%s __it%d;\n", it_type, f->n));
	e->scoped_bytes += it_size;
	if (fail)   /* its errno raises fail, but -EINVAL (nothing to iterate: no bits) */
		line(e, "{ int __r%d = bpf_iter_%s_new(&__it%d%s%s); if (__r%d < 0 && __r%d != -22) %s }", n, iter, f->n,
		     *args ? ", " : "", args, n, n, raise_code(e, fail));
	else
		line(e, "bpf_iter_%s_new(&__it%d%s%s);", iter, f->n, *args ? ", " : "", args);
	line(e, "%s__p%d;", item_type, n);
	f->decls_at = e->decls.len;
	f->while_at = e->body.len;
	line(e, "while ((__p%d = bpf_iter_%s_next(&__it%d))) {", n, iter, f->n);
	e->indent++;
	return f;
}

static Frame *loop_begin(Emitter *e, Node *s, int n)
{
	return iter_loop_begin(e, s, n, "num", "struct bpf_iter_num", 8, xasprintf("0, (int)__len%d", n), "int *", NULL);
}

/* Before each bpf_iter_num_next, make the loop's states alike where they
 * may differ without mattering: the verifier compares them there, and
 * stops adding states once an instruction has too many, after which a
 * loop never converges ("The sequence of 8193 jumps is too complex", or
 * "BPF program is too large"). So
 *  - the int locals the body assigns become unknown to the verifier
 *    (x ^= a zero it cannot know): their ranges, narrowed differently by
 *    each path's checks, or counted up one by one, no longer tell states
 *    apart; every use of a Python int is checked at run time anyway;
 *  - the body's str buffers (temporaries of one statement) are zeroed: a
 *    buffer zero on one path and written on another doubles the states.
 * bug_verifier_too_large_loop_try.py: 166319 -> 72201 instructions. */
static void loop_reset(Emitter *e, Node *s, Frame *f)
{
	Str z = {0};
	Vec ints = {0};
	const char *p = e->decls.buf ? e->decls.buf + f->decls_at : "";
	int b, size, len;
	for (int i = 0; i < s->body.len; i++)
		assigned_locals(VEC_AT(s->body, i), &ints, is_int_type);
	for (int i = 0; i < ints.len; i++)
		str_printf(&z, "%s ^= __pyb_opaque_zero, ", local_name(e, VEC_AT(ints, i)));
	while ((p = strstr(p, "\tchar __b"))) {
		len = 0;
		if (sscanf(p, "\tchar __b%d[%d] = {};%n", &b, &size, &len) == 2 && len > 0) {
			str_printf(&z, "__builtin_memset(__b%d, 0, %d), ", b, size);
			/* zeroed at the loop's head, so declared at the function's
			 * top: not a statement's temporary (see scope_decl) */
			if (p > e->decls.buf && p[-1] == '\x01')
				((char *)p)[-1] = '\t';
			for (int i = 0; i < e->scopes.len; i++) {
				Str *d = &((Scope *)VEC_AT(e->scopes, i))->decls;
				char *q = d->buf ? strstr(d->buf, xasprintf("\tchar __b%d[", b)) : NULL;
				if (q)
					memset(q, ' ', strchr(q, '\n') - q);
			}
		}
		p++;
	}
	if (!z.len)
		return;
	char *w = strstr(e->body.buf + f->while_at, "while ((");
	if (!w)
		ICE("loop without its while");
	size_t at = (size_t)(w - e->body.buf) + strlen("while (("), tail = e->body.len - at;
	char *rest = xcalloc(1, tail + 1);
	memcpy(rest, e->body.buf + at, tail);
	rest[tail] = 0;
	e->body.len = at;
	str_add(&e->body, z.buf, z.len);
	str_add(&e->body, rest, tail);
	free(rest);
	free(z.buf);
}

static void loop_end(Emitter *e, Node *s, Frame *f)
{
	block(e, &s->body);
	loop_reset(e, s, f);
	line(e, "__pyb_cont%d: ;", f->n);
	e->indent--;
	line(e, "}");
	e->nframes--;
	/* f's slot is free now: the else block may reuse it; keep the number */
	int fn = f->n;
	const char *iter = f->iter;
	line(e, "bpf_iter_%s_destroy(&__it%d);", iter, fn);
	block(e, &s->orelse);
	line(e, "goto __pyb_end%d;", fn);
	e->indent--;
	line(e, "__pyb_brk%d:", fn);
	line(e, "\tbpf_iter_%s_destroy(&__it%d);", iter, fn);
	line(e, "__pyb_end%d: ;", fn);
	line(e, "}");
}

/* for k, v in sorted(d.items()): snapshot the map into per-CPU storage
 * (bpf_for_each_map_elem), sort it by key (insertion sort, open-coded
 * iterators), then walk it like a range. */
static void for_map_stmt(Emitter *e, Node *s)
{
	MapDecl *m = s->sym->data;
	Node *it = s->iter, *tg = s->target;
	Node *kn = tg->kind == ND_TUPLE ? VEC_AT(tg->elts, 0) : tg, *vn = tg->kind == ND_TUPLE ? VEC_AT(tg->elts, 1) : NULL;
	const char *kt = ty_ctype(m->type->key), *vt = ty_ctype(m->type->val);
	int n = e->tmp++, cap = (int)m->max_entries;
	Frame *f;

	str_printf(e->out, "/* the snapshot of '%s' for the loop at line %d */\n", m->name, s->tok->loc.line);
	str_printf(e->out, "struct __pyb_snap%d { __u32 n; %s k[%d]; %s v[%d]; };\n", n, kt, cap, vt, cap);
	str_printf(e->out, "struct {\n\t__uint(type, __PYB_MAP_PERCPU_ARRAY);\n\t__uint(max_entries, 1);\n\t__type(key, __u32);\n"
			   "\t__type(value, struct __pyb_snap%d);\n} __pyb_snap%d_map SEC(\".maps\");\n", n, n);
	/* the callback's context must be on the stack: it holds the snapshot's address */
	str_printf(e->out, "struct __pyb_snap%d_cx { struct __pyb_snap%d *s; };\n", n, n);
	str_printf(e->out, "static long __pyb_snap%d_add(void *map, %s *key, %s *val, struct __pyb_snap%d_cx *cx)\n{\n"
			   "\tstruct __pyb_snap%d *s = cx->s;\n\t__u32 i = s->n;\n\tif (i >= %d)\n\t\treturn 1;\n"
			   "\ts->k[i] = *key;\n\ts->v[i] = *val;\n\ts->n = i + 1;\n\treturn 0;\n}\n\n", n, kt, vt, n, n, cap);
	line(e, "{");
	e->indent++;
	line(e, "__u32 __z%d = 0;", n);
	line(e, "struct __pyb_snap%d *__s%d = bpf_map_lookup_elem(&__pyb_snap%d_map, &__z%d);", n, n, n, n);
	line(e, "__u32 __len%d = 0;", n);
	line(e, "if (__s%d) {", n);
	line(e, "\t__s%d->n = 0;", n);
	line(e, "\tstruct __pyb_snap%d_cx __cx%d = {__s%d};", n, n, n);
	line(e, "\tbpf_for_each_map_elem(&%s, __pyb_snap%d_add, &__cx%d, 0);", m->cname, n, n);
	line(e, "\t__len%d = __s%d->n;", n, n);
	line(e, "\tif (__len%d > %d) __len%d = %d;", n, cap, n, cap);
	/* insertion sort by key: for i in 1..len, move item i left past larger keys */
	line(e, "\tint *__i%d, *__t%d;", n, n);
	line(e, "\tstruct bpf_iter_num __oi%d, __ii%d;", n, n);
	line(e, "\tbpf_iter_num_new(&__oi%d, 1, (int)__len%d);", n, n);
	line(e, "\twhile ((__i%d = bpf_iter_num_next(&__oi%d))) {", n, n);
	line(e, "\t\tint __top%d = *__i%d;", n, n);
	line(e, "\t\tbpf_iter_num_new(&__ii%d, 0, __top%d);", n, n);
	line(e, "\t\twhile ((__t%d = bpf_iter_num_next(&__ii%d))) {", n, n);
	line(e, "\t\t\tint __j%d = __top%d - *__t%d;", n, n, n);
	line(e, "\t\t\tif (__j%d < 1 || __j%d >= %d) break;", n, n, cap);
	line(e, "\t\t\t%s __ka%d = __s%d->k[__j%d - 1], __kb%d = __s%d->k[__j%d];", kt, n, n, n, n, n, n);
	line(e, "\t\t\tif (__ka%d <= __kb%d) break;", n, n);
	line(e, "\t\t\t%s __va%d = __s%d->v[__j%d - 1];", vt, n, n, n);
	line(e, "\t\t\t__s%d->k[__j%d - 1] = __kb%d; __s%d->k[__j%d] = __ka%d;", n, n, n, n, n, n);
	line(e, "\t\t\t__s%d->v[__j%d - 1] = __s%d->v[__j%d]; __s%d->v[__j%d] = __va%d;", n, n, n, n, n, n, n);
	line(e, "\t\t}");
	line(e, "\t\tbpf_iter_num_destroy(&__ii%d);", n);
	line(e, "\t}");
	line(e, "\tbpf_iter_num_destroy(&__oi%d);", n);
	line(e, "}");
	f = loop_begin(e, s, n);
	line(e, "__u32 __x%d = (__u32)*__p%d;", n, n);
	line(e, "if (!__s%d || __x%d >= %d) break;", n, n, cap);
	line(e, "%s = %s;", local_name(e, kn->sym),
	     load_int(e, m->type->key, xasprintf("__s%d->k[__x%d]", n, n), it->raise));
	if (vn)
		line(e, "%s = %s;", local_name(e, vn->sym),
		     load_int(e, m->type->val, xasprintf("__s%d->v[__x%d]", n, n), it->raise));
	loop_end(e, s, f);
}

/* bpf_iter_bits(words, nr_words)'s arguments (check_iter_bits.c): an int
 * word is copied to the stack; nr_words outside 0..K raises ValueError */
static void iter_bits_args(Emitter *e, Node *it, int n, Str *args)
{
	Node *w = VEC_AT(it->elts, 0), *nr = VEC_AT(it->elts, 1);
	int k = w->type->kind == TY_BYTES ? w->type->size / 8 : 1;
	if (w->type->kind == TY_BYTES) {
		line(e, "__u64 *__bw%d = (__u64 *)(%s);", n, expr(e, w));   /* the kernel only reads them */
	} else {
		line(e, "__u64 __bv%d = (__u64)(%s);", n, expr(e, w));
		line(e, "__u64 *__bw%d = &__bv%d;", n, n);
	}
	line(e, "__s64 __bn%d = %s;", n, expr(e, nr));
	line(e, "if (__bn%d < 0 || __bn%d > %d) %s", n, n, k, raise_code(e, it->raise));
	str_printf(args, "__bw%d, (__u32)__bn%d", n, n);
}

/* for x in bpf_iter_task(None, 0): a kernel iterator (check_for_kfunc_iter) */
static void for_kernel_iter_stmt(Emitter *e, Node *s)
{
	Node *it = s->iter;
	KBtf *k = e->prog->btf;
	KParam *kp;
	int np, ret, n = e->tmp++;
	KInfo in, st;
	Str args = {0};
	Frame *f;
	const char *x = local_name(e, s->target->sym);

	kbtf_func_args(k, xasprintf("%s_new", it->lhs->name), &kp, &np, &ret, NULL);
	kbtf_info(k, kp[0].type, &in);
	kbtf_info(k, in.target, &st);
	line(e, "{");
	e->indent++;
	if (!strcmp(it->lhs->name, "bpf_iter_bits"))
		iter_bits_args(e, it, n, &args);
	else
		for (int i = 1; i < np; i++) {
			Node *a = VEC_AT(it->elts, i - 1);
			str_printf(&args, "%s(%s)(%s)", i > 1 ? ", " : "", kemit_c_type(e->prog->kemit, kp[i].type),
				   a->kind == ND_NONE ? "0" : expr(e, a));
		}
	kbtf_func_args(k, xasprintf("%s_next", it->lhs->name), &kp, &np, &ret, NULL);
	f = iter_loop_begin(e, s, n, it->lhs->name + 9, kemit_c_type(e->prog->kemit, in.target), st.size,
			    args.buf ? args.buf : "", xasprintf("%s ", kemit_c_type(e->prog->kemit, ret)),
			    !strcmp(it->lhs->name, "bpf_iter_bits") ? VEC_AT(e->prog->raises, it->raise->id + 1) : NULL);
	if (s->target->type->kind == TY_KPTR)
		line(e, "%s = __p%d;", x, n);
	else
		line(e, "%s = (__s64)*__p%d;", x, n);
	loop_end(e, s, f);
}

static void for_stmt(Emitter *e, Node *s)
{
	if (s->op == 'M') {
		for_map_stmt(e, s);
		return;
	}
	if (s->op == 'I') {
		for_kernel_iter_stmt(e, s);
		return;
	}
	Node *it = s->iter;
	Node *a0 = VEC_AT(it->elts, 0);
	Node *a1 = it->elts.len > 1 ? VEC_AT(it->elts, 1) : NULL;
	Node *a2 = it->elts.len > 2 ? VEC_AT(it->elts, 2) : NULL;
	int n = e->tmp++;
	Frame *f;

	line(e, "{");
	e->indent++;
	if (a1) {
		line(e, "__s64 __lo%d = %s;", n, expr(e, a0));
		line(e, "__s64 __hi%d = %s;", n, expr(e, a1));
	} else {
		line(e, "__s64 __lo%d = 0;", n);
		line(e, "__s64 __hi%d = %s;", n, expr(e, a0));
	}
	line(e, "__s64 __st%d = %s;", n, a2 ? expr(e, a2) : "1");
	line(e, "if (__st%d == 0) %s", n, raise_code(e, it->raise));
	line(e, "__u64 __len%d = __pyb_range_len(__lo%d, __hi%d, __st%d);", n, n, n, n);
	line(e, "if (__len%d > __PYB_MAX_LOOPS) %s", n, raise_at(e, it->raise, 1));
	f = loop_begin(e, s, n);
	line(e, "%s = (__s64)((__u64)__lo%d + (__u64)(__s64)*__p%d * (__u64)__st%d);", local_name(e, s->target->sym), n, n, n);
	loop_end(e, s, f);
}

/* Where the paths through a try statement meet again (its body, each
 * handler, each raise site's way into them), make them one state for the
 * verifier: the int locals the statement uses become values it cannot know
 * (x ^= a zero it cannot see through), so what each path's checks taught it
 * about their ranges no longer tells the paths apart, and the statements
 * after it are checked once, not once per path: straight-line code of N
 * try statements costs N, not a product (issue 19, 60 blocks: 1,000,001
 * instructions, then 24,813).
 * It also ends clang's reuse of a value across the statement: a value the
 * body computed and a later statement recomputes would otherwise be kept
 * in a register, and on the paths that left the body before computing it
 * (to a handler) that register is never written. The later statement does
 * not use it on those paths, but the spill of the join reads it, and the
 * verifier refuses that ("R3 !read_ok", repro/long_probe_read_ok.py).
 * Python's values are unchanged. */
static void merge_paths(Emitter *e, Node *s)
{
	Vec v = {0};
	Str z = {0};
	used_locals(s, &v, is_int_type);
	for (int i = 0; i < v.len; i++)
		str_printf(&z, "%s%s ^= __pyb_opaque_zero;", i ? " " : "", local_name(e, VEC_AT(v, i)));
	if (v.len)
		line(e, "%s", z.buf);
}

static void try_stmt(Emitter *e, Node *s)
{
	Frame *f = push_frame(e, FR_TRY, s);
	int n = f->n, depth = e->nframes - 1;
	bool fin = s->finalbody.len > 0;

	str_printf(&e->decls, "\t__s64 __pyb_cs%d = 0, __pyb_cc%d = 0;\n", n, n);
	if (fin) {
		str_printf(&e->decls, "\tint __pyb_pk%d = 0;\n\t__s64 __pyb_ps%d = 0, __pyb_pc%d = 0;\n", n, n, n);
		/* ps and pc too: else they are live around an enclosing loop,
		 * and each raise site's values make a loop state of their own */
		line(e, "__pyb_pk%d = 0; __pyb_ps%d = 0; __pyb_pc%d = 0;", n, n, n);
	}
	line(e, "(void)__pyb_cs%d; (void)__pyb_cc%d;", n, n);
	block(e, &s->body);
	f->phase = PH_ELSE;
	block(e, &s->orelse);
	line(e, "goto __pyb_tend%d;", n);
	f->phase = PH_HANDLER;
	for (int j = 0; j < s->handlers.len; j++) {
		Node *h = VEC_AT(s->handlers, j);
		line(e, "__pyb_h%d_%d: ;", n, j);
		line_directive(e, h);
		block(e, &h->body);
		line(e, "goto __pyb_tend%d;", n);
	}
	line(e, "__pyb_tend%d: ;", n);
	if (fin) {
		f->phase = PH_FINALLY;
		line(e, "__pyb_f%d: ;", n);
		block(e, &s->finalbody);
		e->nframes--;
		/* what was pending when the finally began goes on outward */
		line(e, "if (__pyb_pk%d == %d) %s", n, PEND_EXC,
		     raise_dynamic(e, depth - 1, xasprintf("__pyb_ps%d", n), xasprintf("__pyb_pc%d", n)));
		line(e, "if (__pyb_pk%d == %d) %s", n, PEND_RETURN, return_code(e, depth - 1));
		for (int i = depth - 1; i >= 0; i--)
			if (e->frames[i].kind == FR_LOOP) {
				line(e, "if (__pyb_pk%d == %d) %s", n, PEND_BREAK, jump_code(e, depth - 1, PEND_BREAK));
				line(e, "if (__pyb_pk%d == %d) %s", n, PEND_CONTINUE, jump_code(e, depth - 1, PEND_CONTINUE));
				break;
			}
	} else {
		e->nframes--;
	}
	merge_paths(e, s);
}

/* The try frame whose handler we are in (for a bare raise). */
static Frame *current_handler(Emitter *e)
{
	for (int i = e->nframes - 1; i >= 0; i--)
		if (e->frames[i].kind == FR_TRY && e->frames[i].phase == PH_HANDLER)
			return &e->frames[i];
	ICE("bare raise outside a handler");
}

static void stmt(Emitter *e, Node *s);
static void stmt_code(Emitter *e, Node *s)
{
	line_directive(e, s);
	switch (s->kind) {
	case ND_PASS:
		line(e, ";");
		return;
	case ND_EXPR_STMT:
		if (s->value->kind == ND_STR)
			return;
		if (s->value->kind == ND_CALL && s->value->lhs && s->value->lhs->kind == ND_NAME &&
		    !strcmp(s->value->lhs->name, "print")) {
			print_stmt(e, s->value, s == e->tail && e->nframes == 0);
			return;
		}
		if (s->value->kind == ND_CALL && s->value->op == 'o') {
			ringbuf_output(e, s->value, s == e->tail && e->nframes == 0);
			return;
		}
		if (s->value->kind == ND_CALL && (s->value->op == 'S' || s->value->op == 'C')) {
			/* show(m) / m.clear(): done by the loader, in order with print() */
			int mi = 0;
			while (VEC_AT(e->prog->maps, mi) != s->value->sym->data)
				mi++;
			line(e, "{ __u64 *__r = bpf_ringbuf_reserve(&__pyb_events, 8, 0); if (!__r) %s "
				"else { *__r = (__u64)__pyb_version << 48 | 0xffffull << 32 | %d; bpf_ringbuf_submit(__r, 0); } }",
			     lost_stmt(e, false), mi << 1 | (s->value->op == 'C'));
			return;
		}
		line(e, "(void)%s;", expr(e, s->value));
		return;
	case ND_ASSIGN: {
		if (s->op == 'U') {
			/* a, b = x, y: the values first, then the names */
			Node *t0 = VEC_AT(s->targets, 0);
			Vec temps = {0};
			line(e, "{");
			for (int i = 0; i < s->value->elts.len; i++) {
				const char *t = tmp(e);
				line(e, "\t__s64 %s = %s;", t, expr(e, VEC_AT(s->value->elts, i)));
				vec_push(&temps, (void *)t);
			}
			for (int i = 0; i < t0->elts.len; i++) {
				Node *tg = VEC_AT(t0->elts, i), *val = VEC_AT(s->value->elts, i);
				Sym *y = tg->sym;
				const char *t = VEC_AT(temps, i);
				if (y->kind == SYM_GLOBAL) {
					GlobalDecl *g = y->data;
					line(e, "\t%s = %s;", g->cname, range_checked(e, t, g->type, val->store_raise));
				} else if (y->type->kind == TY_OPT) {
					line(e, "\t%s = %s; %s__some = 1;", local_name(e, y), t, local_name(e, y));
				} else {
					line(e, "\t%s = %s;", local_name(e, y), range_checked(e, t, y->type, val->store_raise));
				}
			}
			line(e, "}");
			return;
		}
		if (s->op == 'P') {
			/* v, n = bpf.strtol(buf, 0): a helper's two results */
			Node *t0 = VEC_AT(s->targets, 0);
			const char *os, *ovf;
			char **argv = helper_argv(e, s->value, &os, &ovf);
			const char *names[3] = {0};
			for (int i = 0; i < t0->elts.len && i < 3; i++)
				names[i] = local_name(e, ((Node *)VEC_AT(t0->elts, i))->sym);
			line(e, "%s", t0->elts.len == 3 ? emit_helper_triple(s->value, argv, os, ovf, names)
							: emit_helper_pair(s->value, argv, os, ovf, names[0], names[1]));
			return;
		}
		if (s->op == 'j') {   /* m[k] = S(...), S holding a lock (check_lock.c) */
			line(e, "%s", lock_store(e, s));
			return;
		}
		if (s->op == 'J') {   /* timers[k] = Timer() */
			line(e, "%s", timer_store(e, s));
			return;
		}
		if (s->op == 'V') {
			/* a, b = d[k]: the item, inserted as zeros when missing (a defaultdict) */
			Node *t0 = VEC_AT(s->targets, 0), *v = s->value;
			MapDecl *m = map_of(v->lhs);
			Type *tt = m->type->val;
			const char *kp, *p = tmp(e);
			char *setup = key_setup(e, m, v->rhs, &kp);
			line(e, "{");
			line(e, "\t%s %s *%s = __pyb_lookup_or_init(&%s, %s, (const void *)__pyb_zero);", setup, ty_ctype(tt), p,
			     m->cname, kp);
			line(e, "\tif (!%s) %s", p, raise_code(e, v->raise));
			for (int i = 0; i < t0->elts.len; i++) {
				Node *tg = VEC_AT(t0->elts, i);
				line(e, "\t%s = %s;", local_name(e, tg->sym),
				     load_int(e, VEC_AT(tt->elems, i), xasprintf("%s->f%d", p, i),
					      VEC_AT(e->prog->raises, v->raise->id + 1)));
			}
			line(e, "}");
			return;
		}
		if (s->op == 'W') {
			/* d[k] = (a, b): the values (left to right), then the key, then the update */
			Node *tg = VEC_AT(s->targets, 0), *v = s->value;
			MapDecl *m = map_of(tg->lhs);
			Type *tt = m->type->val;
			const char *kp, *r = tmp(e);
			line(e, "{");
			line(e, "\t%s %s; __builtin_memset(&%s, 0, sizeof(%s));", ty_ctype(tt), r, r, r);
			for (int i = 0; i < v->elts.len; i++)
				line(e, "\t%s.f%d = %s;", r, i, int_for_store(e, VEC_AT(v->elts, i), VEC_AT(tt->elems, i)));
			char *setup = key_setup(e, m, tg->rhs, &kp);
			line(e, "\t%s if (bpf_map_update_elem(&%s, %s, &%s, 0)) %s", setup, m->cname, kp, r, raise_code(e, tg->raise));
			line(e, "}");
			return;
		}
		/* a = b = value: evaluate once, then store left to right */
		Node *first = VEC_AT(s->targets, 0);
		assign_to(e, first, s->value);
		for (int i = 1; i < s->targets.len; i++) {
			Node *tg = VEC_AT(s->targets, i);
			if (tg->kind == ND_NAME && first->kind == ND_NAME && tg->type->kind == TY_STR)
				line(e, "__builtin_memcpy(%s, %s, %d);", local_name(e, tg->sym), local_name(e, first->sym), tg->type->size);
			else
				assign_to(e, tg, s->value);
		}
		return;
	}
	case ND_ANNASSIGN:
		assign_to(e, s->target, s->value);
		return;
	case ND_AUGASSIGN:
		augassign(e, s);
		return;
	case ND_IF: {
		/* if/elif/.../else as a flat else-if chain (a test is one C
		 * expression: statement expressions keep its temporaries inside) */
		Node *cur = s;
		/* a test of constants (Finals, with their -D values): only the
		 * branch taken is written */
		while (cur->folded) {
			Vec *taken = cur->folded > 0 ? &cur->body : &cur->orelse;
			if (cur->folded < 0 && cur->orelse.len == 1 && ((Node *)VEC_AT(cur->orelse, 0))->kind == ND_IF &&
			    ((Node *)VEC_AT(cur->orelse, 0))->tok->kind == TK_ELIF) {
				cur = VEC_AT(cur->orelse, 0);
				line_directive(e, cur);
				continue;
			}
			line(e, "{");
			e->indent++;
			block(e, taken);
			e->indent--;
			line(e, "}");
			return;
		}
		line(e, "if (%s) {", truth(e, cur->test));
		for (;;) {
			e->indent++;
			block(e, &cur->body);
			e->indent--;
			if (!cur->orelse.len)
				break;
			if (cur->orelse.len == 1 && ((Node *)VEC_AT(cur->orelse, 0))->kind == ND_IF &&
			    ((Node *)VEC_AT(cur->orelse, 0))->tok->kind == TK_ELIF) {
				cur = VEC_AT(cur->orelse, 0);
				line_directive(e, cur);
				line(e, "} else if (%s) {", cur->folded ? (cur->folded > 0 ? "1" : "0") : truth(e, cur->test));
				continue;
			}
			line(e, "} else {");
			e->indent++;
			block(e, &cur->orelse);
			e->indent--;
			break;
		}
		line(e, "}");
		return;
	}
	case ND_RETURN: {
		Frame *f = current_call(e);
		if (f && s->value) {
			FuncDecl *fd = f->node->sym->data;
			line(e, "__r%d = %s;", f->n, int_for_store(e, s->value, fd->ret));
		} else if (s->value && s->value->type->kind != TY_NONE) {
			/* a struct_ops method's result */
			line(e, "__pyb_rv = %s;", expr(e, s->value));
		}
		line(e, "%s", return_code(e, e->nframes - 1));
		return;
	}
	case ND_FOR:
		for_stmt(e, s);
		return;
	case ND_BREAK:
		line(e, "%s", jump_code(e, e->nframes - 1, PEND_BREAK));
		return;
	case ND_CONTINUE:
		line(e, "%s", jump_code(e, e->nframes - 1, PEND_CONTINUE));
		return;
	case ND_TRY:
		try_stmt(e, s);
		return;
	case ND_RAISE:
		if (!s->value) {
			Frame *f = current_handler(e);
			/* from where the raise is: loops inside the handler end, a try
			 * inside it may catch; the handler's own try (in its handler
			 * phase) no longer catches, but its finally still runs */
			line(e, "%s", raise_dynamic(e, e->nframes - 1, xasprintf("__pyb_cs%d", f->n), xasprintf("__pyb_cc%d", f->n)));
			return;
		}
		line(e, "%s", raise_code(e, s->raise));
		return;
	case ND_ASSERT:
		line(e, "if (!%s) %s", truth(e, s->test), raise_code(e, s->raise));
		return;
	case ND_DEL:
		for (int i = 0; i < s->targets.len; i++) {
			Node *t = VEC_AT(s->targets, i);
			MapDecl *m = map_of(t->lhs);
			const char *kp, *ok;
			char *setup = lookup_key_setup(e, m, t->rhs, &kp, &ok);
			line(e, "{ %s if (!%s || %s) %s }", setup, ok, delete_call(m, kp), raise_code(e, t->raise));
		}
		return;
	case ND_GLOBAL:
		return;
	case ND_WITH: {
		/* acquire; the body runs as a try whose finally releases */
		Node *item = VEC_AT(s->items, 0), *call = item->value;
		Sym *y = item->target ? item->target->sym : NULL;
		const char *x = y ? local_name(e, y) : NULL;
		if (!y) {   /* a region: with bpf_rcu_read_lock(): */
			line(e, "%s;", expr(e, call));
		} else if (call->op == '&') {   /* a spin lock (check_lock.c) */
			lock_begin(e, call, y);
		} else if (call->op == 'w') {   /* a ring buffer reservation, or a lost record */
			ringbuf_begin(e, call, y);
		} else if (call->op == 'k') {   /* a kernel reference, or NULL */
			line(e, "%s = (%s *)%s;", x, kemit_c_type(e->prog->kemit, y->type->btf_id), expr(e, call));
		} else {
			Node *path = VEC_AT(call->elts, 0);
			line(e, "%s = pybpf_file_open(%s);", x, c_string(path->tok->str, path->tok->slen));
			line(e, "if (!%s) %s", x, raise_code(e, s->raise));
		}
		stmt(e, s->third);
		return;
	}
	default:
		ICE("statement %s", node_names[s->kind]);
	}
}

/* A statement, between markers of its scope (lines "\x01N" and "\x02N")
 * for the temporaries it declares. probe() then either removes the
 * markers (the temporaries stay at the function's top, as declared), or
 * makes the statement a C block that begins with its temporaries: their
 * lifetimes then end with the statement, and clang gives the temporaries
 * of different statements the same stack (it cannot when they are all at
 * the top). No goto jumps past such declarations, at a block's start:
 * jumps out of a statement (raise, return, break, continue, a finally's
 * pending jump) leave its block, and a label is either outside the block
 * or inside it after them. */
static void stmt(Emitter *e, Node *s)
{
	Scope *sc = xcalloc(1, sizeof(*sc));
	int outer = e->scope, id = e->scopes.len;
	Loc l = s->loc.file ? s->loc : s->tok->loc;
	sc->indent = e->indent;
	sc->line = l.line;
	sc->file = l.file->name;
	vec_push(&e->scopes, sc);
	e->scope = id;
	str_printf(&e->body, "\x01%d\n", id);
	stmt_code(e, s);
	str_printf(&e->body, "\x02%d\n", id);
	e->scope = outer;
}

/* The scope markers of e->body (see stmt) made C blocks when the function's
 * stack values (locals, buffers, iterators, helpers' locals) add up to more
 * than a quarter of the stack, or else removed: the declarations at the
 * function's top then leave clang room enough, and small programs keep the
 * code they had (blocks change clang's block layout a little, either way). */
static void place_temporaries(Emitter *e)
{
	int bytes = e->scoped_bytes;
	bool blocks;
	Str body = {0}, decls = {0};
	int depth = 0;
	for (int i = 0; i < stack_items.len; i++)
		bytes += ((StackItem *)VEC_AT(stack_items, i))->size;
	blocks = bytes > 128;
	for (const char *p = e->decls.buf; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (*p != '\x01')
			str_add(&decls, p, n);
		else if (!blocks)
			str_add(&decls, p + 1, n - 1);
		p += n;
	}
	for (const char *p = e->body.buf; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		Scope *sc = *p == '\x01' || *p == '\x02' ? VEC_AT(e->scopes, atoi(p + 1)) : NULL;
		if (sc && blocks && sc->decls.len) {
			str_printf(&body, "#line %d %s\n", sc->line, c_string(sc->file, strlen(sc->file)));
			for (int i = 0; i < sc->indent + depth - (*p == '\x02'); i++)
				str_puts(&body, "\t");
			if (*p == '\x02') {
				str_puts(&body, "}\n");
				depth--;
			} else {
				str_puts(&body, "{\n");
				/* "\tchar x[4];\n" lines, at the block's depth */
				for (const char *d = sc->decls.buf; *d;) {
					const char *dl = strchr(d, '\n') + 1;
					for (int i = 0; i < sc->indent + depth; i++)
						str_puts(&body, "\t");
					str_add(&body, d, dl - d);
					d = dl;
				}
				depth++;
			}
		} else if (!sc) {
			if (*p != '#')
				for (int i = 0; i < depth; i++)
					str_puts(&body, "\t");
			str_add(&body, p, n);
		}
		p += n;
	}
	e->decls = decls;
	e->body = body;
}

static void block(Emitter *e, Vec *body)
{
	for (int i = 0; i < body->len; i++)
		stmt(e, VEC_AT(*body, i));
}

/* ---- long probe bodies become BPF subprograms ---------------------------
 *
 * clang -O2 (LLVM 19's InstCombine) takes time quadratic in the number of
 * early exits of one function, and every raise site is one
 * (docs/performance.md, section 4). A probe whose body has many is split
 * at top-level statement boundaries into static noinline functions (BPF-to-
 * BPF calls), each with a bounded number of exits, so the total stays
 * linear. The probe's locals live in a frame struct on the probe's stack;
 * each part copies them in, runs its statements with the same C names, and
 * copies them back. The statements' text is the same in both forms: a part
 * declares `int __pyb_rv = 1`, so every `return __pyb_rv;` (an uncaught
 * raise, counted in its own __pyb_exc slot before it returns, or a return
 * statement) returns 1 from the part, and the probe then returns its own 0;
 * a part that runs to its end returns 0. Only top-level statements are cut,
 * so a try, a loop or a with statement stays whole inside one part and its
 * handlers, finally blocks and iterators work as before. */
enum {
	SPLIT_MIN_EXITS = 200,    /* split a probe body with more exits than this */
	SPLIT_PART_EXITS = 100,   /* exits per part, about */
	SPLIT_MAX_FRAME = 192,    /* bytes of locals: each part holds a copy too (512-byte stack) */
	SPLIT_MAX_STACK = 448,    /* the frame plus all str/struct locals and buffers */
	SPLIT_MAX_PARTS = 200,    /* of one probe; the kernel's limit is 256 functions per program */
};

static int count_pattern(const char *s, size_t from, size_t to, const char *pat)
{
	int n = 0;
	size_t len = strlen(pat);
	const char *p = s + from, *end = s + to;
	while (p < end && (p = memmem(p, end - p, pat, len))) {
		n++;
		p += len;
	}
	return n;
}

static int count_exits(const char *s, size_t from, size_t to)
{
	return count_pattern(s, from, to, "return __pyb_rv;") + count_pattern(s, from, to, "goto __pyb_raise;");
}

/* The block an uncaught exception jumps to (one per C function): count it
 * at the byte offset in __pyb_site (by that offset: exc_step), and return.
 * Every way in sets a site of 8 or more, but clang may fold the sites of
 * two raises into arithmetic (a u64 read's (x >> 63) & 24) whose range the
 * verifier cannot narrow by the branch that chose it; hidden from clang by
 * the empty asm, the test gives the verifier the bound. */
static void raise_block(Emitter *e, Str *out)
{
	str_printf(out, "__pyb_raise:\n\tasm volatile(\"\" : \"+r\"(__pyb_site));\n\tif (__pyb_site >= 8)\n"
		   "\t\t__sync_fetch_and_add((__u64 *)((char *)__pyb_counters + __pyb_site - 8), __pyb_site);\n\t%s\n",
		   e->ret_stmt);
}

/* A local's field in the frame struct, and its copies into and out of a
 * part. Returns its size in bytes, or -1 if it cannot cross a call. */
static int frame_field(Emitter *e, Sym *y, Str *fields, Str *in, Str *out)
{
	const char *n = local_name(e, y);
	switch (y->type->kind) {
	case TY_CTX:
		return 0;
	case TY_PACKET:   /* a packet pointer, in one function */
		return -1;
	case TY_FILE:   /* an acquired reference: stays in one function */
	case TY_DYNPTR:   /* a dynptr: its stack slots, in one function */
		return -1;
	case TY_STR:
	case TY_BYTES:
		str_printf(fields, "\tchar %s[%d];\n", n, y->type->size);
		str_printf(in, "\t__builtin_memcpy(%s, __pyb_f->%s, %d);\n", n, n, y->type->size);
		str_printf(out, "\t__builtin_memcpy(__pyb_f->%s, %s, %d);\n", n, n, y->type->size);
		return (y->type->size + 7) / 8 * 8;
	case TY_STRUCT:
		if (y->type->inplace)   /* a ring buffer reservation: stays in one function */
			return -1;
		str_printf(fields, "\t%s %s;\n", ty_ctype(y->type), n);
		break;
	case TY_KPTR:
		str_printf(fields, "\t%s *%s;\n", kemit_c_type(e->prog->kemit, y->type->btf_id), n);
		break;
	case TY_PTR:
		str_printf(fields, "\tconst void *%s;\n", n);
		break;
	case TY_OPT:
		str_printf(fields, "\t__s64 %s;\n\tint %s__some;\n", n, n);
		str_printf(in, "\t%s__some = __pyb_f->%s__some;\n", n, n);
		str_printf(out, "\t__pyb_f->%s__some = %s__some;\n", n, n);
		str_printf(in, "\t%s = __pyb_f->%s;\n", n, n);
		str_printf(out, "\t__pyb_f->%s = %s;\n", n, n);
		return 16;
	default:
		str_printf(fields, "\t__s64 %s;\n", n);
		break;
	}
	str_printf(in, "\t%s = __pyb_f->%s;\n", n, n);
	str_printf(out, "\t__pyb_f->%s = %s;\n", n, n);
	return y->type->kind == TY_STRUCT ? (y->type->size + 7) / 8 * 8 : 8;
}

/* Emit probe p's function as parts if its body is long (see above). The
 * body's text is in e->body: [0, cut[0]) the parameters, then statement i
 * ends at cut[i + 1]; its hoisted declarations end at dcut[i + 1] in
 * e->decls (dcut[0]: the locals' own). Returns false to emit it whole. */
/* Whether the body is long enough to split (emit_split may still decline). */
static bool split_candidate(Emitter *e, Probe *p, int nstmt)
{
	int min_exits = SPLIT_MIN_EXITS;
	const char *force = getenv("PYBPF_SPLIT_EXITS");   /* tests: split small bodies too */
	if (force && atoi(force) > 0)
		min_exits = atoi(force);
	/* a tail call in a part would end that part only: the probe would go on */
	return !p->ret && !p->tail_calls && nstmt >= 2 && count_exits(e->body.buf, 0, e->body.len) > min_exits;
}

/* The statement scope markers of e->body and e->decls (see stmt) removed,
 * as place_temporaries does without blocks, statement by statement so that
 * cut[] and dcut[] follow. */
static void flatten_scopes(Emitter *e, size_t *cut, size_t *dcut, int nstmt)
{
	Str body = {0}, decls = {0};
	size_t from = cut[0], dfrom = dcut[0];   /* statement i's start in the old text */
	str_add(&body, e->body.buf, cut[0]);
	str_add(&decls, e->decls.buf, dcut[0]);
	for (int i = 0; i < nstmt; i++) {
		for (const char *q = e->body.buf + from, *end = e->body.buf + cut[i + 1]; q < end;) {
			const char *nl = memchr(q, '\n', end - q);
			size_t n = nl ? (size_t)(nl - q + 1) : (size_t)(end - q);
			if (*q != '\x01' && *q != '\x02')
				str_add(&body, q, n);
			q += n;
		}
		for (const char *q = e->decls.buf + dfrom, *end = e->decls.buf + dcut[i + 1]; q < end;) {
			const char *nl = memchr(q, '\n', end - q);
			size_t n = nl ? (size_t)(nl - q + 1) : (size_t)(end - q);
			if (*q == '\x01')
				str_add(&decls, q + 1, n - 1);
			else
				str_add(&decls, q, n);
			q += n;
		}
		from = cut[i + 1], dfrom = dcut[i + 1];
		cut[i + 1] = body.len;
		dcut[i + 1] = decls.len;
	}
	e->body = body;
	e->decls = decls;
}

static bool emit_split(Emitter *e, Probe *p, const char *ctxdecl, size_t *cut, size_t *dcut, int nstmt)
{
	Vec *locals = p->def->locals;
	int part_exits = SPLIT_PART_EXITS;
	const char *force = getenv("PYBPF_SPLIT_EXITS");   /* tests: split small bodies too */
	if (force && atoi(force) > 0)
		part_exits = atoi(force);
	if (!split_candidate(e, p, nstmt))
		return false;
	int total = count_exits(e->body.buf, 0, e->body.len);
	if (total / part_exits > SPLIT_MAX_PARTS)   /* the kernel allows 256 subprograms in all */
		part_exits = total / SPLIT_MAX_PARTS + 1;
	Str fields = {0}, in = {0}, out = {0};
	int size = 0;
	for (int i = 0; i < locals->len; i++) {
		int n = frame_field(e, VEC_AT(*locals, i), &fields, &in, &out);
		if (n < 0)
			return false;
		size += n;
	}
	/* the frame is stack the single function did not need: keep the whole
	 * chain well inside 512 bytes, counting every buffer as if one part had all */
	int noted = 0;
	for (int i = 0; i < stack_items.len; i++)
		noted += ((StackItem *)VEC_AT(stack_items, i))->size;
	if (size > SPLIT_MAX_FRAME || size + noted > SPLIT_MAX_STACK)
		return false;
	const char *file = c_string(p->def->tok->loc.file->name, strlen(p->def->tok->loc.file->name));
	int line0 = p->def->tok->loc.line;
	str_printf(e->out, "\n/* %s's locals, shared by its parts */\nstruct __pyb_frame_%s {\n%s\tchar __pyb_unused;\n};\n",
		   p->cname, p->cname, fields.buf ? fields.buf : "");
	Str calls = {0};
	int nparts = 0;
	for (int first = 0; first < nstmt;) {
		int last = first, exits = 0;
		while (last < nstmt && (exits < part_exits || last == first)) {
			exits += count_exits(e->body.buf, cut[last], cut[last + 1]);
			last++;
		}
		if (nstmt - last < 4 && last < nstmt)   /* no tiny last part */
			last = nstmt;
		size_t from = first ? cut[first] : 0;
		/* used: else LLVM drops the last part's result (the probe returns 0
		 * either way) and leaves r0 holding anything, even the frame pointer,
		 * which the verifier refuses ("cannot return stack pointer") */
		str_printf(e->out, "\n#line %d %s\nstatic __attribute__((noinline, used)) int __pyb_%s_part%d(%s, struct __pyb_frame_%s *__pyb_f)\n{\n"
				   "\tint __pyb_rv = 1;   /* what `return __pyb_rv;` gives back: the probe ends */\n",
			   line0, file, p->cname, nparts, ctxdecl, p->cname);
		int noted = stack_items.len;   /* the locals are noted once, by the probe */
		for (int i = 0; i < locals->len; i++) {
			Sym *y = VEC_AT(*locals, i);
			if (y->type->kind != TY_CTX)
				str_printf(e->out, "\t%s;\n", local_decl(e, y));
		}
		stack_items.len = noted;
		str_add(e->out, e->decls.buf + dcut[first], dcut[last] - dcut[first]);
		bool raises = count_pattern(e->body.buf, from, cut[last], "goto __pyb_raise;") > 0;
		if (raises)
			str_puts(e->out, "\t__u32 __pyb_site = 0;\n");
		str_printf(e->out, "\t(void)ctx;\n%s", in.buf ? in.buf : "");
		str_add(e->out, e->body.buf + from, cut[last] - from);
		str_printf(e->out, "%s\treturn 0;\n", out.buf ? out.buf : "");
		if (raises)
			raise_block(e, e->out);
		str_puts(e->out, "}\n");
		str_printf(&calls, "\tif (__pyb_%s_part%d(ctx, &__pyb_f))\n\t\treturn __pyb_rv;\n", p->cname, nparts);
		nparts++;
		first = last;
	}
	e->decls = (Str){0};
	str_printf(&e->decls, "\tint __pyb_rv = 0;\n\tstruct __pyb_frame_%s __pyb_f = {};\n", p->cname);
	e->body = (Str){0};
	str_printf(&e->body, "%s\treturn __pyb_rv;\n", calls.buf);
	return true;
}

/* A @usdt probe's parameter: the note's argument (bpf/pybpf.h), a memory
 * operand that cannot be read raising FaultError. */
static void usdt_param(Emitter *e, Node *pa, Sym *y)
{
	if (y->type->kind == TY_PTR) {
		line(e, "%s = (const void *)__pyb_usdt_arg(ctx, %d, &__pyb_uerr);", y->cname, (int)pa->cval);
	} else {
		const char *cast = pa->type && pa->type->kind == TY_FIXED ? ty_ctype(pa->type) : "__s64";
		line(e, "%s = (__s64)(%s)__pyb_usdt_arg(ctx, %d, &__pyb_uerr);", y->cname, cast, (int)pa->cval);
	}
	if (pa->raise)
		line(e, "if (__pyb_uerr) %s", raise_code(e, pa->raise));
}

static void probe(Emitter *e, Probe *p)
{
	Node *fn = p->def;
	Vec *locals = fn->locals;

	begin_function(e);
	line_directive(e, fn);
	/* what every way out returns (a struct_ops method's value, or 0) */
	bool is_void = p->ret && p->ret->kind == TY_NONE;
	const char *rt = !p->ret ? "int" : is_void ? "void" : !p->ret_kid ? "int" : kemit_c_type(e->prog->kemit, p->ret_kid);
	e->ret_stmt = is_void ? "return;" : "return __pyb_rv;";
	if (!is_void)   /* a packet probe's: the verdict an uncaught exception gives */
		str_printf(&e->decls, "\t%s __pyb_rv = %d;\n", rt, packet_default_verdict(p->kind));
	for (int i = 0; i < locals->len; i++) {
		Sym *y = VEC_AT(*locals, i);
		str_printf(&e->decls, "\t%s;\n", local_decl(e, y));
	}
	if (!strcmp(p->kind, "usdt"))
		str_puts(&e->decls, "\tint __pyb_uerr = 0;\n");
	for (int i = 0; i < fn->params.len; i++) {
		/* x86_64 struct pt_regs: di si dx cx r8 r9, and ax for return values */
		static const int regs[] = {112, 104, 96, 88, 72, 64};
		Node *pa = VEC_AT(fn->params, i);
		Sym *y = NULL;
		const char *val, *cast;
		for (int j = 0; j < locals->len; j++)
			if (((Sym *)VEC_AT(*locals, j))->decl == pa)
				y = VEC_AT(*locals, j);
		if (pa->op == 0)   /* PS_ARGS: the tracepoint context itself */
			continue;
		if (pa->op == 4) {   /* PS_USDT */
			usdt_param(e, pa, y);
			continue;
		}
		if (pa->op == 1)   /* PS_SLOT */
			val = xasprintf("ctx[%d]", (int)pa->cval);
		else
			val = xasprintf("(*(__u64 *)((char *)ctx + %d))", pa->op == 3 ? 80 : regs[pa->cval]);
		if (y->type->kind == TY_KPTR) {
			line(e, "%s = (%s)%s;", y->cname, kptr_ctype(e, y->type->btf_id), val);
			if (!strcmp(p->kind, "iter"))   /* the iterator's last call, after the last object, has NULLs */
				line(e, "if (!%s) %s", y->cname, e->ret_stmt);
			continue;
		}
		if (y->type->kind == TY_PTR) {
			line(e, "%s = (const void *)%s;", y->cname, val);
			continue;
		}
		int ki = !strcmp(p->kind, "struct_ops") ? (int)pa->cval : i;   /* a method's self has no slot */
		if (p->kargs.len > ki && (int)(intptr_t)VEC_AT(p->kargs, ki))
			cast = kemit_c_type(e->prog->kemit, (int)(intptr_t)VEC_AT(p->kargs, ki));
		else if (pa->type && pa->type->kind == TY_FIXED)
			cast = ty_ctype(pa->type);
		else if (pa->type && pa->type->kind == TY_BOOL)
			cast = "_Bool";
		else
			cast = "__s64";
		line(e, "%s = (__s64)(%s)%s;", y->cname, cast, val);
	}
	if (!strcmp(p->kind, "struct_ops")) {   /* a scheduler's init creates its DSQs, its exit records (emit_sched.c) */
		const char *pro = sched_method_prologue(e->prog, p);
		if (pro)
			str_puts(&e->body, pro);
	}
	size_t *cut = xcalloc(fn->body.len + 1, sizeof(size_t));
	size_t *dcut = xcalloc(fn->body.len + 1, sizeof(size_t));
	e->raises = false;
	cut[0] = e->body.len;
	dcut[0] = e->decls.len;
	for (int i = 0; i < fn->body.len; i++) {
		e->tail = i == fn->body.len - 1 ? VEC_AT(fn->body, i) : NULL;
		stmt(e, VEC_AT(fn->body, i));
		e->tail = NULL;
		cut[i + 1] = e->body.len;
		dcut[i + 1] = e->decls.len;
	}
	bool slots = !strcmp(p->kind, "tp_btf") || !strcmp(p->kind, "raw_tp") || !strcmp(p->kind, "fentry") ||
		     !strcmp(p->kind, "fexit") || !strcmp(p->kind, "lsm") || !strcmp(p->kind, "struct_ops") ||
		     !strcmp(p->kind, "iter");
	bool split = false;
	if (split_candidate(e, p, fn->body.len)) {
		/* parts are separate C functions: their temporaries are theirs
		 * anyway, declared at each part's top (no statement blocks) */
		Str body0 = e->body, decls0 = e->decls;

		flatten_scopes(e, cut, dcut, fn->body.len);
		split = emit_split(e, p, slots ? "unsigned long long *ctx" : "void *ctx", cut, dcut, fn->body.len);
		if (!split)
			e->body = body0, e->decls = decls0;
	}
	if (!split) {
		line(e, "%s", e->ret_stmt);
		if (e->raises) {
			str_puts(&e->decls, "\t__u32 __pyb_site = 0;\n");
			raise_block(e, &e->body);
		}
		place_temporaries(e);
	}
	free(cut);
	free(dcut);
	/* largest first, for the message if clang finds the stack too small */
	for (int i = 0; i < stack_items.len; i++)
		for (int j = i + 1; j < stack_items.len; j++)
			if (((StackItem *)VEC_AT(stack_items, j))->size > ((StackItem *)VEC_AT(stack_items, i))->size) {
				void *t = stack_items.data[i];
				stack_items.data[i] = stack_items.data[j];
				stack_items.data[j] = t;
			}
	for (int i = 0; i < stack_items.len && i < 4; i++) {
		StackItem *it = VEC_AT(stack_items, i);
		vec_push(&p->stack, xasprintf("%s (%d bytes, line %d)", it->what, it->size, it->line));
	}

	str_printf(e->out, "\n#line %d %s\n", fn->tok->loc.line, c_string(fn->tok->loc.file->name, strlen(fn->tok->loc.file->name)));
	bool disp = e->prog->dispatch && probe_dispatchable(p->kind) && !p->tail_only;   /* a handler is not attached */
	if (disp)   /* the body is a program of its own, in the dispatcher's one-slot program array */
		str_printf(e->out, "struct {\n\t__uint(type, 3);\n\t__uint(max_entries, 1);\n\t__uint(key_size, 4);\n"
				   "\t__uint(value_size, 4);\n} __pyb_jmp_%s SEC(\".maps\");\n\n", p->cname);
	str_printf(e->out, "SEC(%s)\n%s %s%s(%s)\n{\n", c_string(p->sec, strlen(p->sec)), rt, p->cname, disp ? "__impl" : "",
		   slots ? "unsigned long long *ctx" : "void *ctx");
	if (e->decls.len)
		str_puts(e->out, e->decls.buf);
	str_puts(e->out, e->body.buf);
	str_puts(e->out, "}\n");
	if (disp)   /* were its slot ever empty: a packet goes on as if no program were attached */
		str_printf(e->out, "\n/* attached; pybpf reload swaps the program it calls */\nSEC(%s)\n%s %s(%s)\n{\n"
				   "\tbpf_tail_call(ctx, &__pyb_jmp_%s, 0);\n\treturn %d;\n}\n",
			   c_string(p->sec, strlen(p->sec)), rt, p->cname, slots ? "unsigned long long *ctx" : "void *ctx", p->cname,
			   packet_default_verdict(p->kind));
}

bool probe_dispatchable(const char *kind)
{
	static const char *const ok[] = {"tracepoint", "raw_tp", "uprobe", "uretprobe", "kprobe", "kretprobe",
					 "profile", "interval", "xdp", "tc", "cgroup_skb", "cgroup_sock_addr", NULL};
	for (int i = 0; ok[i]; i++)
		if (!strcmp(ok[i], kind))
			return true;
	return false;
}

/* The C type of a kfunc's parameter or return in its extern declaration:
 * an enum is spelled as the enum, since libbpf resolves the extern only
 * when its prototype matches the kernel's kind for kind. */
static const char *kfunc_ctype(Prog *prog, int id)
{
	KInfo in;
	kbtf_info(prog->btf, kbtf_skip(prog->btf, id), &in);
	if (in.kind == KK_ENUM && in.name && *in.name)
		return kemit_enum_name(prog->kemit, id);
	return kemit_c_type(prog->kemit, id);
}

/* handlers: ProgArray = ProgArray([f, g]): libbpf puts the programs'
 * fds into the array after the load (check_tailcall.c). Declared before
 * the probes that call through it (decl), defined after the probes it
 * holds. */
static void emit_prog_arrays(Prog *prog, Str *out, bool decl)
{
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		if (m->type->map_kind != MAP_PROG_ARRAY)
			continue;
		if (decl) {
			str_printf(out, "/* ProgArray %s: the programs bpf.tail_call() runs by index */\nstruct __pyb_progs_%s {\n"
					"\t__uint(type, 3);   /* BPF_MAP_TYPE_PROG_ARRAY */\n\t__uint(max_entries, %u);\n"
					"\t__uint(key_size, 4);\n\t__uint(value_size, 4);\n\tint (*values[])(void *);\n};\n"
					"extern struct __pyb_progs_%s %s;\n\n", m->name, m->cname, m->max_entries, m->cname, m->cname);
			continue;
		}
		str_printf(out, "\n/* ProgArray %s, filled by libbpf */\nstruct __pyb_progs_%s %s SEC(\".maps\") = {\n\t.values = {\n",
			   m->name, m->cname, m->cname);
		for (int j = 0; j < m->progs.len; j++) {
			Probe *p = VEC_AT(m->progs, j);
			str_printf(out, "\t\t[%d] = (void *)&%s,\n", j, p->cname);
		}
		str_puts(out, "\t},\n};\n");
	}
}

void emit_program(Prog *prog, Str *out)
{
	Emitter e = {.prog = prog, .out = out, .suffix = "", .scope = -1};

	str_printf(out, "/* generated by pybpf from %s, do not edit */\n", prog->file->name);
	int nlines = 0;
	for (size_t i = 0; i < prog->file->len; i++)
		nlines += prog->file->text[i] == '\n';
	if (nlines > EMIT_LINE_TEXT_MAX)   /* clang is quadratic in BTF's source lines (loader/clang.c) */
		str_printf(out, "/* %d lines: compiled without the Python source text in BTF line info */\n%s", nlines,
			   BPFCC_NO_LINE_TEXT);
	for (int i = 0; i < prog->probes.len; i++)
		if (!strcmp(((Probe *)VEC_AT(prog->probes, i))->kind, "usdt")) {
			str_puts(out, "#define __PYB_USDT 1   /* a @usdt probe: libbpf's USDT spec maps */\n");
			break;
		}
	for (int i = 0; i < prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(prog->maps, i))->type->map_kind == MAP_SORTEDLIST) {
			str_puts(out, "#define __PYB_RBTREE 1   /* a SortedList: the rbtree and spin lock declarations */\n");
			break;
		}
	str_add(out, pybpf_runtime_h, pybpf_runtime_h_len);
	str_puts(out, "\n/* ---- the program ---- */\n\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n\n");

	int zero = 0;
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		for (int w = 0; w < 2; w++) {   /* a tuple key, a tuple value */
			Type *kt = w ? m->type->val : m->type->key;
			if (!kt || kt->kind != TY_TUPLE)
				continue;
			str_printf(out, "%s {\n", ty_ctype(kt));
			for (int j = 0; j < kt->elems.len; j++) {
				Type *et = VEC_AT(kt->elems, j);
				if (et->kind == TY_STR || et->kind == TY_BYTES)
					str_printf(out, "\tchar f%d[%d];\n", j, et->size);
				else
					str_printf(out, "\t%s f%d;\n", ty_ctype(et), j);
			}
			str_printf(out, "};\n_Static_assert(sizeof(%s) == %d, \"tuple layout\");\n\n", ty_ctype(kt), kt->size);
		}
		if ((m->type->val->kind == TY_AGG || m->type->val->kind == TY_TUPLE) && ty_size(m->type->val) > zero)
			zero = (ty_size(m->type->val) + 7) / 8 * 8;
	}
	for (int i = 0; i < prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(prog->maps, i))->type->val->kind == TY_TIMER &&
		    !strcmp(ty_ctype(((MapDecl *)VEC_AT(prog->maps, i))->type->val), "struct __pyb_timer")) {
			/* Array[Timer]: the kernel finds the timer in a map value by its BTF name, bpf_timer */
			str_puts(out, "struct bpf_timer {\n\t__u64 __opaque[2];\n} __attribute__((aligned(8)));\n"
				      "struct __pyb_timer {\n\tstruct bpf_timer t;\n};\n\n");
			break;
		}
	for (int i = 0; i < prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(prog->maps, i))->type->val->kind == TY_TIMER &&
		    !strcmp(ty_ctype(((MapDecl *)VEC_AT(prog->maps, i))->type->val), "struct __pyb_wq")) {
			/* Array[Wq]: likewise by bpf_wq (check_wq.c) */
			str_puts(out, "struct bpf_wq {\n\t__u64 __opaque[2];\n} __attribute__((aligned(8)));\n"
				      "struct __pyb_wq {\n\tstruct bpf_wq t;\n};\n\n");
			break;
		}
	for (int i = 0; i < prog->maps.len; i++)
		if (!strcmp(ty_ctype(((MapDecl *)VEC_AT(prog->maps, i))->type->val), "struct __pyb_tw")) {
			/* Array[TaskWork]: likewise by bpf_task_work (check_task_work.c) */
			str_puts(out, "struct bpf_task_work {\n\t__u64 __opaque;\n} __attribute__((aligned(8)));\n"
				      "struct __pyb_tw {\n\tstruct bpf_task_work t;\n};\n\n");
			break;
		}
	if (zero)
		str_printf(out, "/* zero bytes to insert a new aggregation with */\n__u64 __pyb_zero[%d] SEC(\".bss\");\n\n", zero / 8);
	if (prog->uses_wallclock)
		str_puts(out, "/* wallclock_ns(): CLOCK_REALTIME - CLOCK_BOOTTIME, set by the loader before load */\n"
			      "const volatile __s64 __pyb_wall_offset = 0;\n\n");
	if (prog->uses_stacks)
		str_puts(out, "/* kstack()/ustack(): ids of stacks kept here (the loader reads and symbolizes them) */\n"
			      "struct {\n\t__uint(type, 7);\n\t__uint(max_entries, 16384);\n\t__uint(key_size, 4);\n"
			      "\t__uint(value_size, 127 * 8);\n} __pyb_stacks SEC(\".maps\");\n\n");
	for (int i = 0; i < prog->dynmem.len; i++)
		str_printf(out, "/* bpf.dynptr_from_mem() site %d: the copy of its data (the kernel's dynptrs take map memory),\n"
			   " * one per probe (a probe may interrupt another on its CPU, never itself) */\n"
			   "struct {\n\t__uint(type, __PYB_MAP_PERCPU_ARRAY);\n\t__uint(max_entries, %d);\n\t__type(key, __u32);\n"
			   "\t__type(value, char[%d]);\n} __pyb_dynmem%d SEC(\".maps\");\n\n", i,
			   prog->probes.len > 0 ? prog->probes.len : 1, (int)(intptr_t)VEC_AT(prog->dynmem, i), i);
	emit_lock_types(out, prog);   /* SpinLock, ResSpinLock fields (check_lock.c) */
	for (int i = 0; i < prog->structs.len; i++) {
		Type *st = VEC_AT(prog->structs, i);
		str_printf(out, "%s {\n", ty_ctype(st));
		for (int j = 0; j < st->elems.len; j++) {
			Type *ft = VEC_AT(st->elems, j);
			const char *fn = VEC_AT(st->fnames, j);
			if (ft->kind == TY_STR || ft->kind == TY_BYTES)
				str_printf(out, "\tchar f_%s[%d];\n", fn, ft->size);
			else
				str_printf(out, "\t%s f_%s;\n", ty_ctype(ft), fn);
		}
		str_printf(out, "};\n_Static_assert(sizeof(%s) == %d, \"%s layout\");\n\n", ty_ctype(st), st->size, st->sname);
	}
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		static const char *const kinds[MAP__COUNT] = {
			/* ORDER MapKind */
			"__PYB_MAP_HASH", "__PYB_MAP_LRU_HASH", "__PYB_MAP_PERCPU_HASH", "__PYB_MAP_LRU_PERCPU_HASH", "__PYB_MAP_LPM_TRIE",
			"__PYB_MAP_ARRAY", "__PYB_MAP_PERCPU_ARRAY", "__PYB_MAP_QUEUE", "__PYB_MAP_STACK", NULL, "__PYB_MAP_BLOOM",
			"__PYB_MAP_RINGBUF", "__PYB_MAP_TASK_STORAGE", "__PYB_MAP_CGRP_STORAGE", NULL, NULL, NULL, "__PYB_MAP_SK_STORAGE",
			NULL, "__PYB_MAP_INODE_STORAGE",
		};
		const char *kind = kinds[m->type->map_kind];
		if (m->type->map_kind == MAP_PROG_ARRAY) {
			continue;   /* emit_prog_arrays, below */
		}
		if (m->type->map_kind == MAP_PERF_BUF || m->type->map_kind == MAP_PERF_COUNTERS) {
			/* max_entries 0: libbpf makes it the number of possible CPUs */
			str_printf(out, "struct {\n\t__uint(type, 4);   /* BPF_MAP_TYPE_PERF_EVENT_ARRAY */\n\t__uint(key_size, 4);\n"
				   "\t__uint(value_size, 4);\n} %s SEC(\".maps\");\n\n", m->cname);
			continue;
		}
		if (m->type->map_kind == MAP_USER_RINGBUF) {   /* check_userrb.c */
			str_printf(out, "struct {\n\t__uint(type, 31); /* BPF_MAP_TYPE_USER_RINGBUF */\n\t__uint(max_entries, %u);\n"
				   "} %s SEC(\".maps\");\n\n", m->max_entries, m->cname);
			continue;
		}
		if (m->type->map_kind == MAP_RINGBUF) {
			str_printf(out, "struct {\n\t__uint(type, __PYB_MAP_RINGBUF);\n\t__uint(max_entries, %u);\n} %s SEC(\".maps\");\n\n",
				   m->max_entries, m->cname);
			continue;
		}
		if (m->type->map_kind == MAP_SORTEDLIST) {
			str_printf(out, "__PYB_SORTEDLIST(%s, %s, %u)\n\n", m->cname, ty_ctype(m->type->val), m->max_entries);
			continue;
		}
		if (m->type->map_kind == MAP_QUEUE || m->type->map_kind == MAP_STACK || m->type->map_kind == MAP_BLOOM) {
			str_printf(out, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %u);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
				   kind, m->max_entries, ty_ctype(m->type->val), m->cname);
			continue;
		}
		if (MAP_IS_STORAGE(m->type->map_kind)) {   /* keyed by a task (cgroup) fd from user space */
			str_printf(out, "struct {\n\t__uint(type, %s);\n\t__uint(map_flags, 1); /* BPF_F_NO_PREALLOC */\n"
				   "\t__type(key, int);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n", kind, ty_ctype(m->type->val),
				   m->cname);
			continue;
		}
		if (m->type->map_kind == MAP_LPM) {
			str_printf(out, "struct __pyb_lpm_%s { __u32 prefixlen; __u8 data[%d]; };\n", m->cname, m->type->key->size);
			str_printf(out, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %u);\n\t__uint(map_flags, 1); /* BPF_F_NO_PREALLOC */\n"
				   "\t__type(key, struct __pyb_lpm_%s);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
				   kind, m->max_entries, m->cname, ty_ctype(m->type->val), m->cname);
			continue;
		}
		if (m->unkeyed)
			kind = "__PYB_MAP_PERCPU_ARRAY";
		else if (m->percpu && m->type->map_kind == MAP_HASH)
			kind = "__PYB_MAP_PERCPU_HASH";
		else if (m->percpu && m->type->map_kind == MAP_LRU_HASH)
			kind = "__PYB_MAP_LRU_PERCPU_HASH";
		str_printf(out, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %u);\n\t__type(key, %s);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
			   kind, m->max_entries, ty_ctype(m->type->key), ty_ctype(m->type->val), m->cname);
	}
	emit_prog_arrays(prog, out, true);
	for (int i = 0; i < prog->consts.len; i++) {
		ConstDecl *k = VEC_AT(prog->consts, i);
		if (k->nitems) {
			/* a Final tuple: one read-only array (.rodata), indexed at run time */
			if (k->type->kind == TY_STR)
				str_printf(out, "static const char %s[%d][%d] = {", k->cname, k->nitems, k->type->size);
			else
				str_printf(out, "static const __s64 %s[%d] = {", k->cname, k->nitems);
			for (int j = 0; j < k->nitems; j++) {
				Node *x = k->items[j];
				str_puts(out, j % 8 ? " " : "\n\t");
				if (k->type->kind == TY_STR)
					str_printf(out, "%s,", c_string(x->tok->str, x->tok->slen));
				else
					str_printf(out, "%s,", c_ll(k->ivals[j]));
			}
			str_puts(out, "\n};\n");
			continue;
		}
		/* the source's value: -D overrides are written into .rodata at load
		 * time, so the object is the same for every value when nothing was
		 * computed from it at compile time */
		str_printf(out, "const volatile __s64 %s = %s;\n", k->cname, c_ll(k->src_value));
	}
	for (int i = 0; i < prog->globals.len; i++) {
		GlobalDecl *g = VEC_AT(prog->globals, i);
		str_printf(out, "%s %s SEC(\".data\") = %s;\n", ty_ctype(g->type), g->cname, c_ll(g->init));
	}
	str_puts(out, "/* which version of a pinned program this is (pybpf reload counts them) */\n"
		      "const volatile __u64 __pyb_version = 0;\n");

	for (int i = 0; i < prog->prints.len; i++) {
		PrintSite *p = VEC_AT(prog->prints, i);
		str_printf(out, "\nstruct __pyb_rec%d {\n\t__u64 id;\n", p->id);
		for (int j = 0; j < p->segs.len; j++) {
			PrintSeg *s = VEC_AT(p->segs, j);
			if (!s->is_arg)
				continue;
			if (s->type->kind == TY_STR || s->type->kind == TY_BYTES)
				str_printf(out, "\tchar a%d[%d];\n", s->offset, (s->type->size + 7) / 8 * 8);
			else
				str_printf(out, "\t__s64 a%d;\n", s->offset);
		}
		str_puts(out, "};\n");
	}
	/* the probes first, into their own text: emitting them records which
	 * kernel types the file must declare, and those go before them */
	Str code = {0};
	e.out = &code;
	e.slot_of = xcalloc(prog->raises.len + 1, sizeof(int));
	e.slot_probe = xcalloc(prog->raises.len + 1, sizeof(int));
	prog->exc_slots = (Vec){0};
	for (int i = 0; i < prog->probes.len; i++) {
		e.probe_index = i;
		probe(&e, VEC_AT(prog->probes, i));
	}
	free(e.slot_of);
	free(e.slot_probe);
	str_printf(out, "\n/* uncaught exceptions, counted per raise site (the loader reports them) */\n"
			"/* [0]: records lost to full ring buffers; [1 + k]: uncaught exceptions of slot k (a probe\n"
			" * and one of its raise sites: Prog.exc_slots); [i] counts in steps of 8 * (i + 1) */\n"
			"__u64 __pyb_counters[%d] SEC(\".bss.pyb\");\n"
			"#define __pyb_lost __pyb_counters[0]\n"
			"#define __pyb_exc (__pyb_counters + 1)\n"
			"#define __PYB_EXC_SLOTS %d\n",
		   1 + prog->exc_slots.len, prog->exc_slots.len);
	/* kfunc declarations name kernel types: record them before the types go out */
	Str kdecls = {0};
	for (int i = 0; i < prog->kfuncs.len; i++) {
		KFuncUse *u = VEC_AT(prog->kfuncs, i);
		KParam *kp;
		int np, ret;
		kbtf_func_args(prog->btf, u->name, &kp, &np, &ret, NULL);
		str_printf(&kdecls, "extern %s %s(", ret ? kfunc_ctype(prog, ret) : "void", u->name);
		for (int j = 0; j < np; j++)
			str_printf(&kdecls, "%s%s", j ? ", " : "", kfunc_ctype(prog, kp[j].type));
		str_printf(&kdecls, "%s) __attribute__((weak, section(\".ksyms\")));\n", np ? "" : "void");
	}
	if (prog->kemit) {
		str_puts(out, "\n/* kernel types this program uses (CO-RE: libbpf relocates every field access) */\n");
		kemit_output(prog->kemit, out);
	}
	emit_helper_decls(prog, &kdecls);
	for (int i = 0; i < prog->ksyms.len; i++) {   /* ksym("NAME"): check_percpu.c */
		int type;
		kbtf_percpu_var(prog->btf, VEC_AT(prog->ksyms, i), &type);
		str_printf(&kdecls, "extern const %s %s __attribute__((section(\".ksyms\")));\n",
			   kemit_c_type(prog->kemit, type), (const char *)VEC_AT(prog->ksyms, i));
	}
	if (prog->mkfuncs.len) {
		/* the companion module's kfuncs (kfuncs/pybpf_kfuncs.h, from helpers/helpers_gen.c) */
		str_puts(&kdecls, "struct pybpf_file {\n\tvoid *__opaque;\n\tlong long __pos;\n};\n");
		for (int i = 0; i < prog->mkfuncs.len; i++) {
			const struct pyb_kfunc *k = pyb_kfunc_find(VEC_AT(prog->mkfuncs, i));
			str_printf(&kdecls, "extern %s %s(", k->ret.c, k->name);
			for (int j = 0; j < k->nargs; j++)
				str_printf(&kdecls, "%s%s %s", j ? ", " : "", k->args[j].c, k->args[j].name);
			str_printf(&kdecls, "%s) __attribute__((section(\".ksyms\")));\n", k->nargs ? "" : "void");
		}
	}
	if (kdecls.len)
		str_printf(out, "\n/* kfuncs */\n%s", kdecls.buf);
	emit_sched_decls(prog, out);   /* emit_sched.c */
	str_add(out, code.buf ? code.buf : "", code.len);
	emit_prog_arrays(prog, out, false);
	for (int i = 0; i < prog->sops.len; i++) {
		StructOps *so = VEC_AT(prog->sops, i);
		emit_sched_methods(prog, so, out);
		str_printf(out, "\n/* %s: registered as \"%s\" while attached */\nSEC(\".struct_ops.link\")\nstruct %s %s = {\n",
			   so->type, so->name, so->type, so->cname);
		for (int j = 0; j < so->methods.len; j++) {
			Probe *p = VEC_AT(so->methods, j);
			str_printf(out, "\t.%s = (void *)%s,\n", p->member, p->cname);
		}
		emit_sched_members(so, out);
		for (int j = 0; j < so->fields.len; j++) {
			SopsField *f = VEC_AT(so->fields, j);
			str_printf(out, "\t.%s = %lldULL,\n", f->member, (long long)f->value);
		}
		str_printf(out, "\t.name = %s,\n};\n", c_string(so->name, strlen(so->name)));
	}
}
