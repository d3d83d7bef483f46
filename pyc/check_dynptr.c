/* check_dynptr.c — ring buffer reservations and dynptrs from Python (issue 13).
 *
 *   with bpf.ringbuf_reserve(events) as rec:          # rec: Optional[E], E the RingBuf's record
 *       if rec is not None:
 *           rec.n = 3                                 # writes the reserved memory
 *   with bpf.ringbuf_reserve_dynptr(events) as d:     # d: Optional[Dynptr] over sizeof(E) bytes
 *       if d is not None:
 *           bpf.dynptr_write(d, 0, b"abcd", 0)
 *   d = bpf.dynptr_from_mem(buf, 0)                   # a Dynptr over a copy of a bytes[N]/str[N]/Struct
 *   bpf.dynptr_read(out, d, 0, 0)
 *
 * A reservation is a with block, as a kfunc's reference is (check_kfunc.c):
 * check_with_block lowers it as a try whose finally ends the reservation,
 * so the verifier sees it end on every path: the block's normal end (and a
 * return, break or continue out of it) submits (bpf_ringbuf_submit /
 * _submit_dynptr), an exception out of it discards (bpf_ringbuf_discard /
 * _discard_dynptr). A failed reservation (a full ring buffer) is counted as
 * a lost record, as a failed events.output() is, and the target is None;
 * the kernel wants a failed dynptr reservation discarded too, and the
 * block's end does that. The record starts zeroed, so no stale ring buffer
 * bytes reach user space. The program never calls submit or discard.
 *
 * bpf_dynptr_from_mem takes map memory only (the verifier refuses the
 * stack: "Unsupported reg type fp"), so the dynptr is over a copy of data,
 * in a per-CPU array map of that call site (Prog.dynmem): Python's bytes
 * are immutable, and writes through d change the copy, never data.
 *
 * A Dynptr is a struct bpf_dynptr on the BPF stack: the emitter declares
 * it once at the top of the function, so its slots are never reused while
 * it is live, and passes its address. A Dynptr name is not a value: it can
 * only be passed to bpf.dynptr_read / dynptr_write, tested `is not None`
 * (a reservation's), and it is made once (assigning it again, or copying
 * it, is an error). The sizes of the memory passed (a str[N], bytes[N] or
 * Struct) are pybpf's, constants the verifier checks. A negative return is
 * an errno and raises OSError (dynptr_write past the end: -E2BIG).
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

/* The helpers this file types, with their Python signatures and notes
 * (for `pybpf api`); by_block: a with block calls it, never the program
 * (the note says which). */
static const struct {
	const char *name, *sig, *note;
	bool by_block;
} ours[] = {
	{"ringbuf_reserve", "bpf.ringbuf_reserve(ringbuf: RingBuf[T]) -> Optional[T]",
	 "reserves: call it as 'with bpf.ringbuf_reserve(events) as rec:' (rec is None when the ring buffer is full: "
	 "counted as lost); the block's end submits rec, an exception out of it discards rec"},
	{"ringbuf_reserve_dynptr", "bpf.ringbuf_reserve_dynptr(ringbuf: RingBuf[T]) -> Optional[Dynptr]",
	 "reserves: call it as 'with bpf.ringbuf_reserve_dynptr(events) as d:' (sizeof(T) bytes, zeroed; d is None when "
	 "the ring buffer is full: counted as lost); the block's end submits d, an exception out of it discards d"},
	{"ringbuf_submit", "bpf.ringbuf_submit(data: T (reserved), flags: u64) -> None",
	 "the with block of bpf.ringbuf_reserve() calls it at its end", true},
	{"ringbuf_discard", "bpf.ringbuf_discard(data: T (reserved), flags: u64) -> None",
	 "the with block of bpf.ringbuf_reserve() calls it when an exception leaves the block", true},
	{"ringbuf_submit_dynptr", "bpf.ringbuf_submit_dynptr(ptr: Dynptr (reserved), flags: u64) -> None",
	 "the with block of bpf.ringbuf_reserve_dynptr() calls it at its end", true},
	{"ringbuf_discard_dynptr", "bpf.ringbuf_discard_dynptr(ptr: Dynptr (reserved), flags: u64) -> None",
	 "the with block of bpf.ringbuf_reserve_dynptr() calls it when an exception leaves the block or the "
	 "reservation failed", true},
	{"dynptr_from_mem", "bpf.dynptr_from_mem(data: str | bytes | Struct, flags: u64) -> Dynptr  raises OSError",
	 "makes a Dynptr over a copy of data (a per-CPU map value: the kernel takes map memory only): assign it to a "
	 "new name, 'd = bpf.dynptr_from_mem(buf, 0)'"},
	{"dynptr_read", "bpf.dynptr_read(dst: str | bytes | Struct (local), src: Dynptr, offset: u32, flags: u64) -> int  "
	 "raises OSError", NULL},
	{"dynptr_write", "bpf.dynptr_write(dst: Dynptr, offset: u32, src: str | bytes | Struct, flags: u64) -> int  "
	 "raises OSError", NULL},
	{"dynptr_data", "bpf.dynptr_data(ptr: Dynptr, offset: u32, len: u32) -> void *",
	 "it returns a pointer into the dynptr's memory (or NULL), valid for a constant len: pybpf has no type for "
	 "such a view yet; bpf.dynptr_read() and bpf.dynptr_write() copy instead", true},
};

