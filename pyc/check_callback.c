/* check_callback.c — helpers that call back into Python: bpf.loop(n, f).
 *
 * bpf.loop(n, step) is the kernel's bpf_loop: it calls the helper function
 * `def step(i: int) -> None` (or `-> bool`: True stops the loop, as a
 * `break` would) for i = 0 .. n-1, and returns how many calls it made. The
 * verifier checks step once, whatever n is (up to 1 << 23; more raises
 * OSError, the helper's E2BIG). step reaches the probe's data through maps
 * and module-level variables (`global`), as a Python function would.
 *
 * bpf.for_each_map_elem(m, f) calls `def f(key: int, value: int)` for each
 * item of the map m, in the same way; bpf.find_vma(task, addr, f) calls
 * `def f(task: task_struct, vma: vm_area_struct)` with the area holding addr.
 *
 * The emitter makes step's body a C function of its own (the callback the
 * kernel calls). An exception step does not catch ends the loop and goes
 * on from the bpf.loop call, as in Python: caught by the caller's
 * handlers, or counted as uncaught.
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

/* The symbol of the kind the name a names, in scope (a map, a def), or NULL */
Sym *named_sym(Checker *c, Node *a, SymKind kind)
{
	Sym *y = a->kind == ND_NAME ? scope_find(c->scope ? c->scope : &c->module, a->name) : NULL;
	return y && y->kind == kind ? y : NULL;
}

/* The def a callback argument names (helper, which: for the message), or an error */
FuncDecl *callback_def(Checker *c, Node *a, const char *helper, const char *which)
{
	Sym *y = named_sym(c, a, SYM_FUNC);
	if (!y)
		error_at(node_loc(a), "the %s argument of %s is the function it calls: the name of a def", which, helper);
	return y->data;
}

/* The helper function a callback argument names: nparams int parameters
 * (params, for the message), returning None or bool */
static FuncDecl *callback_of(Checker *c, Node *a, const char *helper, int nparams, const char *args,
			     const char *params)
{
	FuncDecl *fd = callback_def(c, a, helper, "second");
	bool ok = fd->ptypes.len == nparams && (fd->ret->kind == TY_NONE || fd->ret->kind == TY_BOOL);
	for (int i = 0; ok && i < nparams; i++)
		ok = ((Type *)VEC_AT(fd->ptypes, i))->kind == TY_INT;
	if (!ok)
		error_at(node_loc(a), "%s calls %s(%s): declare it 'def %s(%s) -> None:' (or '-> bool', True to stop)",
			 helper, fd->name, args, fd->name, params);
	return fd;
}

/* An argument of type t of the call that the callback makes: its C
 * spelling cname is the callback's own (a parameter, or a value read from one) */
static Node *callback_arg(Node *at, const char *cname, Type *t)
{
	Node *i = synth_node(ND_NAME, at);
	Sym *y = xcalloc(1, sizeof(*y));
	y->kind = SYM_LOCAL;
	y->name = cname;
	y->cname = cname;
	y->type = t;
	i->name = cname;
	i->sym = y;
	i->type = t;
	return i;
}

/* e->third: the call f(args...) the callback makes, with the callback's
 * own values cnames[0..n) as the arguments (of types types[0..n), NULL: ints) */
void callback_call_typed(Checker *c, Node *e, FuncDecl *fd, Node *f, const char *const *cnames, Type **types, int n)
{
	Node *call = synth_node(ND_CALL, e);
	call->lhs = f;
	for (int i = 0; i < n; i++)
		vec_push(&call->elts, callback_arg(e, cnames[i], types ? types[i] : ty_int));
	call->type = fd->ret;
	note_func_call(c, call, fd);
	e->third = call;
}

void callback_call(Checker *c, Node *e, FuncDecl *fd, Node *f, const char *const *cnames, int n)
{
	callback_call_typed(c, e, fd, f, cnames, NULL, n);
}

