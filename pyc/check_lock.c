/* check_lock.c — BPF spin locks from Python: SpinLock and ResSpinLock
 * fields, `with bpf.spin_lock(m, k) as v:` and
 * `with bpf_res_spin_lock(m, k) as v:`.
 *
 *     class Acct(Struct):
 *         lock: SpinLock                # a struct bpf_spin_lock
 *         n: u64
 *     acct: Hash[int, Acct] = Hash(max_entries=16)
 *
 *     acct[k] = Acct(n=0)               # a Hash's items: made by a store
 *     with bpf.spin_lock(acct, k) as a: # looks acct[k] up once, locks a.lock
 *         a.n += 1                      # through the same pointer
 *
 * The kernel keeps a bpf_spin_lock (a bpf_res_spin_lock) only in a map
 * value described by the map's BTF, and the verifier wants it taken and
 * released through that value's pointer, released on every path, with
 * no helper or kfunc called in between and no second lock. So:
 *
 *  - SpinLock / ResSpinLock is only a field of a Struct (one lock a
 *    Struct), and a Struct holding one is only the value type of a Hash
 *    or an Array (the kernel refuses it in per-CPU and LRU maps);
 *  - such a map is used only by the with statement, by `m[k] = S(...)`
 *    (a Hash's new item, whose lock starts unlocked; MapFullError when
 *    full) and nowhere else (a read would copy the lock, which the
 *    verifier refuses); the lock field itself cannot be named;
 *  - the with statement looks the item up (KeyError for a key a Hash does
 *    not hold, IndexError outside an Array, both before locking), locks,
 *    and runs its body as a try whose finally unlocks, so every way out
 *    (an exception, return, break) unlocks; the target is the value
 *    itself, read and written through the map value's pointer;
 *  - inside the body, nothing that calls a helper or a kfunc: no calls
 *    but len(), abs(), min(), max(), int(), bool() and the integer
 *    conversions, no map, no loop (range() runs on the bpf_iter_num
 *    kfuncs), no nested with, no kernel pointer's fields (read with
 *    bpf_probe_read_kernel); raise and return are fine (the finally
 *    unlocks first);
 *  - bpf_res_spin_lock can fail: -EDEADLK (a deadlock it detected) or
 *    -ETIMEDOUT: the with statement raises OSError then, with nothing
 *    locked.
 *
 * The verifier refuses a map whose values hold either lock in kprobe,
 * tracepoint, raw_tracepoint and perf_event programs ("tracing progs
 * cannot use bpf_spin_lock yet", measured on 6.18): both with forms and
 * the store declare the bpf_spin_lock helper, whose probe kinds
 * check_helpers.c's only_in lists, so those probes get a compile-time
 * error (also through def helpers).
 */
#include "check_int.h"

#include <linux/btf.h>
#include <string.h>

#include "../helpers/helpers_gen.h"

static Type t_spin = {.kind = TY_LOCK, .size = 4, .sname = "SpinLock"};
static Type t_res = {.kind = TY_LOCK, .size = 4, .sname = "ResSpinLock"};

static int lock_depth;          /* with blocks holding a lock around what is being checked */
static bool store_value;        /* checking the S(...) of `m[k] = S(...)` */
static bool lock_key;           /* checking the key of a lock map's with statement or store */

/* SpinLock / ResSpinLock as a Struct field's annotation, or NULL */
Type *lock_field_type(Checker *c, Node *ann)
{
	Type *t = ann->kind != ND_NAME ? NULL : !strcmp(ann->name, "SpinLock") ? &t_spin
		: !strcmp(ann->name, "ResSpinLock") ? &t_res : NULL;
	if (t && !is_imported(c, ann->name))
		unknown_name(c, ann);
	return t;
}

/* The lock field of Struct type st (-1: none) */
int struct_lock_field(Type *st)
{
	for (int i = 0; st->kind == TY_STRUCT && i < st->elems.len; i++)
		if (((Type *)VEC_AT(st->elems, i))->kind == TY_LOCK)
			return i;
	return -1;
}