static int ours_index(const char *name)
{
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (!strcmp(ours[i].name, name))
			return (int)i;
	return -1;
}

bool dynptr_helper(const char *name)
{
	return ours_index(name) >= 0;
}

int dynptr_api(const char *helper, const char **sig, const char **note)
{
	int i = ours_index(helper + 4);
	if (i < 0)
		return 0;
	*sig = ours[i].sig;
	*note = ours[i].note;
	return ours[i].by_block ? 2 : 1;
}

static int helper_index(const char *name)
{
	const struct pyb_helper *h = pyb_helper_find(xasprintf("bpf_%s", name));
	if (!h)
		ICE("helper bpf_%s missing from helpers/helpers_gen.c", name);
	return (int)(h - pyb_helpers);
}

/* Declare helper bpf_NAME for a call the with block makes (at: the with's call) */
static void use_named_helper(Checker *c, Node *at, const char *name)
{
	Node *call = synth_node(ND_CALL, at), *f = synth_node(ND_ATTR, at);
	f->name = name;
	call->lhs = f;
	call->cval = helper_index(name);
	use_helper(c, call);
}

/* bpf.NAME(...) with NAME a reservation, at a with statement (bpf not hidden by a local) */
bool ringbuf_with_call(Checker *c, Node *call)
{
	Node *f = call->lhs;
	return call->kind == ND_CALL && f->kind == ND_ATTR && f->lhs->kind == ND_NAME && !strcmp(f->lhs->name, "bpf") &&
	       !scope_find(c->scope, "bpf") && (!strcmp(f->name, "ringbuf_reserve") || !strcmp(f->name, "ringbuf_reserve_dynptr"));
}

/* The RingBuf map a reservation takes; an optional second argument, the flags, must be 0 */
static Sym *ringbuf_arg(Checker *c, Node *call, const char *pyname)
{
	Node *a;
	Sym *y;
	int64_t v;
	if (call->vals.len)
		error_at(node_loc(VEC_AT(call->vals, 0)), "%s takes positional arguments only", pyname);
	if (call->elts.len < 1 || call->elts.len > 2)
		error_at(node_loc(call), "%s takes a RingBuf map (and flags, which must be 0): with %s as x:", pyname,
			 xasprintf("%.*s(events)", (int)strlen(pyname) - 2, pyname));
	a = VEC_AT(call->elts, 0);
	y = a->kind == ND_NAME ? scope_find(c->scope, a->name) : NULL;
	if (!y || y->kind != SYM_MAP || ((MapDecl *)y->data)->type->map_kind != MAP_RINGBUF)
		error_at(node_loc(a), "argument 'ringbuf' of %s must be a RingBuf map, not %s", pyname,
			 y && y->kind == SYM_MAP ? ty_name(y->type) : ty_name(check_expr(c, a)));
	a->sym = y;
	a->type = y->type;
	if (call->elts.len == 2 && (!const_int(c, VEC_AT(call->elts, 1), &v) || v != 0))
		error_at(node_loc(VEC_AT(call->elts, 1)), "the flags of %s must be the constant 0 (the kernel's rule)", pyname);
	if (call->elts.len == 2)
		check_expr(c, VEC_AT(call->elts, 1));
	return y;
}

