/* check_userrb.c — records from user space: UserRingBuf (issue 13).
 *
 *   lines: UserRingBuf[str[64]] = UserRingBuf(size=4096)
 *
 *   def on_line(line: str[64]) -> None:       # or -> bool: True stops the drain
 *       print(line)
 *
 *   n = bpf.user_ringbuf_drain(lines, on_line)
 *
 * A UserRingBuf is a BPF_MAP_TYPE_USER_RINGBUF: user space writes records,
 * the program takes them with the kernel's bpf_user_ringbuf_drain, which
 * calls the def once per record, in order, and returns how many it took
 * (a negative errno raises OSError, as every helper's does). The records
 * are the lines of pybpf's standard input (loader/userrb.c), each a str[N]
 * (the line without its newline, at most N-1 characters) or an integer
 * type (the line read as a Python int literal). The callback's C function
 * reads the record out of the kernel's dynptr into a value of that type and
 * calls the def with it (pyc/emit.c). One UserRingBuf per program: it is
 * what standard input feeds.
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

/* The record type of UserRingBuf[T]: a str[N] or an integer type other than u64 */
static Type *record_of(Checker *c, Node *t)
{
	Type *r = resolve_key_or_value(c, t, false);
	if (r->kind == TY_STR || (r->kind == TY_FIXED && !(r->size == 8 && !r->is_signed)))
		return r;
	error_at(node_loc(t), "a UserRingBuf carries lines of standard input as str[N] or as an integer type "
		 "(i8..i64, u8..u32), not %s", ty_name(r));
}

/* lines: UserRingBuf[T] = UserRingBuf(size=BYTES) */
void declare_user_ringbuf(Checker *c, Node *s)
{
	Node *ann = s->annotation, *val = s->value, *sz = NULL;
	MapDecl *m = xcalloc(1, sizeof(*m));
	Type *t = xcalloc(1, sizeof(*t));
	int64_t n = 64 * 1024;

	if (!is_imported(c, "UserRingBuf"))
		unknown_name(c, ann->kind == ND_SUBSCRIPT ? ann->lhs : ann);
	if (ann->kind != ND_SUBSCRIPT)
		error_at(node_loc(ann), "a UserRingBuf needs its record type: write '%s: UserRingBuf[str[64]] = "
			 "UserRingBuf(size=4096)'", s->target->name);
	for (int i = 0; i < c->prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(c->prog->maps, i))->type->map_kind == MAP_USER_RINGBUF)
			error_at(node_loc(s->target), "a program has one UserRingBuf (standard input feeds it); '%s' is the "
				 "first", ((MapDecl *)VEC_AT(c->prog->maps, i))->name);
	t->kind = TY_MAP;
	t->map_kind = MAP_USER_RINGBUF;
	t->key = ty_fixed(4, false);
	t->val = record_of(c, ann->rhs);
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || strcmp(val->lhs->name, "UserRingBuf"))
		error_at(node_loc(val ? val : s), "map '%s' must be created with UserRingBuf(...) to match its annotation",
			 s->target->name);
	if (val->elts.len == 1 && !val->vals.len)
		sz = VEC_AT(val->elts, 0);
	else if (val->vals.len == 1 && !val->elts.len && ((Node *)VEC_AT(val->vals, 0))->name &&
		 !strcmp(((Node *)VEC_AT(val->vals, 0))->name, "size"))
		sz = ((Node *)VEC_AT(val->vals, 0))->lhs;
	else if (val->elts.len || val->vals.len)
		error_at(node_loc(val), "write UserRingBuf(BYTES) or UserRingBuf(size=BYTES)");
	if (sz && !const_int(c, sz, &n))
		error_at(node_loc(sz), "the size of a UserRingBuf must be a constant");
	if (n < 4096 || n > (1 << 30) || (n & (n - 1)))
		error_at(node_loc(sz ? sz : val), "a UserRingBuf's size must be a power of 2 from 4096 to 2**30 bytes, "
			 "not %lld", (long long)n);
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	m->max_entries = (uint32_t)n;
	register_map(c, s, m);
}

/* m[k], k in m, m.method(), show(m) of a UserRingBuf: an error */
void user_ringbuf_refused(Node *at, MapDecl *m)
{
	if (m->type->map_kind == MAP_USER_RINGBUF)
		error_at(node_loc(at), "'%s' is a UserRingBuf: its records are taken only by bpf.user_ringbuf_drain(%s, f), "
			 "which calls f with each", m->name, m->name);
}

/* Whether callback parameter type p takes records of type r */
static bool takes(Type *p, Type *r)
{
	if (r->kind == TY_STR)
		return p->kind == TY_STR && p->size == r->size;
	return p->kind == TY_INT;
}

/* bpf.user_ringbuf_drain(m, f): e->third is the call f(record) the
 * callback makes (its argument the callback's __pyb_cbr) */
Type *check_user_ringbuf_drain(Checker *c, Node *e)
{
	static const char *const args[] = {"__pyb_cbr"};
	Node *mn, *fn;
	Sym *ms;
	MapDecl *m;
	FuncDecl *fd;
	Type *rt;

	if (e->vals.len || e->elts.len != 2)
		error_at(node_loc(e), "bpf.user_ringbuf_drain takes two arguments: bpf.user_ringbuf_drain(lines, function)");
	mn = VEC_AT(e->elts, 0);
	fn = VEC_AT(e->elts, 1);
	ms = named_sym(c, mn, SYM_MAP);
	if (!ms || ((MapDecl *)ms->data)->type->map_kind != MAP_USER_RINGBUF)
		error_at(node_loc(mn), "the first argument of bpf.user_ringbuf_drain is a UserRingBuf: the name of one");
	m = ms->data;
	mn->sym = ms;
	mn->type = m->type;
	fd = callback_def(c, fn, "bpf.user_ringbuf_drain", "second");
	rt = m->type->val;
	if (fd->ptypes.len != 1 || !takes(VEC_AT(fd->ptypes, 0), rt) ||
	    (fd->ret->kind != TY_NONE && fd->ret->kind != TY_BOOL))
		error_at(node_loc(fn), "bpf.user_ringbuf_drain calls %s(record) with each record of '%s': declare it "
			 "'def %s(record: %s) -> None:' (or '-> bool', True to stop)", fd->name, m->name, fd->name,
			 rt->kind == TY_STR ? ty_name(rt) : "int");
	callback_call_typed(c, e, fd, fn, args, rt->kind == TY_STR ? &rt : NULL, 1);
	e->sym = ms;
	e->cval = pyb_helper_find("bpf_user_ringbuf_drain") - pyb_helpers;
	e->op = 'D';
	e->raise = new_raise(c, e, "OSError");
	use_helper(c, e);
	return ty_int;
}