/* A second lock field of Struct st at b: an error (the kernel takes one) */
void lock_field_added(Type *st, Node *b, Type *ft)
{
	if (ft->kind == TY_LOCK && struct_lock_field(st) >= 0)
		error_at(node_loc(b), "Struct '%s' already has a lock ('%s'); the kernel allows one SpinLock or "
			 "ResSpinLock in a map value", st->sname, (char *)VEC_AT(st->fnames, struct_lock_field(st)));
}

static const char *where_locks_live(void)
{
	return "a SpinLock (ResSpinLock) lives only in a Struct that is the value type of a Hash or an Array "
	       "(m: Hash[K, S] = Hash(max_entries=N), m: Array[S] = Array(N)), which the kernel finds it in";
}

/* SpinLock / ResSpinLock where a type is written but a Struct field */
void lock_misplaced(Checker *c, Node *n)
{
	if (n->kind == ND_NAME && (!strcmp(n->name, "SpinLock") || !strcmp(n->name, "ResSpinLock")) &&
	    is_imported(c, n->name))
		error_at(node_loc(n), "%s cannot be used here: %s", n->name, where_locks_live());
}

/* The value type n names when it is a Struct holding a lock (an error for
 * a map kind other than Hash and Array), else NULL */
Type *lock_value_type(Checker *c, Node *n, MapKind kind)
{
	Sym *y = n->kind == ND_NAME ? scope_find(&c->module, n->name) : NULL;
	if (!y || y->kind != SYM_TYPE || struct_lock_field(y->type) < 0)
		return NULL;
	if (kind != MAP_HASH && kind != MAP_ARRAY)
		error_at(node_loc(n), "%s %s cannot hold %s, whose '%s' is a %s: %s%s",
			 strchr("AEIOUL", map_kind_names[kind][0]) ? "an" : "a", map_kind_names[kind], n->name,
			 (char *)VEC_AT(y->type->fnames, struct_lock_field(y->type)),
			 ty_name(VEC_AT(y->type->elems, struct_lock_field(y->type))), where_locks_live(),
			 kind == MAP_PERCPU_ARRAY || kind == MAP_PERCPU_HASH || kind == MAP_LRU_PERCPU_HASH ?
			 " (the kernel refuses locks in per-CPU maps)" : kind == MAP_LRU_HASH ?
			 " (the kernel refuses locks in LRU maps)" : "");
	return y->type;
}

static bool is_lock_map(MapDecl *m)
{
	return struct_lock_field(m->type->val) >= 0;
}

/* `k in m`, `del m[k]` of a Hash (check_key_only): a key, no value read */
void lock_key_only(bool on)
{
	lock_key = on;
}

/* m[k] of a map whose values hold a lock, but in the with statement, a
 * store, `k in m` and `del m[k]` (a Hash's) */
void lock_map_refused(Node *sub, MapDecl *m)
{
	if (!is_lock_map(m) || lock_key)
		return;
	error_at(node_loc(sub), "'%s' holds %s values, which hold a %s: an item is used only as 'with %s(%s, k) as v:'%s",
		 m->name, m->type->val->sname, ty_name(VEC_AT(m->type->val->elems, struct_lock_field(m->type->val))),
		 ((Type *)VEC_AT(m->type->val->elems, struct_lock_field(m->type->val)))->sname[0] == 'S' ? "bpf.spin_lock"
		 : "bpf_res_spin_lock", m->name,
		 m->type->map_kind == MAP_HASH ? xasprintf(" (made with %s[k] = %s(...), tested with 'k in %s', freed with "
							   "del %s[k])", m->name, m->type->val->sname, m->name, m->name) : "");
}

/* S(...) of a Struct holding a lock, but as the value of a lock map's store */
void lock_ctor_refused(Node *e, Type *st)
{
	if (struct_lock_field(st) >= 0 && !store_value)
		error_at(node_loc(e), "%s holds a %s ('%s'), so it is not a value: %s; make a Hash's item with m[k] = %s(...)",
			 st->sname, ty_name(VEC_AT(st->elems, struct_lock_field(st))),
			 (char *)VEC_AT(st->fnames, struct_lock_field(st)), where_locks_live(), st->sname);
}

