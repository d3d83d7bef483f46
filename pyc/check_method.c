/* check_method.c — method calls: X.name(...) where X is not a module.
 *
 * f.read(n) on a file from `with open(...)`, agg.add(x) and m[k].add(x) on
 * aggregations, m.clear() and m.get(k[, default]) on any map, the methods
 * of the other map kinds (q.append(x), q.popleft(), st.pop(),
 * events.output(rec), bloom.add(x), sl.add(x), sl.first(),
 * sl.pop_first()), and s.startswith(x) / s.endswith(x) on a str. Which
 * probe kinds may use a SortedList, a Queue, a Stack or a BloomFilter is
 * checked here too (need_rbtree_probe, need_nonsleepable).
 */
#include "check_int.h"

#include <string.h>

/* s.startswith(x), s.endswith(x) */
static Type *check_str_method(Checker *c, Node *e, Type *st)
{
	Node *f = e->lhs;
	Type *at;
	(void)st;
	if (strcmp(f->name, "startswith") && strcmp(f->name, "endswith"))
		error_at(node_loc(f), "str has no method '%s' in pybpf (strings support startswith, endswith, len, [i] and [a:b])",
			 f->name);
	if (e->elts.len != 1 || e->vals.len)
		error_at(node_loc(e), "%s() takes one string in pybpf", f->name);
	at = check_expr(c, VEC_AT(e->elts, 0));
	if (at->kind != TY_STR)
		error_at(node_loc(VEC_AT(e->elts, 0)), "%s first arg must be str, not %s", f->name, ty_name(at));
	e->op = f->name[0];   /* 's' or 'e' */
	return ty_bool;
}

/* The probe kinds whose programs may hold a bpf_spin_lock and own
 * bpf_obj_new objects: what a SortedList (a BPF red-black tree) needs. */
void need_rbtree_probe(Checker *c, Node *at, MapDecl *m)
{
	static const char *const ok[] = {"tp_btf", "fentry", "fexit", "lsm", "begin", "end", "struct_ops"};
	if (!c->probe)
		error_at(node_loc(at), "'%s' is a SortedList: use it inside a probe", m->name);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(c->probe->kind, ok[i]))
			return;
	error_at(node_loc(at), "'%s' is a SortedList (a BPF red-black tree), which the kernel allows only in @tp_btf, "
		 "@fentry, @fexit, @lsm, @begin, @end and struct_ops methods, not in @%s probes", m->name, c->probe->kind);
}

/* q.append(x), bloom.add(x), sl.add(x): one value of the map's value type,
 * a statement; a full map raises MapFullError. op: the emitter's form. */
static Type *check_insert_method(Checker *c, Node *e, MapDecl *m, const char *meth, bool stmt, int op)
{
	if (e->elts.len != 1 || e->vals.len)
		error_at(node_loc(e), "%s.%s() takes one value", m->name, meth);
	Node *a = VEC_AT(e->elts, 0);
	check_store(c, a, check_expr(c, a), m->type->val, xasprintf("a value of '%s'", m->name));
	if (!stmt)
		error_at(node_loc(e), "%s() returns None; call it as a statement", meth);
	e->raise = new_raise(c, e, "MapFullError");
	e->op = op;
	return ty_none;
}

/* sl.add(x), sl.first(), sl.pop_first() */
static Type *check_sortedlist_method(Checker *c, Node *e, MapDecl *m, const char *meth, bool stmt)
{
	need_rbtree_probe(c, e->lhs, m);
	if (!strcmp(meth, "add")) {
		e->cval = 0;
		return check_insert_method(c, e, m, meth, stmt, 'r');
	}
	if (!strcmp(meth, "first") || !strcmp(meth, "pop_first")) {
		if (e->elts.len || e->vals.len)
			error_at(node_loc(e), "%s.%s() takes no arguments", m->name, meth);
		e->raise = new_raise(c, e, "IndexError");
		new_raise(c, e, "OverflowError");   /* a u64 above 2**63-1 */
		e->op = 'r';
		e->cval = meth[0] == 'f' ? 1 : 2;
		return ty_int;
	}
	error_at(node_loc(e->lhs), "%s has no method '%s' (a SortedList has add(), first(), pop_first() and len())",
		 ty_name(m->type), meth);
}