/* with bpf.ringbuf_reserve(events) as rec: / with bpf.ringbuf_reserve_dynptr(events) as d: */
void check_with_ringbuf(Checker *c, Node *s, Node *call, Node *tg)
{
	const char *name = call->lhs->name, *pyname = xasprintf("bpf.%s()", name);
	bool dyn = !strcmp(name, "ringbuf_reserve_dynptr");
	Sym *m = ringbuf_arg(c, call, pyname);
	Type *rec = ((MapDecl *)m->data)->type->val, *t = xcalloc(1, sizeof(*t));

	if (dyn) {
		t->kind = TY_DYNPTR;
		t->val = rec;
	} else {
		*t = *rec;
		t->inplace = true;
	}
	call->sym = m;
	call->op = 'w';
	call->cval = helper_index(name);
	use_helper(c, call);
	use_named_helper(c, call, dyn ? "ringbuf_submit_dynptr" : "ringbuf_submit");
	use_named_helper(c, call, dyn ? "ringbuf_discard_dynptr" : "ringbuf_discard");
	if (dyn)
		use_named_helper(c, call, "dynptr_data");   /* to zero the record */
	check_with_block(c, s, tg, t, 'v', 0, xasprintf("bpf.%s", name));
}

/* d = bpf.dynptr_from_mem(...): the only place a Dynptr is made outside a with */
void dynptr_mark_assign(Node *s)
{
	Node *v = s->value, *f = v->kind == ND_CALL ? v->lhs : NULL;
	if (f && f->kind == ND_ATTR && f->lhs->kind == ND_NAME && !strcmp(f->lhs->name, "bpf") &&
	    !strcmp(f->name, "dynptr_from_mem") && s->targets.len == 1)
		v->op = 'd';
	/* c = bpf_dynptr_clone(d): a kfunc that makes a Dynptr (check_kfunc_mem.c) */
	if (f && f->kind == ND_NAME && !strncmp(f->name, "bpf_dynptr_", 11) && s->targets.len == 1)
		v->op = 'd';
}

/* A Dynptr argument: a Dynptr local's name (also a kfunc's: check_kfunc.c) */
void dynptr_arg(Checker *c, Node *a, const char *what)
{
	Sym *y = a->kind == ND_NAME ? scope_find(c->scope, a->name) : NULL;
	if (!y || y->kind != SYM_LOCAL || y->type->kind != TY_DYNPTR)
		error_at(node_loc(a), "%s must be a Dynptr ('with bpf.ringbuf_reserve_dynptr(events) as d:' or "
			 "'d = bpf.dynptr_from_mem(buf, 0)'), not %s", what, ty_name(check_expr(c, a)));
	a->op = 'd';   /* check_name: a Dynptr passed to a helper */
	check_expr(c, a);
}

/* Memory a dynptr helper reads (src) or writes (dst, and from_mem's data):
 * a str[N], bytes[N] or Struct; written memory must be a local */
static void mem_arg(Checker *c, Node *a, const char *what, bool written)
{
	Type *t = check_expr(c, a);
	Sym *y = a->kind == ND_NAME ? a->sym : NULL;
	if (t->kind != TY_STR && t->kind != TY_BYTES && t->kind != TY_STRUCT)
		error_at(node_loc(a), "%s must be a str[N], bytes[N] or Struct %s, not %s", what, written ? "local" : "value",
			 ty_name(t));
	if (t->kind == TY_STRUCT && (!y || y->kind != SYM_LOCAL))
		error_at(node_loc(a), "%s must be a Struct local (its address is passed), not an expression", what);
	if (written && (!y || y->kind != SYM_LOCAL))
		error_at(node_loc(a), "%s is written by the helper: pass a str[N], bytes[N] or Struct local variable", what);
}

