/* check_timer.c — BPF timers from Python: Timer, bpf.timer_init(),
 * bpf.timer_set_callback(), bpf.timer_start(), bpf.timer_cancel() (issue 13).
 *
 *     timers: Array[Timer] = Array(1)       # values: struct bpf_timer in a struct
 *
 *     def on_fire(key: int) -> None:        # the kernel calls it with the timer's index
 *         bpf.timer_start(timers[key], 1000000, 0)   # may re-arm itself
 *
 *     @tp_btf("sys_enter")
 *     def arm(regs: ptr, id: int) -> None:
 *         bpf.timer_init(timers[0], CLOCK_MONOTONIC)
 *         bpf.timer_set_callback(timers[0], on_fire)
 *         bpf.timer_start(timers[0], 1000000, 0)
 *
 * The kernel keeps a timer only inside a map value (it finds the struct
 * bpf_timer field through the map's BTF), so Timer is only ever the value
 * type of an Array or a Hash (of integer keys), and a timer is only ever
 * named as timers[k], the first argument of the four helpers: the emitter
 * looks the value up (an index out of range raises IndexError, as a
 * list's does; a key a Hash does not hold KeyError, as a dict's) and
 * passes its address; timer_init gets the map itself, which the kernel
 * wants to be the timer's own (so Python leaves it out). A Hash's timers
 * are made by `timers[k] = Timer()` (which deletes the item first, so an
 * old timer is cancelled with it, then inserts a zeroed one: MapFullError
 * when full), tested with `k in timers` and freed with `del timers[k]`.
 * Anything else -- a local, a Struct field, another map kind's values,
 * timers[k] as a value -- is an error saying so.
 *
 * The callback is a plain def taking the key (`def f(key: int) -> None`),
 * compiled into a C function of its own (emit.c, as bpf.loop's): the
 * kernel calls it from a softirq with (map, &key, &value) and no caller
 * to hand an exception to, so an exception it does not catch is counted
 * as uncaught at its raise site, as in a probe; nor has it a probe context,
 * so ctx(), kstack() and ustack() there (or in a def it calls) are refused.
 *
 * The verifier refuses every map holding a bpf_timer in kprobe,
 * tracepoint, raw_tracepoint and perf_event programs ("tracing progs
 * cannot use bpf_timer yet", measured on 6.18): check_helpers.c's
 * prog_may_call says so for the timer helpers, so @tracepoint, @kprobe,
 * @kretprobe, @uprobe, @uretprobe, @usdt, @raw_tp, @profile and @interval
 * probes get a compile-time error (also through def helpers). @tp_btf,
 * @fentry, @fexit, @iter, @lsm, struct_ops, @begin and @end may.
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

static Type t_timer = {.kind = TY_TIMER, .size = 16, .sname = "Timer"};

/* The kernel objects that live only in a map value and call a def back
 * (a Wq is check_wq.c's, a TaskWork check_task_work.c's): all TY_TIMER */
static const AsyncObj objs[] = {
	{"Timer", "timers", "timers", "a Timer (the kernel's struct bpf_timer)",
	 "bpf.timer_init(), bpf.timer_set_callback(), bpf.timer_start() and bpf.timer_cancel()",
	 "the bpf.timer_*() helpers", "timer", &t_timer},
	{"Wq", "work queues", "wqs", "a Wq (the kernel's struct bpf_wq, a work queue)",
	 "bpf_wq_init(), bpf_wq_set_callback() and bpf_wq_start()",
	 "bpf_wq_init(), bpf_wq_set_callback() and bpf_wq_start()", "work queue", &ty_wq},
	{"TaskWork", "task works", "works", "a TaskWork (the kernel's struct bpf_task_work)",
	 "bpf_task_work_schedule_signal() and bpf_task_work_schedule_resume()",
	 "bpf_task_work_schedule_signal() and bpf_task_work_schedule_resume()", "task work", &ty_task_work},
};

static const AsyncObj *hash_value_obj;   /* the last timer_value_type's, for timer_hash_key's message */

