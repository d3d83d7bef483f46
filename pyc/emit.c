/* emit.c — BPF C from a checked program.
 *
 * The output is deterministic and self-contained: a banner, the runtime
 * header (bpf/pybpf.h, embedded), the maps, the Final constants as
 * `const volatile` read-only data, the print record layouts, then one
 * function per probe. Every statement is preceded by `#line N "probe.py"`
 * so that clang's and the verifier's messages point at Python lines.
 *
 * Expressions become C expressions. Where Python raises (overflow, division
 * by zero, a full map), the check sits inside a GNU statement expression
 * and jumps to __PYB_RAISE(site), which counts the uncaught exception for
 * the loader and ends the probe. Every temporary has a unique name (t<N>),
 * so nested statement expressions never capture each other's variables.
 * Buffers (str values) must outlive their statement expression, so they
 * are declared at the top of the function (b<N>).
 */
#include "pyc.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct Emitter {
	Prog *prog;
	Str *out;
	Str decls;            /* the current function's hoisted declarations */
	Str body;             /* the current function's statements */
	int tmp;              /* counter for temporaries and buffers */
	int indent;
} Emitter;

static char *expr(Emitter *e, Node *n);

static const char *tmp(Emitter *e)
{
	return xasprintf("__t%d", e->tmp++);
}

/* A zero-initialized buffer of n bytes declared at the function's top. */
static const char *buffer(Emitter *e, int n)
{
	const char *b = xasprintf("__b%d", e->tmp++);
	str_printf(&e->decls, "\tchar %s[%d] = {};\n", b, n);
	return b;
}

