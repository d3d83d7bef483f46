/* check_tailcall.c — tail calls from Python: ProgArray and bpf.tail_call()
 * (issue 13).
 *
 *     @tracepoint("syscalls/sys_enter_getppid")
 *     def on_even(args) -> None:            # a handler: loaded, never attached
 *         print("even")
 *
 *     handlers: ProgArray = ProgArray([on_even, on_odd])   # BPF_MAP_TYPE_PROG_ARRAY
 *
 *     @tracepoint("syscalls/sys_enter_getppid")
 *     def dispatch(args) -> None:
 *         bpf.tail_call(ctx(), handlers, i)  # like os.exec: does not return
 *         print("no program at index i")    # runs only when there is none
 *
 * A ProgArray lists probe functions defined above it (Python runs the module
 * top to bottom); a probe listed in one is a program of its own that the
 * loader loads but does not attach: it runs only when tail-called, with the
 * caller's context, so its args are the caller's. libbpf fills the array
 * after the load from the map's `.values` (emit.c, emit_prog_arrays).
 *
 * The kernel wants every program of one array, and every program calling
 * through it, of one program type (bpf_prog_map_compatible; for tracing
 * programs also the same attach function). pybpf asks more, in Python's
 * terms: the handler reads the caller's context with its own parameters, so
 * caller and handlers are probes of the same decorator and the same attach
 * point. On success the call does not return (the rest of the caller, its
 * finally blocks included, never runs, as after os.execv); without a
 * program at the index, or after 33 tail calls in a chain (the kernel's
 * MAX_TAIL_CALL_CNT), it returns None and the caller goes on. The helper's
 * return value cannot be read (the verifier marks it RET_VOID), so there is
 * no errno to raise OSError with.
 *
 * Refused, with the reason: a tail call in a def (inlined, or a bpf.loop /
 * bpf.for_each_map_elem / timer callback, a BPF subprogram, where the
 * kernel would run the handler in place of that function only and return
 * to its caller), inside a with block (the verifier refuses a tail call
 * holding a reference: 'tail_call would lead to reference leak'), inside a
 * for loop (an open-coded iterator holds one too; both measured on 6.18
 * with the checks taken out). A probe that tail-calls
 * is never split into subprograms (emit.c), for the same reason.
 */
#include "check_int.h"

#include <string.h>

/* the probe kinds whose tail calls pybpf has loaded and run (tests/runtime_tail_call.py);
 * kprobes cannot load here, and the others are not tested yet */
static const char *const tail_kinds[] = {"tracepoint", "raw_tp", "tp_btf", NULL};
#define TAIL_KINDS "@tracepoint, @raw_tp and @tp_btf"

typedef struct TailSite {
	Node *call, *mapname;
	MapDecl *m;
	Probe *caller;
} TailSite;

static Vec sites;   /* TailSite*: every bpf.tail_call() of the program */

static bool tail_kind_ok(const char *kind)
{
	for (int i = 0; tail_kinds[i]; i++)
		if (!strcmp(tail_kinds[i], kind))
			return true;
	return false;
}