/* bpf.loop(n, step): e->third is the call step(i) that the callback makes */
Type *check_bpf_loop(Checker *c, Node *e)
{
	static const char *const args[] = {"__pyb_cbi"};
	FuncDecl *fd;

	if (e->vals.len || e->elts.len != 2)
		error_at(node_loc(e), "bpf.loop takes two arguments: bpf.loop(n, function)");
	if (c->iterating.len)
		error_at(node_loc(e), "bpf.loop inside a loop over a map is not supported yet (pybpf cannot yet "
			 "tell whether its function changes the map)");
	check_store(c, VEC_AT(e->elts, 0), check_expr(c, VEC_AT(e->elts, 0)), ty_fixed(4, false),
		    "the number of calls of bpf.loop");
	fd = callback_of(c, VEC_AT(e->elts, 1), "bpf.loop", 1, "i", "i: int");
	callback_call(c, e, fd, VEC_AT(e->elts, 1), args, 1);
	e->cval = pyb_helper_find("bpf_loop") - pyb_helpers;
	e->op = 'Z';
	e->raise = new_raise(c, e, "OSError");
	use_helper(c, e);
	return ty_int;
}

/* Does statement or expression n store into, delete from or call a method
 * of a map, or call a helper function (which might)? */
static bool may_change_maps(Checker *c, Node *n)
{
	Vec *lists[6];
	Node *kids[6];
	Sym *y;
	if (!n)
		return false;
	if (n->kind == ND_ASSIGN || n->kind == ND_DEL)
		for (int i = 0; i < n->targets.len; i++)
			if (((Node *)VEC_AT(n->targets, i))->kind == ND_SUBSCRIPT)
				return true;
	if ((n->kind == ND_AUGASSIGN || n->kind == ND_ANNASSIGN) && n->target && n->target->kind == ND_SUBSCRIPT)
		return true;
	if (n->kind == ND_CALL && n->lhs->kind == ND_ATTR && n->lhs->lhs->kind == ND_NAME &&
	    (y = scope_find(&c->module, n->lhs->lhs->name)) && y->kind == SYM_MAP)
		return true;
	if (n->kind == ND_CALL && n->lhs->kind == ND_NAME && (y = scope_find(&c->module, n->lhs->name)) &&
	    y->kind == SYM_FUNC)
		return true;
	kids[0] = n->lhs, kids[1] = n->rhs, kids[2] = n->third, kids[3] = n->test, kids[4] = n->value, kids[5] = n->iter;
	for (int i = 0; i < 6; i++)
		if (may_change_maps(c, kids[i]))
			return true;
	lists[0] = &n->elts, lists[1] = &n->body, lists[2] = &n->orelse, lists[3] = &n->finalbody;
	lists[4] = &n->handlers, lists[5] = &n->items;
	for (int l = 0; l < 6; l++)
		for (int i = 0; i < lists[l]->len; i++)
			if (may_change_maps(c, VEC_AT(*lists[l], i)))
				return true;
	return false;
}

/* bpf.for_each_map_elem(m, f): the kernel calls f(key, value) for each
 * item of m (in the map's order, which is not insertion order), until f
 * returns True; the number of calls. f may not change maps (a dict would
 * raise RuntimeError if it changed the one it walks; pybpf cannot yet tell
 * which one a store hits) nor call other helpers. e->third: f(k, v). */