static void line(Emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(Emitter *e, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		ICE("out of memory");
	va_end(ap);
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

static void line_directive(Emitter *e, Node *n)
{
	Loc l = n->loc.file ? n->loc : n->tok->loc;
	str_printf(&e->body, "#line %d %s\n", l.line, c_string(l.file->name, strlen(l.file->name)));
}

/* ---- values -------------------------------------------------------------- */

/* C truth value of an expression, as Python's bool(x). */
static char *truth(Emitter *e, Node *n)
{
	char *v = expr(e, n);
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

static char *c_ll(long long v)
{
	if (v == LLONG_MIN)
		return xstrdup("(-9223372036854775807LL - 1)");
	return xasprintf("%lldLL", v);
}

/* An int value converted for storage in t; raises OverflowError at
 * n->id when the checker could not prove it fits. */
static char *int_for_store(Emitter *e, Node *n, Type *t)
{
	char *v = expr(e, n);
	long long lo, hi;
	const char *x;
	range_of(t, &lo, &hi);
	if (t->kind != TY_FIXED || !n->store_raise)
		return xasprintf("((__s64)(%s))", v);
	x = tmp(e);
	if (t->size == 8 && !t->is_signed)
		return xasprintf("({ __s64 %s = %s; if (%s < 0) __PYB_RAISE(%d); %s; })", x, v, x, n->store_raise->id, x);
	return xasprintf("({ __s64 %s = %s; if (%s < %s || %s > %s) __PYB_RAISE(%d); %s; })", x, v, x, c_ll(lo), x,
			 c_ll(hi), n->store_raise->id, x);
}

static char *binop(Emitter *e, Node *n)
{
	char *l = expr(e, n->lhs), *r = expr(e, n->rhs);
	const char *a = tmp(e), *b = tmp(e), *x = tmp(e);
	switch (n->op) {
	case TK_PLUS:
	case TK_MINUS:
	case TK_STAR:
		return xasprintf("({ __s64 %s = %s, %s = %s, %s; if (__builtin_%s_overflow(%s, %s, &%s)) __PYB_RAISE(%d); %s; })",
				 a, l, b, r, x, n->op == TK_PLUS ? "add" : n->op == TK_MINUS ? "sub" : "mul", a, b, x, n->raise->id, x);
	case TK_DSLASH:
	case TK_PERCENT:
		return xasprintf("({ __s64 %s = %s, %s = %s; if (%s == 0) __PYB_RAISE(%d); %s"
				 "__pyb_%s(%s, %s); })",
				 a, l, b, r, b, n->raise->id,
				 n->op == TK_DSLASH ? xasprintf("if (%s == (-9223372036854775807LL - 1) && %s == -1) __PYB_RAISE(%d); ", a, b, n->raise->id + 1) : "",
				 n->op == TK_DSLASH ? "floordiv" : "mod", a, b);
	case TK_LSHIFT:
		return xasprintf("({ __s64 %s = %s, %s = %s, %s; if (%s < 0) __PYB_RAISE(%d); if (!__pyb_shl_ok(%s, %s, &%s)) __PYB_RAISE(%d); %s; })",
				 a, l, b, r, x, b, n->raise->id, a, b, x, n->raise->id + 1, x);
	case TK_RSHIFT:
		return xasprintf("({ __s64 %s = %s, %s = %s; if (%s < 0) __PYB_RAISE(%d); __pyb_shr(%s, %s); })", a, l, b, r, b,
				 n->raise->id, a, b);
	case TK_AMP:
		return xasprintf("((__s64)(%s) & (__s64)(%s))", l, r);
	case TK_PIPE:
		return xasprintf("((__s64)(%s) | (__s64)(%s))", l, r);
	case TK_CARET:
		return xasprintf("((__s64)(%s) ^ (__s64)(%s))", l, r);
	case TK_DSTAR: {
		long long ex = n->cval;  /* the checker proved it constant */
		Str s = {0};
		str_printf(&s, "({ __s64 %s = %s, %s = 1; ", a, l, x);
		for (long long i = 0; i < ex; i++)
			str_printf(&s, "if (__builtin_mul_overflow(%s, %s, &%s)) __PYB_RAISE(%d); ", x, a, x, n->raise->id);
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
	return xasprintf("(%s %s %s)", a, cops[op], b);
}

static const char *val_ctype(Type *t)
{
	return t->kind == TY_STR ? "const char *" : "__s64 ";
}

static char *compare(Emitter *e, Node *n)
{
	Str s = {0};
	const char *r = tmp(e), *prev = tmp(e);
	Type *pt = n->lhs->type;
	str_printf(&s, "({ int %s = 1; %s%s = %s; ", r, val_ctype(pt), prev, expr(e, n->lhs));
	for (int i = 0; i < n->elts.len; i++) {
		Node *o = VEC_AT(n->elts, i);
		const char *cur = tmp(e);
		if (i)
			str_printf(&s, "if (%s) { ", r);
		str_printf(&s, "%s%s = %s; %s = %s; ", val_ctype(o->type), cur, expr(e, o), r,
			   cmp_pair(pt, prev, o->type, cur, n->cmpops[i]));
		if (i)
			str_puts(&s, "} ");
		/* the next comparison's left operand is this one's right */
		str_printf(&s, "%s%s = %s; ", val_ctype(o->type), tmp(e), cur);
		prev = xasprintf("__t%d", e->tmp - 1);
		pt = o->type;
	}
	str_printf(&s, "%s; })", r);
	return s.buf;
}

static char *call(Emitter *e, Node *n)
{
	const char *f = n->lhs->name;
	if (!strcmp(f, "pid"))
		return xstrdup("((__s64)(bpf_get_current_pid_tgid() >> 32))");
	if (!strcmp(f, "tid"))
		return xstrdup("((__s64)(__u32)bpf_get_current_pid_tgid())");
	if (!strcmp(f, "ktime_ns"))
		return xstrdup("((__s64)bpf_ktime_get_ns())");
	if (!strcmp(f, "cpu"))
		return xstrdup("((__s64)bpf_get_smp_processor_id())");
	if (!strcmp(f, "uid"))
		return xstrdup("((__s64)(__u32)bpf_get_current_uid_gid())");
	if (!strcmp(f, "gid"))
		return xstrdup("((__s64)(bpf_get_current_uid_gid() >> 32))");
	if (!strcmp(f, "comm")) {
		const char *b = buffer(e, 16);
		return xasprintf("({ bpf_get_current_comm(%s, 16); (const char *)%s; })", b, b);
	}
	ICE("call to %s", f);
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
		return xstrdup(n->sym->cname);
	case ND_BINOP:
		return binop(e, n);
	case ND_UNARY: {
		if (n->op == TK_NOT)
			return xasprintf("(!%s)", truth(e, n->lhs));
		char *v = expr(e, n->lhs);
		if (n->op == TK_PLUS)
			return xasprintf("((__s64)(%s))", v);
		if (n->op == TK_TILDE)
			return xasprintf("(~(__s64)(%s))", v);
		const char *a = tmp(e);
		return xasprintf("({ __s64 %s = %s; if (%s == (-9223372036854775807LL - 1)) __PYB_RAISE(%d); -%s; })", a, v, a,
				 n->raise->id, a);
	}
	case ND_BOOLOP: {
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
		return xasprintf("(%s ? (__s64)(%s) : (__s64)(%s))", truth(e, n->test), expr(e, n->lhs), expr(e, n->rhs));
	case ND_CALL:
		return call(e, n);
	default:
		ICE("expression %s", node_names[n->kind]);
	}
}

/* ---- statements ------------------------------------------------------------ */

static void block(Emitter *e, Vec *body);

/* Copy a str value into a buffer of capacity cap (NUL-padded). */
static void store_str(Emitter *e, const char *dst, int cap, Node *v)
{
	char *src = expr(e, v);
	int m = v->type->size;
	if (m <= cap) {
		line(e, "__builtin_memcpy(%s, %s, %d);", dst, src, m);
		if (m < cap)
			line(e, "__builtin_memset(%s + %d, 0, %d);", dst, m, cap - m);
		return;
	}
	/* the value may be longer than the destination: ValueError if it is */
	const char *t = tmp(e);
	line(e, "{ const char *%s = %s; if (__pyb_strlen(%s, %d) >= %d) __PYB_RAISE(%d); __builtin_memcpy(%s, %s, %d); }", t,
	     src, t, m, cap, v->store_raise->id, dst, t, cap);
}



static MapDecl *map_of(Node *subscript)
{
	return ((Sym *)subscript->lhs->sym)->data;
}

/* Declare and fill the key of map[key]; returns the C name of the key. */
static const char *map_key(Emitter *e, Node *sub)
{
	MapDecl *m = map_of(sub);
	Type *kt = m->type->key;
	if (kt->kind == TY_STR) {
		const char *b = buffer(e, kt->size);
		store_str(e, b, kt->size, sub->rhs);
		return b;
	}
	const char *k = tmp(e);
	line(e, "%s %s = %s;", ty_ctype(kt), k, int_for_store(e, sub->rhs, kt));
	return k;
}

static void print_stmt(Emitter *e, Node *call)
{
	PrintSite *p = VEC_AT(e->prog->prints, call->id);
	const char *r = tmp(e);
	Vec args = {0};
	int nargs = 0;

	line(e, "{");
	e->indent++;
	/* evaluate the arguments first, in order (they may raise) */
	for (int i = 0; i < call->elts.len; i++) {
		Node *a = VEC_AT(call->elts, i);
		if (a->kind == ND_STR)
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
		nargs++;
	}
	line(e, "struct __pyb_rec%d *%s = bpf_ringbuf_reserve(&__pyb_events, sizeof(*%s), 0);", p->id, r, r);
	line(e, "if (!%s) {", r);
	line(e, "\t__sync_fetch_and_add(&__pyb_lost, 1);");
	line(e, "} else {");
	e->indent++;
	line(e, "%s->id = %d;", r, p->id);
	for (int i = 0; i < args.len; i++) {
		Node *a = VEC_AT(args, i);
		if (a->type->kind == TY_STR)
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
		if (y->type->kind == TY_STR)
			store_str(e, y->cname, y->type->size, value);
		else
			line(e, "%s = %s;", y->cname, int_for_store(e, value, y->type));
		return;
	}
	/* map[key] = value */
	MapDecl *m = map_of(tg);
	const char *k = map_key(e, tg), *v = tmp(e);
	line(e, "{ %s %s = %s; if (bpf_map_update_elem(&%s, &%s, &%s, __PYB_ANY)) __PYB_RAISE(%d); }",
	     ty_ctype(m->type->val), v, int_for_store(e, value, m->type->val), m->cname, k, v, tg->raise->id);
}

static void stmt(Emitter *e, Node *s)
{
	line_directive(e, s);
	switch (s->kind) {
	case ND_PASS:
		line(e, ";");
		return;
	case ND_EXPR_STMT:
		if (s->value->kind == ND_STR)
			return;
		if (s->value->kind == ND_CALL && !strcmp(s->value->lhs->name, "print")) {
			print_stmt(e, s->value);
			return;
		}
		line(e, "(void)%s;", expr(e, s->value));
		return;
	case ND_ASSIGN:
		if (s->targets.len == 1) {
			assign_to(e, VEC_AT(s->targets, 0), s->value);
			return;
		}
		/* a = b = value: evaluate once, then store left to right */
		{
			Node *first = VEC_AT(s->targets, 0);
			assign_to(e, first, s->value);
			for (int i = 1; i < s->targets.len; i++) {
				Node *tg = VEC_AT(s->targets, i);
				if (tg->kind == ND_NAME && first->kind == ND_NAME && tg->type->kind == TY_STR)
					line(e, "__builtin_memcpy(%s, %s, %d);", ((Sym *)tg->sym)->cname,
					     ((Sym *)first->sym)->cname, tg->type->size);
				else
					assign_to(e, tg, s->value);
			}
		}
		return;
	case ND_ANNASSIGN:
		assign_to(e, s->target, s->value);
		return;
	case ND_AUGASSIGN: {
		Node *tg = s->target;
		if (tg->kind == ND_SUBSCRIPT) {
			MapDecl *m = map_of(tg);
			const char *k = map_key(e, tg), *d = tmp(e), *rc = tmp(e);
			Type *vt = m->type->val;
			char *dv = expr(e, s->value);
			if (s->op == TK_MINUS)
				line(e, "__s64 %s = %s; if (%s == (-9223372036854775807LL - 1)) __PYB_RAISE(%d); %s = -%s;", d, dv, d,
				     tg->raise->id + 1, d, d);
			else
				line(e, "__s64 %s = %s;", d, dv);
			line(e, "int %s = __pyb_map_add_%c%d(&%s, &%s, %s);", rc, vt->is_signed ? 's' : 'u', vt->size * 8,
			     m->cname, k, d);
			line(e, "if (%s == 1) __PYB_RAISE(%d);", rc, tg->raise->id);
			line(e, "if (%s == 2) __PYB_RAISE(%d);", rc, tg->raise->id + 1);
			return;
		}
		Sym *y = tg->sym;
		Node fake = *s;
		fake.kind = ND_BINOP;
		fake.lhs = tg;
		fake.rhs = s->value;
		fake.raise = s->raise;
		char *v = binop(e, &fake);
		if (y->type->kind == TY_FIXED) {
			long long lo, hi;
			const char *x = tmp(e);
			range_of(y->type, &lo, &hi);
			line(e, "{ __s64 %s = %s; if (%s < %s || %s > %s) __PYB_RAISE(%d); %s = %s; }", x, v, x, c_ll(lo), x,
			     c_ll(hi), s->store_raise->id, y->cname, x);
		} else {
			line(e, "%s = %s;", y->cname, v);
		}
		return;
	}
	case ND_IF:
		line(e, "if (%s) {", truth(e, s->test));
		e->indent++;
		block(e, &s->body);
		e->indent--;
		if (s->orelse.len) {
			line(e, "} else {");
			e->indent++;
			block(e, &s->orelse);
			e->indent--;
		}
		line(e, "}");
		return;
	case ND_RETURN:
		line(e, "return 0;");
		return;
	default:
		ICE("statement %s", node_names[s->kind]);
	}
}

static void block(Emitter *e, Vec *body)
{
	for (int i = 0; i < body->len; i++)
		stmt(e, VEC_AT(*body, i));
}

static void probe(Emitter *e, Probe *p)
{
	Node *fn = p->def;
	Vec *locals = fn->locals;

	e->decls = (Str){0};
	e->body = (Str){0};
	e->indent = 1;
	for (int i = 0; i < locals->len; i++) {
		Sym *y = VEC_AT(*locals, i);
		if (y->type->kind == TY_CTX)
			continue;
		if (y->type->kind == TY_STR)
			str_printf(&e->decls, "\tchar %s[%d] = {};\n", y->cname, y->type->size);
		else
			str_printf(&e->decls, "\t__s64 %s = 0;\n", y->cname);
	}
	block(e, &fn->body);
	line(e, "return 0;");

	str_printf(e->out, "\n#line %d %s\n", fn->tok->loc.line, c_string(fn->tok->loc.file->name, strlen(fn->tok->loc.file->name)));
	str_printf(e->out, "SEC(%s)\nint %s(void *ctx)\n{\n", c_string(p->sec, strlen(p->sec)), p->cname);
	if (e->decls.len)
		str_puts(e->out, e->decls.buf);
	str_puts(e->out, e->body.buf);
	str_puts(e->out, "}\n");
}

void emit_program(Prog *prog, Str *out)
{
	Emitter e = {.prog = prog, .out = out};

	str_printf(out, "/* generated by pybpf from %s, do not edit */\n", prog->file->name);
	str_add(out, pybpf_runtime_h, pybpf_runtime_h_len);
	str_puts(out, "\n/* ---- the program ---- */\n\nchar LICENSE[] SEC(\"license\") = \"GPL\";\n\n");

	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		static const char *const kinds[MAP__COUNT] = {
			/* ORDER MapKind */
			"__PYB_MAP_HASH", "__PYB_MAP_LRU_HASH", "__PYB_MAP_PERCPU_HASH", "__PYB_MAP_LRU_PERCPU_HASH",
		};
		str_printf(out, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %u);\n\t__type(key, %s);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
			   kinds[m->type->map_kind], m->max_entries, ty_ctype(m->type->key), ty_ctype(m->type->val), m->cname);
	}
	for (int i = 0; i < prog->consts.len; i++) {
		ConstDecl *k = VEC_AT(prog->consts, i);
		str_printf(out, "const volatile __s64 %s = %s;\n", k->cname, c_ll(k->value));
	}
	str_printf(out, "\n/* uncaught exceptions, counted per raise site (the loader reports them) */\n"
			"__u64 __pyb_exc[%d] SEC(\".bss\");\n"
			"#define __PYB_RAISE(site) do { __sync_fetch_and_add(&__pyb_exc[site], 1); return 0; } while (0)\n",
		   prog->raises.len ? prog->raises.len : 1);

	for (int i = 0; i < prog->prints.len; i++) {
		PrintSite *p = VEC_AT(prog->prints, i);
		str_printf(out, "\nstruct __pyb_rec%d {\n\t__u64 id;\n", p->id);
		for (int j = 0; j < p->segs.len; j++) {
			PrintSeg *s = VEC_AT(p->segs, j);
			if (!s->is_arg)
				continue;
			if (s->type->kind == TY_STR)
				str_printf(out, "\tchar a%d[%d];\n", s->offset, (s->type->size + 7) / 8 * 8);
			else
				str_printf(out, "\t__s64 a%d;\n", s->offset);
		}
		str_puts(out, "};\n");
	}
	for (int i = 0; i < prog->probes.len; i++)
		probe(&e, VEC_AT(prog->probes, i));
}