/* Whether field i of st may be left out of st(...): its lock, which starts unlocked */
bool lock_field_implicit(Type *st, int i)
{
	return ((Type *)VEC_AT(st->elems, i))->kind == TY_LOCK;
}

/* v.lock: an error (the with statement takes and releases it) */
void lock_field_named(Node *e, Type *st, int i)
{
	if (((Type *)VEC_AT(st->elems, i))->kind == TY_LOCK)
		error_at(node_loc(e), "'%s' is the %s of %s: it cannot be read or written; 'with %s(m, k) as v:' takes it and "
			 "releases it", e->name, ty_name(VEC_AT(st->elems, i)), st->sname,
			 ((Type *)VEC_AT(st->elems, i))->sname[0] == 'S' ? "bpf.spin_lock" : "bpf_res_spin_lock");
}

static int helper_index(const char *name)
{
	const struct pyb_helper *h = pyb_helper_find(name);
	if (!h)
		ICE("helper %s missing from helpers/helpers_gen.c", name);
	return (int)(h - pyb_helpers);
}

/* Declare helper bpf_NAME at `at` (its probe kinds checked as a call's) */
static void use_lock_helper(Checker *c, Node *at, const char *name)
{
	Node *call = synth_node(ND_CALL, at), *f = synth_node(ND_ATTR, at);
	f->name = name;
	call->lhs = f;
	call->cval = helper_index(xasprintf("bpf_%s", name));
	use_helper(c, call);
}

/* The item m[k] names (sub: its ND_SUBSCRIPT): KeyError for a Hash, IndexError for an Array */
static void lock_item_key(Checker *c, Node *sub, MapDecl *m)
{
	lock_key = true;
	check_map_key(c, sub, m);
	lock_key = false;
	if (m->type->map_kind == MAP_HASH)
		sub->raise = new_raise(c, sub, "KeyError");
	else
		sub->rhs->store_raise = new_raise(c, sub->rhs, "IndexError");
}

/* m[k] = S(...): a new item of a Hash whose values hold a lock; s->op 'j'.
 * False when s is not a store into such a map. */
bool check_lock_store(Checker *c, Node *s)
{
	Node *tg = VEC_AT(s->targets, 0), *v = s->value;
	Sym *y = tg->kind == ND_SUBSCRIPT && tg->lhs->kind == ND_NAME ? scope_find(c->scope, tg->lhs->name) : NULL;
	MapDecl *m;
	Type *vt;
	if (s->targets.len != 1 || !y || y->kind != SYM_MAP || !is_lock_map(y->data))
		return false;
	m = y->data;
	if (m->type->map_kind != MAP_HASH)
		error_at(node_loc(tg), "'%s' is an Array of %s: its items exist from the start, and are used only as "
			 "'with bpf.spin_lock(%s, i) as v:'", m->name, m->type->val->sname, m->name);
	if (v->kind != ND_CALL || v->lhs->kind != ND_NAME || strcmp(v->lhs->name, m->type->val->sname))
		error_at(node_loc(v), "an item of '%s' is a %s: store a new one with %s[k] = %s(...)", m->name,
			 m->type->val->sname, m->name, m->type->val->sname);
	lock_key = true;
	check_map_key(c, tg, m);
	lock_key = false;
	no_write_while_iterating(c, tg, m, "assigning to an item of");
	store_value = true;
	vt = check_expr(c, v);
	store_value = false;
	if (vt != m->type->val)
		ICE("lock store of %s", ty_name(vt));
	tg->raise = new_raise(c, tg, "MapFullError");
	use_lock_helper(c, tg, "spin_lock");   /* the probe kinds that may use such a map */
	s->op = 'j';
	return true;
}

/* bpf.spin_lock(...), bpf_res_spin_lock(...) or bpf_res_spin_lock_irqsave(...)
 * at a with statement: 1, 2, 3 (0: none of them) */
int lock_with_call(Checker *c, Node *call)
{
	Node *f = call->lhs;
	if (call->kind != ND_CALL)
		return 0;
	if (f->kind == ND_ATTR && f->lhs->kind == ND_NAME && !strcmp(f->lhs->name, "bpf") && !scope_find(c->scope, "bpf") &&
	    !strcmp(f->name, "spin_lock"))
		return 1;
	if (f->kind != ND_NAME || scope_find(c->scope, f->name))
		return 0;
	return !strcmp(f->name, "bpf_res_spin_lock") ? 2 : !strcmp(f->name, "bpf_res_spin_lock_irqsave") ? 3 : 0;
}