Type *check_bpf_for_each(Checker *c, Node *e)
{
	static const char *const args[] = {"__pyb_cbk", "__pyb_cbv"};
	Node *mn, *fn;
	Sym *ms;
	MapDecl *m;
	FuncDecl *fd;

	if (e->vals.len || e->elts.len != 2)
		error_at(node_loc(e), "bpf.for_each_map_elem takes two arguments: bpf.for_each_map_elem(map, function)");
	mn = VEC_AT(e->elts, 0);
	fn = VEC_AT(e->elts, 1);
	if (!(ms = named_sym(c, mn, SYM_MAP)))
		error_at(node_loc(mn), "the first argument of bpf.for_each_map_elem is a map: the name of one");
	m = ms->data;
	if ((m->type->map_kind != MAP_HASH && m->type->map_kind != MAP_LRU_HASH && m->type->map_kind != MAP_ARRAY) ||
	    m->percpu || m->type->key->kind != TY_FIXED || m->type->val->kind != TY_FIXED)
		error_at(node_loc(mn), "bpf.for_each_map_elem walks Hash, LRUHash and Array maps of integer keys and "
			 "values; '%s' is a%s %s%s", m->name, m->percpu ? " per-CPU" : "", map_kind_names[m->type->map_kind],
			 m->type->val->kind == TY_FIXED ? "" : xasprintf(" of %s values", ty_name(m->type->val)));
	mn->sym = ms;
	mn->type = m->type;
	fd = callback_of(c, fn, "bpf.for_each_map_elem", 2, "key, value", "key: int, value: int");
	if (may_change_maps(c, fd->def))
		error_at(node_loc(fn), "%s() may change a map (a store, a del, a method call, or a call of another "
			 "function), and pybpf cannot yet tell whether it is the map bpf.for_each_map_elem walks; "
			 "collect what to change, then change it after the walk", fd->name);
	callback_call(c, e, fd, fn, args, 2);
	e->sym = ms;
	e->cval = pyb_helper_find("bpf_for_each_map_elem") - pyb_helpers;
	e->op = 'Y';
	e->raise = new_raise(c, e, "OverflowError");   /* a u64 key or value above 2**63-1 */
	new_raise(c, e, "OSError");                      /* id + 1 */
	use_helper(c, e);
	return ty_int;
}

/* bpf.find_vma(task, addr, f): the kernel calls `def f(task: task_struct,
 * vma: vm_area_struct) -> None` once, with the memory area of task that
 * holds addr (the verifier trusts both pointers, read through BTF), under
 * the task's mmap lock; the result is 0. A task with no area at addr gives
 * -ENOENT, a lock already taken -EBUSY: OSError, as every errno of the
 * helpers. e->third: f(task, vma). */
Type *check_bpf_find_vma(Checker *c, Node *e)
{
	static const char *const args[] = {"__pyb_cbt", "__pyb_cbm"};
	Node *task, *fn;
	FuncDecl *fd;
	Type *types[2];
	bool ok;

	if (e->vals.len || e->elts.len != 3)
		error_at(node_loc(e), "bpf.find_vma takes three arguments: bpf.find_vma(task, addr, function)");
	task = VEC_AT(e->elts, 0);
	fn = VEC_AT(e->elts, 2);
	types[0] = helper_kptr_type(c, e, "struct task_struct *");
	types[1] = helper_kptr_type(c, e, "struct vm_area_struct *");
	check_kptr_arg(c, task, check_expr(c, task), types[0]->btf_id, "the task of bpf.find_vma", "struct task_struct *");
	check_store(c, VEC_AT(e->elts, 1), check_expr(c, VEC_AT(e->elts, 1)), ty_fixed(8, false),
		    "the address of bpf.find_vma");
	fd = callback_def(c, fn, "bpf.find_vma", "third");
	ok = fd->ptypes.len == 2 && fd->ret->kind == TY_NONE;
	for (int i = 0; ok && i < 2; i++)
		ok = ((Type *)VEC_AT(fd->ptypes, i))->kind == TY_KPTR &&
		     ((Type *)VEC_AT(fd->ptypes, i))->btf_id == types[i]->btf_id;
	if (!ok)
		error_at(node_loc(fn), "bpf.find_vma calls %s(task, vma): declare it 'def %s(task: task_struct, "
			 "vma: vm_area_struct) -> None:'", fd->name, fd->name);
	callback_call_typed(c, e, fd, fn, args, types, 2);
	e->cval = pyb_helper_find("bpf_find_vma") - pyb_helpers;
	e->op = 'A';
	e->raise = new_raise(c, e, "OSError");
	use_helper(c, e);
	return ty_int;
}