/* The program types whose programs may not use a map holding a bpf_timer
 * or a bpf_wq: the verifier's is_tracing_prog_type ("tracing progs cannot
 * use bpf_timer yet", "... bpf_wq yet", measured on 6.18) */
bool async_refused_in(const char *prog)
{
	static const char *const refused[] = {"kprobe", "tracepoint", "raw_tracepoint", "perf_event", NULL};
	for (int i = 0; refused[i]; i++)
		if (!strcmp(refused[i], prog))
			return true;
	return false;
}

/* The object t is (a TY_TIMER type), or the one named n (NULL: neither) */
const AsyncObj *async_obj(Type *t, const char *n)
{
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (t ? t == objs[i].type : n && !strcmp(n, objs[i].name))
			return &objs[i];
	return NULL;
}

/* Where a Timer or a Wq may be: the value type of an Array, nothing else */
static const char *only_in_maps(const AsyncObj *o)
{
	return xasprintf("%s lives only in the values of an Array or a Hash map (%s: Array[%s] = Array(N), or "
			 "Hash[K, %s]), which the kernel finds it in; pass it to %s as %s[k]", o->what, o->var, o->name,
			 o->name, o->helpers, o->var);
}

/* Array[Timer], Hash[K, Wq]: the value type of an Array or Hash map; NULL
 * when n is neither Timer nor Wq */
Type *timer_value_type(Checker *c, Node *n, MapKind kind)
{
	const AsyncObj *o = n->kind == ND_NAME ? async_obj(NULL, n->name) : NULL;
	if (!o)
		return NULL;
	if (!is_imported(c, o->name))
		unknown_name(c, n);
	hash_value_obj = o;
	if (kind != MAP_ARRAY && kind != MAP_HASH)
		error_at(node_loc(n), "%s %s cannot hold %s: %s%s", strchr("AEIOUL", map_kind_names[kind][0]) ? "an" : "a",
			 map_kind_names[kind], o->plural, only_in_maps(o),
			 kind == MAP_LRU_HASH ? xasprintf(" (an LRUHash drops items, and so their %s, to make room)", o->plural) :
			 kind == MAP_PERCPU_ARRAY || kind == MAP_PERCPU_HASH || kind == MAP_LRU_PERCPU_HASH ?
			 xasprintf(" (the kernel refuses %s in per-CPU maps)", o->plural) : "");
	return o->type;
}

/* Hash[K, Timer]: K an integer type (the callback's key is an int) */
void timer_hash_key(Node *kn, Type *key)
{
	if (key->kind != TY_FIXED)
		error_at(node_loc(kn), "the key of a Hash of %s is an integer type (the %s's callback gets it as an int), "
			 "not %s", hash_value_obj->plural, hash_value_obj->one, ty_name(key));
}

/* Timer or Wq anywhere a type is written but an Array's value type */
void timer_misplaced(Checker *c, Node *n)
{
	const AsyncObj *o = n->kind == ND_NAME ? async_obj(NULL, n->name) : NULL;
	if (!o || !is_imported(c, n->name))
		return;
	error_at(node_loc(n), "%s cannot be used here: %s; a local, a Struct field, a tuple item or another map's "
		 "value cannot be one", o->name, only_in_maps(o));
}

static bool key_only;   /* checking the key of `k in m`, `del m[k]`, `m[k] = Timer()` or a timer argument */

/* m[k] of a map of timers anywhere but as the timer argument of a
 * bpf.timer_*() call, `k in m`, `del m[k]` and `m[k] = Timer()` (Hash) */
void timer_map_refused(Node *sub, MapDecl *m)
{
	const AsyncObj *o = async_obj(m->type->val, NULL);
	if (!o || key_only)
		return;
	error_at(node_loc(sub), "'%s' holds %s: %s[k] is a %s, which can only be the first argument of %s%s", m->name,
		 o->plural, m->name, o->name, o->funcs,
		 m->type->map_kind == MAP_HASH ? xasprintf(" (a Hash's are created with %s[k] = %s(), tested with 'k in "
							   "%s' and freed with del %s[k])", m->name, o->name, m->name, m->name)
					       : " (it has no value to read, store, test or delete)");
}