/* Why node n of a lock's body would call a helper or kfunc, or NULL */
static const char *lock_body_why(Checker *c, Node *n)
{
	static const char *const pure[] = {"len", "abs", "min", "max", "int", "bool", "u8", "u16", "u32", "u64",
					   "i8", "i16", "i32", "i64", NULL};
	Sym *y;
	switch (n->kind) {
	case ND_CALL:
		if (n->lhs->kind == ND_ATTR && n->lhs->lhs->kind == ND_NAME && !strcmp(n->lhs->lhs->name, "bpf"))
			return xasprintf("bpf.%s() is a helper call", n->lhs->name);
		if (n->lhs->kind != ND_NAME)
			return "a method call may call a helper";
		y = scope_find(c->scope, n->lhs->name);
		if (y && y->kind == SYM_FUNC)
			return xasprintf("%s() is a def, whose body is checked on its own and may call helpers", n->lhs->name);
		if (!strcmp(n->lhs->name, "print") || !strcmp(n->lhs->name, "printk"))
			return xasprintf("%s() calls a helper (it writes its line through a ring buffer or bpf_trace_printk)",
					 n->lhs->name);
		for (int i = 0; pure[i]; i++)
			if (!strcmp(pure[i], n->lhs->name) && !y)
				return NULL;
		if (y && y->kind == SYM_TYPE)
			return NULL;   /* a Struct's constructor */
		return c->prog->btf && kbtf_find(c->prog->btf, n->lhs->name, BTF_KIND_FUNC) > 0 ?
			xasprintf("%s() is a kfunc call", n->lhs->name) : xasprintf("%s() calls a helper", n->lhs->name);
	case ND_NAME:   /* not v of v.f: lock_body_call stops there */
		y = scope_find(c->scope, n->name);
		if (y && y->kind == SYM_LOCAL && y->type->kind == TY_STRUCT && y->type->inplace && struct_lock_field(y->type) >= 0)
			error_at(node_loc(n), "'%s' is the locked item itself: copying it whole would read its %s, which the "
				 "verifier forbids (no load or store of a lock); use its fields (%s.%s)", n->name,
				 ty_name(VEC_AT(y->type->elems, struct_lock_field(y->type))), n->name,
				 (char *)VEC_AT(y->type->fnames, struct_lock_field(y->type) == 0 && y->type->elems.len > 1));
		return y && y->kind == SYM_MAP ? xasprintf("'%s' is a map: its operations are helper calls", n->name) : NULL;
	case ND_WITH:
		return "a with statement takes another lock or a kernel reference (the verifier allows one lock at a time, "
		       "and no kfunc calls)";
	case ND_FOR:
		return "a for loop runs on kfuncs (bpf_iter_num for range(), the kernel's iterators)";
	case ND_ATTR:
		return n->lhs->type && (n->lhs->type->kind == TY_KPTR || n->lhs->type->kind == TY_KVAL) ?
			"a kernel struct's fields are read with bpf_probe_read_kernel, a helper" : NULL;
	default:
		return NULL;
	}
}

/* The first node under n that would call a helper or a kfunc, with why */
static Node *lock_body_call(Checker *c, Node *n, const char **why)
{
	Node *kids[7], *r;
	Vec *lists[9];
	if (!n || n->kind == ND_RAISE)
		return NULL;   /* raise E("literal"): it jumps to the finally, which unlocks */
	if ((*why = lock_body_why(c, n)))
		return n;
	if (n->kind == ND_ATTR && n->lhs->kind == ND_NAME)
		return NULL;   /* v.f: a field, read or stored through the value's pointer */
	kids[0] = n->lhs, kids[1] = n->rhs, kids[2] = n->third, kids[3] = n->test, kids[4] = n->value;
	kids[5] = n->target, kids[6] = n->iter;
	for (int i = 0; i < 7; i++)
		if (!(n->kind == ND_WITH && i == 2) && (r = lock_body_call(c, kids[i], why)))
			return r;
	for (int i = 0; i < n->nfparts; i++)
		if (n->fparts[i].is_expr && (r = lock_body_call(c, n->fparts[i].expr, why)))
			return r;
	lists[0] = &n->elts, lists[1] = &n->vals, lists[2] = &n->targets, lists[3] = &n->body, lists[4] = &n->orelse;
	lists[5] = &n->finalbody, lists[6] = &n->handlers, lists[7] = &n->items, lists[8] = &n->comps;
	for (int l = 0; l < 9; l++)
		for (int i = 0; i < lists[l]->len; i++)
			if ((r = lock_body_call(c, VEC_AT(*lists[l], i), why)))
				return r;
	return NULL;
}