static void int_arg(Checker *c, Node *a, const struct pyb_htype *p, const char *what)
{
	Type *t = check_expr(c, a);
	if (!is_intlike(t))
		error_at(node_loc(a), "%s must be an int (%c%d), not %s", what, p->is_signed ? 'i' : 'u', p->size * 8, ty_name(t));
	check_store(c, a, t, ty_fixed(p->size, p->is_signed), what);
}

/* bpf.NAME(...) for the helpers of this file, outside a with statement */
Type *check_dynptr_call(Checker *c, Node *e)
{
	const char *name = e->lhs->name, *pyname = xasprintf("bpf.%s()", name);
	const struct pyb_helper *h;
	int i = ours_index(name), want;
	Type *t;

	if (!strncmp(name, "ringbuf_reserve", 15))
		error_at(node_loc(e), "%s reserves a record that must be submitted or discarded on every path: write "
			 "'with %s(events) as x:', whose end submits x (an exception out of the block discards it)",
			 pyname, xasprintf("bpf.%s", name));
	if (!strcmp(name, "dynptr_data"))
		error_at(node_loc(e->lhs), "%s cannot be called from pybpf yet: %s", pyname, ours[i].note);
	if (ours[i].by_block)
		error_at(node_loc(e->lhs), "%s is not called by the program: %s", pyname, ours[i].note);
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "%s takes positional arguments only", pyname);
	want = !strcmp(name, "dynptr_from_mem") ? 2 : 4;
	if (e->elts.len != want)
		error_at(node_loc(e), "%s takes %d arguments but %d %s given: %s", pyname, want, e->elts.len,
			 e->elts.len == 1 ? "was" : "were", ours[i].sig);
	h = &pyb_helpers[helper_index(name)];
	if (!strcmp(name, "dynptr_from_mem")) {
		if (e->op != 'd')
			error_at(node_loc(e), "%s makes a Dynptr, which lives in a variable: write 'd = %s(buf, 0)' "
				 "(a new name)", pyname, xasprintf("bpf.%s", name));
		mem_arg(c, VEC_AT(e->elts, 0), xasprintf("argument 'data' of %s", pyname), false);   /* copied */
		int_arg(c, VEC_AT(e->elts, 1), &h->args[2], xasprintf("argument 'flags' of %s", pyname));
		t = xcalloc(1, sizeof(*t));
		t->kind = TY_DYNPTR;
		e->id = c->prog->dynmem.len;   /* its per-CPU copy of data */
		vec_push(&c->prog->dynmem, (void *)(intptr_t)ty_size(((Node *)VEC_AT(e->elts, 0))->type));
	} else if (!strcmp(name, "dynptr_read")) {
		mem_arg(c, VEC_AT(e->elts, 0), xasprintf("argument 'dst' of %s", pyname), true);
		dynptr_arg(c, VEC_AT(e->elts, 1), xasprintf("argument 'src' of %s", pyname));
		int_arg(c, VEC_AT(e->elts, 2), &h->args[3], xasprintf("argument 'offset' of %s", pyname));
		int_arg(c, VEC_AT(e->elts, 3), &h->args[4], xasprintf("argument 'flags' of %s", pyname));
		t = ty_int;
	} else {   /* dynptr_write */
		dynptr_arg(c, VEC_AT(e->elts, 0), xasprintf("argument 'dst' of %s", pyname));
		int_arg(c, VEC_AT(e->elts, 1), &h->args[1], xasprintf("argument 'offset' of %s", pyname));
		mem_arg(c, VEC_AT(e->elts, 2), xasprintf("argument 'src' of %s", pyname), false);
		int_arg(c, VEC_AT(e->elts, 3), &h->args[4], xasprintf("argument 'flags' of %s", pyname));
		t = ty_int;
	}
	e->raise = new_raise(c, e, "OSError");
	e->op = e->op == 'd' ? 'd' : 'H';   /* read and write: the helper call as emit_helpers.c writes it */
	e->cval = h - pyb_helpers;
	use_helper(c, e);
	return t;
}