/* The key of `k in m`, `del m[k]`: a Hash of timers may be asked (check_map_key otherwise) */
void check_key_only(Checker *c, Node *sub, MapDecl *m)
{
	if (m->type->map_kind != MAP_HASH)
		return check_map_key(c, sub, m);
	key_only = true;
	lock_key_only(true);   /* a Hash of locked values too (check_lock.c) */
	check_map_key(c, sub, m);
	lock_key_only(false);
	key_only = false;
}

/* timers[k] = Timer(): a new timer for k in a Hash of timers (replacing,
 * and so cancelling, the one it had); MapFullError when full. s->op 'J'.
 * False when s is not a store into a map of timers. */
bool check_timer_store(Checker *c, Node *s)
{
	Node *tg = VEC_AT(s->targets, 0), *v = s->value;
	Sym *y = tg->kind == ND_SUBSCRIPT && tg->lhs->kind == ND_NAME ? scope_find(c->scope, tg->lhs->name) : NULL;
	const AsyncObj *o;
	MapDecl *m;
	if (s->targets.len != 1 || !y || y->kind != SYM_MAP || !(o = async_obj(((MapDecl *)y->data)->type->val, NULL)))
		return false;
	m = y->data;
	if (m->type->map_kind != MAP_HASH)
		error_at(node_loc(tg), "'%s' is an Array of %s: its N %s exist from the start, and %s[i] is used only "
			 "through %s", m->name, o->plural, o->plural, m->name, o->helpers);
	if (v->kind != ND_CALL || v->lhs->kind != ND_NAME || strcmp(v->lhs->name, o->name) || scope_find(c->scope, o->name) ||
	    v->elts.len || v->vals.len)
		error_at(node_loc(v), "an item of '%s' is a %s: store a new one with %s[k] = %s()", m->name, o->name, m->name,
			 o->name);
	check_key_only(c, tg, m);
	no_write_while_iterating(c, tg, m, "assigning to an item of");
	tg->raise = new_raise(c, tg, "MapFullError");
	v->type = o->type;
	s->op = 'J';
	return true;
}

/* Timer() and the clock constants of bpf.timer_init's flags */
static const struct {
	const char *name;
	int value;
} clocks[] = {{"CLOCK_REALTIME", 0}, {"CLOCK_MONOTONIC", 1}, {"CLOCK_BOOTTIME", 7}};

Sym *timer_clock_const(Checker *c, Node *e)
{
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++)
		if (!strcmp(clocks[i].name, e->name) && is_imported(c, e->name)) {
			ConstDecl *k = xcalloc(1, sizeof(*k));
			Sym *y = xcalloc(1, sizeof(*y));
			k->name = clocks[i].name;
			k->type = ty_int;
			k->value = k->src_value = clocks[i].value;
			k->cname = xasprintf("((__s64)%d)", clocks[i].value);
			y->kind = SYM_CONST;
			y->name = k->name;
			y->cname = k->cname;
			y->type = ty_int;
			y->data = k;
			return y;
		}
	return NULL;
}

/* The timer argument: timers[i] of an Array[Timer] (a Wq's: wqs[i] of an
 * Array[Wq], o the Wq) */