/* Refuse what the verifier would in a lock's body s (the with statement) */
static void lock_body_checked(Checker *c, Node *s, const char *pyname)
{
	const char *why = NULL;
	Node *at = NULL;
	for (int i = 0; i < s->body.len && !at; i++)
		at = lock_body_call(c, VEC_AT(s->body, i), &why);
	if (!at)
		return;
	error_begin(node_loc(at), "%s while the lock is held: the verifier allows no helper or kfunc call between %s and "
		    "its unlock; do it before or after the with block", why, pyname);
	note_at(node_loc(s), "the lock is held from here to the end of the with block");
	diag_exit();
}

/* with bpf.spin_lock(m, k) as v: / with bpf_res_spin_lock(m, k) as v: */
void check_with_lock(Checker *c, Node *s, Node *call, Node *tg, int form)
{
	static const char *const pynames[] = {NULL, "bpf.spin_lock()", "bpf_res_spin_lock()", "bpf_res_spin_lock_irqsave()"};
	static const char *const kfuncs[][2] = {{NULL, NULL}, {NULL, NULL}, {"bpf_res_spin_lock", "bpf_res_spin_unlock"},
						{"bpf_res_spin_lock_irqsave", "bpf_res_spin_unlock_irqrestore"}};
	const char *pyname = pynames[form];
	Type *want = form == 1 ? &t_spin : &t_res, *t;
	Node *mn, *sub;
	Sym *y;
	MapDecl *m;
	if (form == 1 && !is_imported(c, "bpf"))
		unknown_name(c, call->lhs->lhs);
	if (call->elts.len != 2 || call->vals.len)
		error_at(node_loc(call), "%s takes a map and a key: with %.*s(m, k) as v:", pyname, (int)strlen(pyname) - 2, pyname);
	mn = VEC_AT(call->elts, 0);
	y = mn->kind == ND_NAME ? scope_find(c->scope, mn->name) : NULL;
	if (!y || y->kind != SYM_MAP || !is_lock_map(y->data) ||
	    VEC_AT(((MapDecl *)y->data)->type->val->elems, struct_lock_field(((MapDecl *)y->data)->type->val)) != want)
		error_at(node_loc(mn), "the first argument of %s is a map whose values are a Struct with a %s field, not %s",
			 pyname, want->sname, y && y->kind == SYM_MAP ? xasprintf("'%s' (%s values)", y->name,
										 ty_name(((MapDecl *)y->data)->type->val)) : ty_name(check_expr(c, mn)));
	if (lock_depth)
		error_at(node_loc(call), "another lock is held: the verifier allows one at a time");
	m = y->data;
	sub = synth_node(ND_SUBSCRIPT, call);
	sub->lhs = mn;
	sub->rhs = VEC_AT(call->elts, 1);
	lock_item_key(c, sub, m);
	call->third = sub;
	call->sym = y;
	call->op = '&';
	call->cval = form;
	use_lock_helper(c, call, "spin_lock");   /* the probe kinds that may hold one */
	if (form == 1) {
		use_lock_helper(c, call, "spin_unlock");
	} else {
		KBtf *k = need_btf(c, call->lhs);
		int lid = kbtf_find(k, kfuncs[form][0], BTF_KIND_FUNC), uid = kbtf_find(k, kfuncs[form][1], BTF_KIND_FUNC);
		if (lid <= 0 || uid <= 0)
			error_at(node_loc(call->lhs), "this kernel has no %s kfunc (Linux 6.15 added it)", kfuncs[form][0]);
		kfunc_prog_use(c, call->lhs, kfuncs[form][0]);
		use_kfunc(c, kfuncs[form][0], lid);
		use_kfunc(c, kfuncs[form][1], uid);
		call->raise = new_raise(c, call, "OSError");   /* -EDEADLK, -ETIMEDOUT: not locked */
	}
	t = xcalloc(1, sizeof(*t));
	*t = *m->type->val;
	t->inplace = true;
	lock_depth++;
	y = check_with_block(c, s, tg, t, '%', form, NULL);
	lock_depth--;
	y->ref = 2;   /* unlocked: using it after the block is an error */
	y->data = form == 3 ? "bpf_res_spin_lock_irqsave" : "bpf.spin_lock";   /* the first: emit.c's local_decl adds its flags */
	lock_body_checked(c, s, pyname);   /* with the body's types known */
}

