/* check_perf.c — BPF_MAP_TYPE_PERF_EVENT_ARRAY maps from Python: PerfBuf
 * and PerfCounters, and the helpers that take them.
 *
 *     class E(Struct):
 *         pid: u32
 *         n: u64
 *     events: PerfBuf[E] = PerfBuf()               # bcc's BPF_PERF_OUTPUT
 *     counters = PerfCounters("context-switches")  # bcc's BPF_PERF_ARRAY
 *
 *     rec = E(pid(), 1)
 *     bpf.perf_event_output(ctx(), events, BPF_F_CURRENT_CPU, rec)
 *     n = bpf.perf_event_read(counters, BPF_F_CURRENT_CPU)
 *     c, enabled, running = bpf.perf_event_read_value(counters, BPF_F_CURRENT_CPU)
 *
 * A PerfBuf is read by the loader with libbpf's perf_buffer (one buffer per
 * CPU, loader/perfbuf.c), its records printed as a RingBuf's of the same
 * Struct are. A PerfCounters holds, per possible CPU, a perf event the
 * loader opens (perf_event_open, counting on that CPU) for the event named
 * here, a string literal checked against perf_events below. Neither has
 * items a program can index, iterate or show: they are used only through
 * the helpers (check_helpers.c types the calls; map_kind_ok picks the map
 * kind each helper takes).
 */
#include "check_int.h"

#include "../helpers/helpers_gen.h"

#include <linux/perf_event.h>
#include <string.h>