MapDecl *timer_arg(Checker *c, Node *a, const char *pyname, const AsyncObj *o)
{
	Sym *y = a->kind == ND_SUBSCRIPT && a->lhs->kind == ND_NAME ? scope_find(c->scope ? c->scope : &c->module,
										 a->lhs->name) : NULL;
	MapDecl *m;
	if (!y || y->kind != SYM_MAP || ((MapDecl *)y->data)->type->val != o->type)
		error_at(node_loc(a), "the %s argument of %s is %s: %s[k] of a map declared "
			 "'%s: Array[%s] = Array(N)' or '%s: Hash[K, %s] = Hash(max_entries=N)'%s",
			 o->type == &ty_task_work ? "second" : "first", pyname,   /* after the task (check_task_work.c) */
			 xasprintf("a %s", o->one), o->var, o->var, o->name, o->var, o->name,
			 y && y->kind == SYM_MAP ? xasprintf(", and '%s' holds %s values", y->name,
								ty_name(((MapDecl *)y->data)->type->val)) : "");
	m = y->data;
	a->lhs->sym = y;
	a->lhs->type = m->type;
	a->type = o->type;
	if (m->type->map_kind == MAP_HASH) {   /* a dict's item: KeyError when missing */
		check_key_only(c, a, m);
		a->raise = new_raise(c, a, "KeyError");
		return m;
	}
	/* a list's index: -N <= i < N, else IndexError */
	need_int(c, a->rhs, xasprintf("the index of '%s'", m->name));
	a->rhs->store_raise = new_raise(c, a->rhs, "IndexError");
	return m;
}

/* A call of ctx(), kstack() or ustack() in n, or in a def it calls
 * (seen: the defs already walked), or NULL */
static Node *ctx_use(Checker *c, Node *n, Vec *seen)
{
	Node *kids[7], *r;
	Vec *lists[9];
	if (!n)
		return NULL;
	if (n->kind == ND_CALL && n->lhs->kind == ND_NAME) {
		Sym *y = scope_find(&c->module, n->lhs->name);
		if (!y && (!strcmp(n->lhs->name, "ctx") || !strcmp(n->lhs->name, "kstack") || !strcmp(n->lhs->name, "ustack")))
			return n;
		if (y && y->kind == SYM_FUNC) {
			bool walked = false;
			for (int i = 0; i < seen->len; i++)
				walked |= VEC_AT(*seen, i) == y;
			if (!walked) {
				vec_push(seen, y);
				if ((r = ctx_use(c, ((FuncDecl *)y->data)->def, seen)))
					return r;
			}
		}
	}
	kids[0] = n->lhs, kids[1] = n->rhs, kids[2] = n->third, kids[3] = n->test, kids[4] = n->value;
	kids[5] = n->target, kids[6] = n->iter;
	for (int i = 0; i < 7; i++)
		if ((r = ctx_use(c, kids[i], seen)))
			return r;
	for (int i = 0; i < n->nfparts; i++)
		if (n->fparts[i].is_expr && (r = ctx_use(c, n->fparts[i].expr, seen)))
			return r;
	lists[0] = &n->elts, lists[1] = &n->vals, lists[2] = &n->targets, lists[3] = &n->body, lists[4] = &n->orelse;
	lists[5] = &n->finalbody, lists[6] = &n->handlers, lists[7] = &n->items, lists[8] = &n->comps;
	for (int l = 0; l < 9; l++)
		for (int i = 0; i < lists[l]->len; i++)
			if ((r = ctx_use(c, VEC_AT(*lists[l], i), seen)))
				return r;
	return NULL;
}

/* bpf.timer_set_callback(t, f), bpf_wq_set_callback(w, f, 0): f is `def
 * f(key: int) -> None`; who: "a timer", "a work queue"; from: where the
 * kernel calls it ("a softirq") */