/* handlers: ProgArray = ProgArray([f, g, ...]) */
void declare_prog_array(Checker *c, Node *s)
{
	Node *ann = s->annotation, *val = s->value, *list;
	MapDecl *m = xcalloc(1, sizeof(*m));
	Type *t = xcalloc(1, sizeof(*t));
	if (!is_imported(c, "ProgArray"))
		unknown_name(c, ann->kind == ND_NAME ? ann : ann->lhs);
	if (ann->kind != ND_NAME)
		error_at(node_loc(ann), "ProgArray takes no type: its items are probe functions, as in "
			 "'handlers: ProgArray = ProgArray([on_open, on_read])'");
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || strcmp(val->lhs->name, "ProgArray") ||
	    val->elts.len != 1 || val->vals.len || ((Node *)VEC_AT(val->elts, 0))->kind != ND_LIST ||
	    !((Node *)VEC_AT(val->elts, 0))->elts.len)
		error_at(node_loc(val ? val : s), "write '%s: ProgArray = ProgArray([probe, ...])': a list of the probe "
			 "functions that bpf.tail_call() runs by index", s->target->name);
	list = VEC_AT(val->elts, 0);
	for (int i = 0; i < list->elts.len; i++) {
		Node *n = VEC_AT(list->elts, i);
		Sym *y = n->kind == ND_NAME ? scope_find(&c->module, n->name) : NULL;
		if (!y || y->kind != SYM_PROBE)
			error_at(node_loc(n), "item %d of ProgArray '%s' is not a probe function: a tail call runs a program, "
				 "so each item is the name of a probe (a def with a probe decorator such as @tracepoint) "
				 "defined above%s", i, s->target->name,
				 !y ? xasprintf("; '%s' is not defined above this line", n->kind == ND_NAME ? n->name : "it")
				    : y->kind == SYM_FUNC ? xasprintf("; '%s' is a plain def, which has no program of its "
									   "own (pybpf inlines it)", n->name)
								: xasprintf("; '%s' is not a function", n->name));
		vec_push(&m->progs, n);
	}
	t->kind = TY_MAP;
	t->map_kind = MAP_PROG_ARRAY;
	t->key = ty_fixed(4, false);
	t->val = ty_fixed(4, false);
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	m->max_entries = (uint32_t)list->elts.len;
	register_map(c, s, m);
}

/* m[k], k in m, del m[k], len(m)... of a ProgArray: an error */
void prog_array_refused(Node *sub, MapDecl *m)
{
	if (m->type->map_kind != MAP_PROG_ARRAY)
		return;
	error_at(node_loc(sub), "'%s' is a ProgArray: its items are programs, used only through "
		 "bpf.tail_call(ctx(), %s, index)", m->name, m->name);
}

/* bpf.tail_call(ctx(), handlers, index) -> None: e->op 'U', e->sym the map */
Type *check_tail_call(Checker *c, Node *e)
{
	Node *cx, *mn, *ix;
	Sym *y;
	TailSite *ts;
	if (e->vals.len || e->elts.len != 3)
		error_at(node_loc(e), "bpf.tail_call() takes 3 arguments: bpf.tail_call(ctx(), handlers, index)");
	cx = VEC_AT(e->elts, 0), mn = VEC_AT(e->elts, 1), ix = VEC_AT(e->elts, 2);
	if (cx->kind != ND_CALL || cx->lhs->kind != ND_NAME || strcmp(cx->lhs->name, "ctx") || cx->elts.len ||
	    cx->vals.len || scope_find(c->scope, "ctx") || !is_imported(c, "ctx"))
		error_at(node_loc(cx), "the first argument of bpf.tail_call() is ctx(), the probe's context, which the "
			 "handler gets as its own");
	y = mn->kind == ND_NAME ? scope_find(c->scope, mn->name) : NULL;
	if (!y || y->kind != SYM_MAP || ((MapDecl *)y->data)->type->map_kind != MAP_PROG_ARRAY)
		error_at(node_loc(mn), "the second argument of bpf.tail_call() is a ProgArray (handlers: ProgArray = "
			 "ProgArray([f, g])), not %s", y && y->kind == SYM_MAP ? xasprintf("'%s', which is %s %s map", y->name,
											   strchr("AEIOUL", map_kind_names[y->type->map_kind][0]) ? "an" : "a",
											   map_kind_names[y->type->map_kind])
								  : y ? xasprintf("'%s'", y->name) : "this");
	if (!c->probe || c->func)
		error_at(node_loc(e), "bpf.tail_call() can be called from a probe's own body only, not from a def: a def "
			 "is inlined into its callers or is a callback (bpf.loop, bpf.for_each_map_elem, a timer), a BPF subprogram, and "
			 "the kernel would run the handler in place of that function only, then go on in its caller");
	if (c->with_depth)
		error_at(node_loc(e), "bpf.tail_call() cannot be used inside a with block: the block holds a kernel "
			 "reference (or a ring buffer record) that the handler would never release, which the "
			 "verifier refuses");
	if (c->loop_depth)
		error_at(node_loc(e), "bpf.tail_call() cannot be used inside a loop: a for loop over range() is an "
			 "open-coded iterator, a kernel reference the handler would never release (which the verifier "
			 "refuses), so pybpf refuses every loop; pick the index in the loop and call after it");
	if (!tail_kind_ok(c->probe->kind))
		error_at(node_loc(e), "bpf.tail_call() is supported in " TAIL_KINDS " probes, not in a @%s probe "
			 "(pybpf has not tested tail calls of that kind yet)", c->probe->kind);
	need_int(c, ix, "the index of bpf.tail_call()");
	mn->sym = y;
	mn->type = y->type;
	ts = xcalloc(1, sizeof(*ts));
	ts->call = e, ts->mapname = mn, ts->m = y->data, ts->caller = c->probe;
	vec_push(&sites, ts);
	c->probe->tail_calls = true;
	e->sym = y;
	e->op = 'U';
	return ty_none;
}