/* @begin and @end run as sleepable programs, which the kernel lets use
 * only hash, array and ring buffer maps; a sleepable uprobe too, where
 * 6.18 also took a Queue and a Stack (measured), not a BloomFilter nor an
 * LPMTrie ("Sleepable programs can only use array, hash, ringbuf and
 * local storage maps"). */
void need_nonsleepable(Checker *c, Node *at, MapDecl *m)
{
	MapKind k = m->type->map_kind;
	if (c->probe && (!strcmp(c->probe->kind, "begin") || !strcmp(c->probe->kind, "end")))
		error_at(node_loc(at), "'%s' is a %s, which the kernel does not allow in @%s (it runs as a sleepable program; "
			 "those may use only hash, array and ring buffer maps)", m->name, map_kind_names[k],
			 c->probe->kind);
	if (c->probe && c->probe->sleepable && (k == MAP_BLOOM || k == MAP_LPM))
		error_at(node_loc(at), "'%s' is a %s, which the kernel does not allow in a sleepable probe (those may use "
			 "only hash, array, queue, stack, ring buffer and local storage maps)", m->name, map_kind_names[k]);
}

/* q.append(x), q.popleft(), st.pop(), events.output(rec), bloom.add(x), sl.first() */
static Type *check_map_method(Checker *c, Node *e, Sym *ms, bool stmt)
{
	MapDecl *m = ms->data;
	MapKind k = m->type->map_kind;
	const char *meth = e->lhs->name;
	if (k == MAP_QUEUE || k == MAP_STACK || k == MAP_BLOOM)
		need_nonsleepable(c, e->lhs, m);
	e->lhs->lhs->sym = ms;
	e->sym = ms;
	if (k == MAP_RINGBUF && !strcmp(meth, "output")) {
		Type *t;
		if (e->elts.len != 1 || e->vals.len)
			error_at(node_loc(e), "%s.output() takes one %s", m->name, ty_name(m->type->val));
		t = check_expr(c, VEC_AT(e->elts, 0));
		if (t != m->type->val)
			error_at(node_loc(VEC_AT(e->elts, 0)), "%s carries %s records, not %s", m->name, ty_name(m->type->val), ty_name(t));
		if (!stmt)
			error_at(node_loc(e), "output() returns None; call it as a statement");
		e->op = 'o';
		return ty_none;
	}
	if ((k == MAP_QUEUE || k == MAP_STACK) && !strcmp(meth, "append")) {
		return check_insert_method(c, e, m, meth, stmt, 'p');
	}
	if ((k == MAP_QUEUE && !strcmp(meth, "popleft")) || (k == MAP_STACK && !strcmp(meth, "pop"))) {
		if (e->elts.len || e->vals.len)
			error_at(node_loc(e), "%s.%s() takes no arguments", m->name, meth);
		e->raise = new_raise(c, e, "IndexError");
		new_raise(c, e, "OverflowError");   /* a u64 above 2**63-1 */
		e->op = 'P';
		return ty_int;
	}
	if (k == MAP_BLOOM && !strcmp(meth, "add")) {
		return check_insert_method(c, e, m, meth, stmt, 'p');
	}
	if (k == MAP_SORTEDLIST)
		return check_sortedlist_method(c, e, m, meth, stmt);
	if (k == MAP_QUEUE && !strcmp(meth, "pop"))
		error_at(node_loc(e->lhs), "'%s' is a Queue (first in, first out): take values with popleft()", m->name);
	if (k == MAP_STACK && !strcmp(meth, "popleft"))
		error_at(node_loc(e->lhs), "'%s' is a Stack (last in, first out): take values with pop()", m->name);
	error_at(node_loc(e->lhs), "%s has no method '%s'", ty_name(m->type), meth);
}