/* The events PerfCounters("NAME") takes: perf(1)'s names */
static const PerfEvent perf_events[] = {
	{"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
	{"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
	{"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
	{"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
	{"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
	{"minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN},
	{"major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ},
	{"alignment-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS},
	{"emulation-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS},
	{"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
	{"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
	{"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
	{"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
	{"branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
	{"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
	{"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES},
	{"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES},
};

const PerfEvent *perf_event_named(const char *name)
{
	for (size_t i = 0; i < sizeof(perf_events) / sizeof(perf_events[0]); i++)
		if (!strcmp(perf_events[i].name, name))
			return &perf_events[i];
	return NULL;
}

static _Noreturn void unknown_event(Node *at, const char *name)
{
	Str s = {0};
	Suggest sg = {.target = name};
	for (size_t i = 0; i < sizeof(perf_events) / sizeof(perf_events[0]); i++) {
		str_printf(&s, "%s%s", i ? ", " : "", perf_events[i].name);
		suggest_try(&sg, perf_events[i].name);
	}
	error_at(node_loc(at), "PerfCounters has no event '%s'%s: it takes one of %s", name,
		 sg.best ? xasprintf(" (did you mean '%s'?)", sg.best) : "", s.buf);
}

/* The Struct E of PerfBuf[E] */
static Type *record_type(Checker *c, Node *n)
{
	for (int i = 0; n->kind == ND_NAME && i < c->prog->structs.len; i++)
		if (!strcmp(((Type *)VEC_AT(c->prog->structs, i))->sname, n->name))
			return VEC_AT(c->prog->structs, i);
	error_at(node_loc(n), "a PerfBuf carries records of a Struct class (class E(Struct): ...), not %s",
		 n->kind == ND_NAME ? xasprintf("'%s'", n->name) : "this");
}

/* PerfCounters("NAME"): the event's name, a str literal */
static const char *event_arg(Node *val)
{
	Node *a = val->elts.len == 1 && !val->vals.len ? VEC_AT(val->elts, 0) : NULL;
	if (!a)
		error_at(node_loc(val), "PerfCounters takes the name of one perf event: PerfCounters(\"context-switches\")");
	if (a->kind != ND_STR || a->tok->is_bytes)
		error_at(node_loc(a), "the event of PerfCounters must be a str literal naming it, as perf(1) does: "
			 "PerfCounters(\"context-switches\")");
	if (!perf_event_named(a->tok->str))
		unknown_event(a, a->tok->str);
	return a->tok->str;
}

/* events: PerfBuf[E] = PerfBuf(); counters: PerfCounters = PerfCounters("NAME") */
void declare_perf_map(Checker *c, Node *s)
{
	Node *ann = s->annotation, *val = s->value;
	Node *an = ann->kind == ND_SUBSCRIPT ? ann->lhs : ann;
	bool buf = !strcmp(an->name, "PerfBuf");
	const char *kn = buf ? "PerfBuf" : "PerfCounters";
	MapDecl *m = xcalloc(1, sizeof(*m));
	Type *t = xcalloc(1, sizeof(*t));

	if (!is_imported(c, kn))
		unknown_name(c, an);
	t->kind = TY_MAP;
	t->map_kind = buf ? MAP_PERF_BUF : MAP_PERF_COUNTERS;
	t->key = ty_fixed(4, false);
	t->val = ty_fixed(4, false);   /* PerfCounters: a perf event's fd */
	if (buf && ann->kind != ND_SUBSCRIPT)
		error_at(node_loc(ann), "a PerfBuf needs its record type: write '%s: PerfBuf[E] = PerfBuf()' with "
			 "'class E(Struct)'", s->target->name);
	if (!buf && ann->kind != ND_NAME)
		error_at(node_loc(ann), "PerfCounters takes no type: its items are perf events, counted as u64: write "
			 "'%s: PerfCounters = PerfCounters(\"context-switches\")'", s->target->name);
	if (buf)
		t->val = record_type(c, ann->rhs);
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || strcmp(val->lhs->name, kn))
		error_at(node_loc(val ? val : s), "map '%s' must be created with %s(...) to match its annotation",
			 s->target->name, kn);
	if (buf && (val->elts.len || val->vals.len))
		error_at(node_loc(val), "PerfBuf() takes no arguments (the loader gives each CPU a buffer of 64 pages)");
	m->perf_event = buf ? NULL : event_arg(val);
	m->type = t;
	m->name = s->target->name;
	m->cname = global_cname(m->name);
	m->decl = s;
	register_map(c, s, m);
}

/* m[k], k in m, m.method(), show(m) of a PerfBuf or PerfCounters: an error */
void perf_map_refused(Node *at, MapDecl *m)
{
	if (m->type->map_kind == MAP_PERF_BUF)
		error_at(node_loc(at), "'%s' is a PerfBuf: it is written only by bpf.perf_event_output(ctx(), %s, "
			 "BPF_F_CURRENT_CPU, rec), and its records are printed as they come", m->name, m->name);
	if (m->type->map_kind == MAP_PERF_COUNTERS)
		error_at(node_loc(at), "'%s' is a PerfCounters: its counters are read only by bpf.perf_event_read(%s, "
			 "BPF_F_CURRENT_CPU) and 'counter, enabled, running = bpf.perf_event_read_value(%s, BPF_F_CURRENT_CPU)'",
			 m->name, m->name, m->name);
}

/* BPF_F_CURRENT_CPU (imported from pybpf): the index of the running CPU's item, or NULL */
Sym *perf_const(Checker *c, Node *e)
{
	ConstDecl *k;
	Sym *y;
	if (strcmp(e->name, "BPF_F_CURRENT_CPU") || !is_imported(c, e->name))
		return NULL;
	k = xcalloc(1, sizeof(*k));
	y = xcalloc(1, sizeof(*y));
	k->name = y->name = "BPF_F_CURRENT_CPU";
	k->type = y->type = ty_int;
	k->value = k->src_value = 0xffffffffLL;
	k->cname = y->cname = "((__s64)0xffffffffLL)";
	y->kind = SYM_CONST;
	y->data = k;
	return y;
}

/* The record of bpf.perf_event_output(ctx(), events, flags, rec): a local
 * of the PerfBuf's Struct E (pybpf passes its address and size) */
void perf_record_arg(HelperHooks *hk, Node *a, MapDecl *m, const char *what)
{
	Sym *y = a->kind == ND_NAME ? hk->lookup(hk->c, a->name) : NULL;
	Type *t;
	if (y && y->kind == SYM_MAP)
		error_at(node_loc(a), "%s is the record to send, a local of %s, not the map '%s'", what,
			 ty_name(m->type->val), a->name);
	t = hk->expr(hk->c, a);
	if (t != m->type->val)
		error_at(node_loc(a), "%s must be a record of %s: '%s' carries %s records, not %s", what, ty_name(m->type->val),
			 m->name, ty_name(m->type->val), ty_name(t));
	if (!y || y->kind != SYM_LOCAL)
		error_at(node_loc(a), "%s must be a local variable holding the %s record (rec = %s(...)), not an expression",
			 what, ty_name(m->type->val), ty_name(m->type->val));
}

/* The map argument of a bpf.perf_event_* helper when it is the other
 * perf event map kind: the kernel would take it (the same map type), but
 * its events do not do what the helper needs */
void perf_map_arg(const char *helper, Node *a, MapDecl *m, const char *what)
{
	if (!strcmp(helper, "bpf_perf_event_output") && m->type->map_kind == MAP_PERF_COUNTERS)
		error_at(node_loc(a), "%s must be a PerfBuf: '%s' is a PerfCounters, whose perf events count, they carry no "
			 "records", what, m->name);
	if (!strncmp(helper, "bpf_perf_event_read", 19) && m->type->map_kind == MAP_PERF_BUF)
		error_at(node_loc(a), "%s must be a PerfCounters: '%s' is a PerfBuf, whose perf events carry records, they "
			 "count nothing", what, m->name);
}

/* The parameters of bpf_perf_event_read_value the call does not take:
 * buf (a struct bpf_perf_event_value of the call's own, whose three u64
 * are its results) and buf_size */
bool perf_value_param(const struct pyb_helper *h, int i)
{
	return i >= 2 && !strcmp(h->name, "bpf_perf_event_read_value");
}