/* The spin lock kfuncs, which pybpf calls only through the with statement */
bool lock_kfunc(const char *name)
{
	static const char *const names[] = {"bpf_res_spin_lock", "bpf_res_spin_unlock", "bpf_res_spin_lock_irqsave",
					    "bpf_res_spin_unlock_irqrestore", NULL};
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* bpf.spin_lock(...), bpf.spin_unlock(...), bpf_res_spin_lock(...) ... called as functions */
_Noreturn void lock_call_refused(Node *e, const char *name)
{
	bool res = !strncmp(name, "bpf_res_", 8), irq = strstr(name, "irq") != NULL;
	const char *with = !res ? "bpf.spin_lock" : irq ? "bpf_res_spin_lock_irqsave" : "bpf_res_spin_lock";
	error_at(node_loc(e), "%s%s() %s: write 'with %s(m, k) as v:' (m a Hash or an Array whose values are a Struct with "
		 "a %s field), whose end unlocks on every way out%s", res ? "" : "bpf.", res ? name : name + 4,
		 strstr(name, "unlock") ? "is called by the end of the with block that locked" : "takes a lock the verifier "
		 "wants released on every path", with, res ? "ResSpinLock" : "SpinLock",
		 irq ? " (and restores the interrupts it saved)" : "");
}

/* `pybpf api`'s lines for a spin lock kfunc: its signature and the region note */
const char *lock_api_sig(const char *name)
{
	bool irq = strstr(name, "irq") != NULL;
	const char *with = irq ? "bpf_res_spin_lock_irqsave" : "bpf_res_spin_lock";
	if (!strstr(name, "unlock"))
		return xasprintf("%s(m: Hash[K, S] | Array[S] (S a Struct with a ResSpinLock field), key: K) -> S  raises OSError "
				 "(EDEADLK, ETIMEDOUT: not locked), KeyError, IndexError\n    region: call it as 'with %s(m, k) "
				 "as v:' (v is the item m[k] itself, looked up once%s); the block's end unlocks on every way out; no "
				 "helper, kfunc or map inside", name, with, irq ? ", interrupts saved and disabled" : "");
	return xasprintf("%s(lock: ResSpinLock) -> None\n    region: the end of 'with %s(m, k) as v:' calls it", name, with);
}

/* `pybpf api`'s signature of helper bpf.spin_lock / bpf.spin_unlock, and its note (NULL: not one of them) */
const char *lock_helper_api(const char *name, const char **note)
{
	if (!strcmp(name, "bpf_spin_lock")) {
		*note = "locks: call it as 'with bpf.spin_lock(m, k) as v:' (v is the item m[k] itself, looked up once); the "
			"block's end unlocks on every way out; no helper, kfunc or map inside";
		return "bpf.spin_lock(m: Hash[K, S] | Array[S] (S a Struct with a SpinLock field), key: K) -> S  raises KeyError, "
		       "IndexError";
	}
	if (!strcmp(name, "bpf_spin_unlock")) {
		*note = "reached: the end of 'with bpf.spin_lock(m, k) as v:' calls it";
		return "bpf.spin_unlock(lock: SpinLock) -> None";
	}
	return NULL;
}