/* m[k].add(x) / agg.add(x) on an aggregation */
static Type *check_agg_add(Checker *c, Node *e, Node *target, MapDecl *m)
{
	Type *v = m->type->val;
	int want = v->agg == AGG_COUNT ? 0 : 1;
	if (e->vals.len || e->elts.len != want)
		error_at(node_loc(e), "%s.add() takes %s", agg_names[v->agg], want ? "one int" : "no arguments");
	if (want)
		need_int(c, VEC_AT(e->elts, 0), xasprintf("the argument of %s.add()", agg_names[v->agg]));
	if (target)
		check_map_key(c, target, m);
	no_write_while_iterating(c, e, m, "adding to");
	e->raise = new_raise(c, e, "MapFullError");
	new_raise(c, e, "OverflowError");    /* a sum that leaves 64 bits */
	e->op = 'a';
	e->rhs = target ? target->rhs : NULL;   /* the key */
	e->sym = scope_find(c->scope, m->name);
	return ty_none;
}

/* f.read(n): up to n bytes of the file opened by `with open(...) as f` */
static Type *check_file_read(Checker *c, Node *e, Sym *fs)
{
	Node *f = e->lhs;
	int64_t n;
	if (fs->data)
		error_at(node_loc(f->lhs), "'%s' was closed when its with block ended", f->lhs->name);
	if (strcmp(f->name, "read"))
		error_at(node_loc(f), "a file in pybpf has one method, read(n)");
	if (e->elts.len != 1 || e->vals.len || !const_int(c, VEC_AT(e->elts, 0), &n) || n < 1 || n > 4095)
		error_at(node_loc(e), "read() takes the number of bytes to read, a constant from 1 to 4095");
	f->lhs->sym = fs;
	use_module_kfunc(c, e, "pybpf_file_read", "read()");
	e->raise = new_raise(c, e, "OSError");
	e->op = 'R';
	e->cval = n;
	return ty_str((int)n + 1);
}

/* lat[k].add(x): as, a map whose values are aggregations */
static Type *check_keyed_agg_add(Checker *c, Node *e, Sym *as, bool stmt)
{
	Node *f = e->lhs;
	if (strcmp(f->name, "add"))
		error_at(node_loc(f), "an aggregation has one method, add()");
	if (!stmt)
		error_at(node_loc(e), "add() returns None; call it as a statement");
	if (((MapDecl *)as->data)->unkeyed)
		error_at(node_loc(f->lhs), "'%s' has no key: write %s.add(...)", as->name, as->name);
	f->lhs->lhs->sym = as;
	return check_agg_add(c, e, f->lhs, as->data);
}

/* m.clear(): every key deleted */
static Type *check_map_clear(Checker *c, Node *e, Sym *ms, bool stmt)
{
	Node *f = e->lhs;
	if (((MapDecl *)ms->data)->type->map_kind == MAP_RINGBUF)
		error_at(node_loc(f), "a RingBuf cannot be cleared");
	if (((MapDecl *)ms->data)->type->map_kind == MAP_BLOOM)
		error_at(node_loc(f), "a BloomFilter cannot be cleared (the kernel's bloom filter has no delete)");
	if (((MapDecl *)ms->data)->type->map_kind == MAP_SORTEDLIST)
		error_at(node_loc(f), "a SortedList is emptied with pop_first()");
	if (e->elts.len || e->vals.len)
		error_at(node_loc(e), "clear() takes no arguments");
	if (!stmt)
		error_at(node_loc(e), "clear() returns None; call it as a statement");
	no_write_while_iterating(c, e, ms->data, "clearing");
	f->lhs->sym = ms;
	e->sym = ms;
	e->op = 'C';
	return ty_none;
}