void timer_callback(Checker *c, Node *e, Node *fn, const char *pyname, const char *who, const char *from)
{
	static const char *const args[] = {"__pyb_cbk"};
	Sym *y = fn->kind == ND_NAME ? scope_find(c->scope ? c->scope : &c->module, fn->name) : NULL;
	FuncDecl *fd;
	if (!y || y->kind != SYM_FUNC)
		error_at(node_loc(fn), "the %s argument of %s is the function %s calls: the name of a def",
			 !strcmp(who, "a task work") ? "third" : "second", pyname, who);
	fd = y->data;
	if (fd->ptypes.len != 1 || ((Type *)VEC_AT(fd->ptypes, 0))->kind != TY_INT || fd->ret->kind != TY_NONE) {
		Str got = {0};
		for (int i = 0; i < fd->ptypes.len; i++)
			str_printf(&got, "%s%s", i ? ", " : "", ty_name(VEC_AT(fd->ptypes, i)));
		error_at(node_loc(fn), "%s calls %s(key) with its key, an int, and wants None back: declare it "
			 "'def %s(key: int) -> None:', not (%s) -> %s", who, fd->name, fd->name, got.buf ? got.buf : "",
			 ty_name(fd->ret));
	}
	{
		Vec seen = {0};
		Node *u = ctx_use(c, fd->def, &seen);
		if (u) {
			error_begin(node_loc(u), "%s() has no probe context here: %s calls %s() from %s, with no "
				    "probe's context to pass on (ctx(), kstack() and ustack() need one)", u->lhs->name, who,
				    fd->name, from);
			note_at(node_loc(fn), "%s() is the callback of this %s", fd->name, who + 2);
			diag_exit();
		}
	}
	callback_call(c, e, fd, fn, args, 1);
}

/* bpf.timer_init(t, flags), bpf.timer_set_callback(t, f),
 * bpf.timer_start(t, nsecs, flags), bpf.timer_cancel(t) */
Type *check_timer_call(Checker *c, Node *e)
{
	const char *name = e->lhs->name, *pyname = xasprintf("bpf.%s()", name);
	const struct pyb_helper *h = pyb_helper_find(xasprintf("bpf_%s", name));
	int want = !strcmp(name, "timer_cancel") ? 1 : !strcmp(name, "timer_start") ? 3 : 2;
	MapDecl *m;
	if (!h)
		ICE("helper bpf_%s missing from helpers/helpers_gen.c", name);
	if (e->vals.len || e->elts.len != want)
		error_at(node_loc(e), "%s takes %d argument%s: %s", pyname, want, want == 1 ? "" : "s",
			 !strcmp(name, "timer_init") ? "bpf.timer_init(timers[i], CLOCK_MONOTONIC)" :
			 !strcmp(name, "timer_start") ? "bpf.timer_start(timers[i], nsecs, flags)" :
			 !strcmp(name, "timer_cancel") ? "bpf.timer_cancel(timers[i])" : "bpf.timer_set_callback(timers[i], function)");
	m = timer_arg(c, VEC_AT(e->elts, 0), pyname, &objs[0]);
	e->raise = new_raise(c, e, "OSError");   /* the errno rule: every timer helper returns -errno */
	if (!strcmp(name, "timer_set_callback")) {
		timer_callback(c, e, VEC_AT(e->elts, 1), "bpf.timer_set_callback()", "a timer", "a softirq");
		new_raise(c, e, "OverflowError");      /* e->raise + 1: in the callback, a u64 key above 2**63-1 */
	}
	for (int i = 1; i < e->elts.len && strcmp(name, "timer_set_callback"); i++) {
		Node *a = VEC_AT(e->elts, i);
		const char *what = xasprintf("argument '%s' of %s", i == 1 && want == 3 ? "nsecs" : "flags", pyname);
		Type *t = check_expr(c, a);
		if (t->kind != TY_INT && t->kind != TY_BOOL && t->kind != TY_FIXED)
			error_at(node_loc(a), "%s must be an int (u64), not %s", what, ty_name(t));
		check_store(c, a, t, ty_fixed(8, false), what);
	}
	e->sym = scope_find(&c->module, m->name);
	e->cval = h - pyb_helpers;
	e->op = 'J';
	use_helper(c, e);
	return ty_int;
}

/* Timer(...) or Wq(...) as a value */
_Noreturn void timer_ctor_refused(Node *e)
{
	const AsyncObj *o = async_obj(NULL, e->lhs->name);
	error_at(node_loc(e), "%s() is not a value: %s (an Array's %s exist from the start; a Hash's are "
		 "created with %s[k] = %s())", o->name, only_in_maps(o), o->plural, o->var, o->name);
}