/* "@tracepoint("syscalls/sys_enter_getppid")" */
static const char *probe_what(Probe *p)
{
	return p->target && *p->target ? xasprintf("@%s(\"%s\")", p->kind, p->target) : xasprintf("@%s", p->kind);
}

static void same_kind(Probe *want, Probe *p, Node *at, Node *ref, const char *role)
{
	if (!strcmp(want->kind, p->kind) && !strcmp(want->target ? want->target : "", p->target ? p->target : ""))
		return;
	error_begin(node_loc(at), "'%s' is a %s probe, but %s is a %s probe: a tail call runs the handler with the "
		    "caller's context, which the handler reads as its own arguments, so the kernel wants one program "
		    "type and pybpf one decorator and attach point", p->name, probe_what(p), role, probe_what(want));
	note_at(node_loc(ref), "'%s' is defined here", want->name);
	diag_exit();
}

/* After the probes are checked: each ProgArray's items are its Probe*s,
 * marked tail_only, all of one kind with every caller */
void check_prog_arrays(Checker *c)
{
	for (int i = 0; i < c->prog->maps.len; i++) {
		MapDecl *m = VEC_AT(c->prog->maps, i);
		if (m->type->map_kind != MAP_PROG_ARRAY)
			continue;
		for (int j = 0; j < m->progs.len; j++) {
			Node *n = VEC_AT(m->progs, j);
			Probe *p = ((Sym *)scope_find(&c->module, n->name))->data;
			if (!tail_kind_ok(p->kind))
				error_at(node_loc(n), "'%s' is a @%s probe: ProgArray items are " TAIL_KINDS " probes (pybpf has "
					 "not tested tail calls of other kinds yet)", p->name, p->kind);
			if (j) {
				Node *n0 = VEC_AT(m->progs, 0);
				same_kind(((Sym *)scope_find(&c->module, n0->name))->data, p, n, n0,
					  xasprintf("'%s', item 0 of '%s',", n0->name, m->name));
			}
			p->tail_only = true;
		}
	}
	for (int i = 0; i < sites.len; i++) {
		TailSite *ts = VEC_AT(sites, i);
		for (int j = 0; j < ts->m->progs.len; j++) {
			Node *n = VEC_AT(ts->m->progs, j);
			Probe *p = ((Sym *)scope_find(&c->module, n->name))->data;
			same_kind(ts->caller, p, n, ts->caller->def, xasprintf("its caller '%s'", ts->caller->name));
		}
	}
	sites = (Vec){0};
	for (int i = 0; i < c->prog->maps.len; i++) {   /* from here on, the items are the probes */
		MapDecl *m = VEC_AT(c->prog->maps, i);
		for (int j = 0; m->type->map_kind == MAP_PROG_ARRAY && j < m->progs.len; j++)
			m->progs.data[j] = ((Sym *)scope_find(&c->module, ((Node *)VEC_AT(m->progs, j))->name))->data;
	}
}