/* d.get(key, default): the value, or default when key is missing */
static Type *check_map_get(Checker *c, Node *e, MapDecl *m)
{
	Type *dt;
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "%s.get() takes no keyword arguments", m->name);
	if (e->elts.len == 1) {
		/* d.get(key): the value, or None: an Optional[int] to check */
		e->rhs = VEC_AT(e->elts, 0);
		check_map_key(c, e, m);
		e->raise = new_raise(c, e, "OverflowError");
		e->op = 'g';
		return &t_opt;
	}
	if (e->elts.len != 2)
		error_at(node_loc(e), "%s.get() takes a key and a default", m->name);
	/* reuse check_map_key: it reads the key from ->rhs */
	e->rhs = VEC_AT(e->elts, 0);
	check_map_key(c, e, m);
	dt = check_expr(c, VEC_AT(e->elts, 1));
	if (!is_intlike(dt))
		error_at(node_loc(VEC_AT(e->elts, 1)), "the default of %s.get() must be an int, not %s", m->name, ty_name(dt));
	e->raise = new_raise(c, e, "OverflowError");  /* u64 value above 2**63-1 */
	e->op = 'g';
	return ty_int;
}

/* m.NAME(...) on a module-level map ms */
static Type *check_map_call(Checker *c, Node *e, Sym *ms, bool stmt)
{
	Node *f = e->lhs;
	MapDecl *m = ms->data;
	if (m->unkeyed && !strcmp(f->name, "add")) {
		if (!stmt)
			error_at(node_loc(e), "add() returns None; call it as a statement");
		f->lhs->sym = ms;
		return check_agg_add(c, e, NULL, m);
	}
	if (MAP_IS_STORAGE(m->type->map_kind)) {
		if (!strcmp(f->name, "get"))
			return check_map_get(c, e, m);
		error_at(node_loc(f), "a %s has get() and the operators [], in, del, +=; it has no method '%s'%s",
			 map_kind_names[m->type->map_kind], f->name, strcmp(f->name, "clear") ? "" :
			 xasprintf(" (its items cannot be listed, so they cannot all be deleted: each goes with its %s)",
				   storage_owner(m->type->map_kind)));
	}
	perf_map_refused(f, m);   /* check_perf.c */
	user_ringbuf_refused(f, m);   /* check_userrb.c */
	if (!strcmp(f->name, "clear"))
		return check_map_clear(c, e, ms, stmt);
	if (m->type->map_kind >= MAP_ARRAY)
		return check_map_method(c, e, ms, stmt);
	if (!strcmp(f->name, "get"))
		return check_map_get(c, e, m);
	error_at(node_loc(f), "%s has no method '%s' (maps support get, and the operators [], in, del, +=)",
		 ty_name(ms->type), f->name);
}

Type *check_method_call(Checker *c, Node *e, bool stmt)
{
	Node *f = e->lhs;
	Sym *ms = f->lhs->kind == ND_NAME && c->scope ? scope_find(c->scope, f->lhs->name) : NULL;
	Type *t;

	if (ms && ms->kind == SYM_LOCAL && ms->type->kind == TY_FILE)
		return check_file_read(c, e, ms);
	if (f->lhs->kind == ND_SUBSCRIPT && f->lhs->lhs->kind == ND_NAME && c->scope) {
		Sym *as = scope_find(c->scope, f->lhs->lhs->name);
		if (as && as->kind == SYM_MAP && ((MapDecl *)as->data)->type->val->kind == TY_AGG)
			return check_keyed_agg_add(c, e, as, stmt);
	}
	if (ms && ms->kind == SYM_MAP)
		return check_map_call(c, e, ms, stmt);
	t = check_expr(c, f->lhs);
	if (t->kind == TY_STR)
		return check_str_method(c, e, t);
	if (t->kind == TY_CTX || t->kind == TY_PACKET)
		return check_packet_method(c, e, t, stmt);   /* check_packet.c */
	error_at(node_loc(f), "%s has no method '%s'", ty_name(t), f->name);
}
