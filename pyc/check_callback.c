/* check_callback.c — helpers that call back into Python: bpf.loop(n, f).
 *
 * bpf.loop(n, step) is the kernel's bpf_loop: it calls the helper function
 * `def step(i: int) -> None` (or `-> bool`: True stops the loop, as a
 * `break` would) for i = 0 .. n-1, and returns how many calls it made. The
 * verifier checks step once, whatever n is (up to 1 << 23; more raises
 * OSError, the helper's E2BIG). step reaches the probe's data through maps
 * and module-level variables (`global`), as a Python function would.
 *
 * The emitter makes step's body a C function of its own (the callback the
 * kernel calls). An exception step does not catch ends the loop and goes
 * on from the bpf.loop call, as in Python: caught by the caller's
 * handlers, or counted as uncaught.
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

/* The helper function a callback argument names */
static FuncDecl *callback_of(Checker *c, Node *a, const char *helper)
{
	Sym *y = a->kind == ND_NAME ? scope_find(c->scope ? c->scope : &c->module, a->name) : NULL;
	FuncDecl *fd;
	Type *p;
	if (!y || y->kind != SYM_FUNC)
		error_at(node_loc(a), "the second argument of %s is the function it calls: the name of a def", helper);
	fd = y->data;
	p = fd->ptypes.len == 1 ? VEC_AT(fd->ptypes, 0) : NULL;
	if (!p || p->kind != TY_INT || (fd->ret->kind != TY_NONE && fd->ret->kind != TY_BOOL))
		error_at(node_loc(a), "%s calls %s(i) with the index i: declare it 'def %s(i: int) -> None:' "
			 "(or '-> bool', True to stop)", helper, fd->name, fd->name);
	return fd;
}

/* The index argument of the call that the callback makes: an int the
 * emitter spells __pyb_cbi (the callback's own parameter) */
static Node *callback_index(Node *at)
{
	Node *i = xcalloc(1, sizeof(*i));
	Sym *y = xcalloc(1, sizeof(*y));
	y->kind = SYM_LOCAL;
	y->name = "i";
	y->cname = "__pyb_cbi";
	y->type = ty_int;
	i->kind = ND_NAME;
	i->tok = at->tok;
	i->loc = at->loc;
	i->name = "i";
	i->sym = y;
	i->type = ty_int;
	return i;
}

/* bpf.loop(n, step): e->third is the call step(i) that the callback makes */
Type *check_bpf_loop(Checker *c, Node *e)
{
	Node *call;
	FuncDecl *fd;

	if (e->vals.len || e->elts.len != 2)
		error_at(node_loc(e), "bpf.loop takes two arguments: bpf.loop(n, function)");
	if (c->iterating.len)
		error_at(node_loc(e), "bpf.loop inside a loop over a map is not supported yet (pybpf cannot yet "
			 "tell whether its function changes the map)");
	check_store(c, VEC_AT(e->elts, 0), check_expr(c, VEC_AT(e->elts, 0)), ty_fixed(4, false),
		    "the number of calls of bpf.loop");
	fd = callback_of(c, VEC_AT(e->elts, 1), "bpf.loop");
	call = xcalloc(1, sizeof(*call));
	call->kind = ND_CALL;
	call->tok = e->tok;
	call->loc = e->loc;
	call->lhs = VEC_AT(e->elts, 1);
	vec_push(&call->elts, callback_index(e));
	call->type = fd->ret;
	note_func_call(c, call, fd);
	e->third = call;
	e->cval = pyb_helper_find("bpf_loop") - pyb_helpers;
	e->op = 'Z';
	e->raise = new_raise(c, e, "OSError");
	use_helper(c, e);
	return ty_int;
}
