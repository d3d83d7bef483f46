/* check_infer.c — module-level maps declared without an annotation (issue 14).
 *
 * `n = Count()`, `lat = Hist()`, `h = LHist[0, 100, 10]()` and
 * `opens = Hash[str[16], u64](max_entries=N)` are valid Python whose
 * constructor gives the map's whole type, so they mean what the annotated
 * forms mean (`n: Count = Count()`, `opens: Hash[str[16], u64] =
 * Hash(max_entries=N)`): the statement is rewritten into that form and
 * checked as it. `opens = Hash()` and `a = Array(16)` leave the key or
 * value type unsaid; the error names what is missing and shows the
 * annotated form. Any other `NAME = value` at module level needs a type. */
#include "pyc.h"

#include <string.h>

static Loc at(Node *n)
{
	return n->loc.file ? n->loc : n->tok->loc;
}

/* the source text of n when it fits on one line, else "..." */
static char *text_of(Node *n)
{
	Loc l = at(n);
	if (!l.p || memchr(l.p, '\n', l.len))
		return xstrdup("...");
	return xstrndup(l.p, l.len);
}

static int map_kind_of(const char *name)
{
	for (int i = 0; i < MAP__COUNT; i++)
		if (!strcmp(map_kind_names[i], name))
			return i;
	return -1;
}

static int agg_of(const char *name)
{
	for (int i = 0; i < AGG__COUNT; i++)
		if (!strcmp(agg_names[i], name))
			return i;
	return -1;
}

void infer_module_annotation(Node *s)
{
	Node *t = s->targets.len == 1 ? VEC_AT(s->targets, 0) : NULL, *v = s->value;
	Node *callee = v->kind == ND_CALL ? v->lhs : NULL;
	Node *base = callee && callee->kind == ND_SUBSCRIPT ? callee->lhs : callee;
	const char *name = base && base->kind == ND_NAME ? base->name : NULL;
	int mk = name ? map_kind_of(name) : -1, ag = name ? agg_of(name) : -1;

	if (!t || t->kind != ND_NAME) {
		error_at(at(s), "module-level names need a type, one name per statement: write 'NAME: Final[int] = value' "
			 "for a constant or 'NAME: Hash[K, V] = Hash()' for a map");
	}
	if (mk < 0 && ag < 0) {
		char *txt = text_of(v);
		error_at(at(s), "module-level name '%s' needs a type: write '%s: int = %s' for a variable or '%s: Final[int] = "
			 "%s' for a constant (a map: '%s: Hash[K, V] = Hash()', an aggregation: '%s = Count()')",
			 t->name, t->name, txt, t->name, txt, t->name, t->name);
	}
	if (ag >= 0 && (v->elts.len || v->vals.len))
		error_at(at(v), "%s() takes no arguments: write '%s = %s()'", name, t->name, text_of(callee));
	if (ag == AGG_LHIST && callee->kind != ND_SUBSCRIPT)
		error_at(at(v), "'%s' needs its buckets, which LHist() does not give: write '%s = LHist[lo, hi, step]()', "
			 "e.g. '%s = LHist[0, 100, 10]()'", t->name, t->name, t->name);
	if (mk >= 0 && mk != MAP_PERF_COUNTERS && callee->kind != ND_SUBSCRIPT) {   /* PerfCounters("NAME"): no types */
		bool kv = mk < MAP_ARRAY, rec = mk == MAP_RINGBUF || mk == MAP_PERF_BUF;
		const char *ph = rec ? "E" : kv ? "K, V" : "V";
		const char *ex = rec ? "E" : mk == MAP_LPM ? "u32, u64" : kv ? "str[16], u64" : "u64";
		char *txt = text_of(v), *args = text_of(v) + strlen(name);
		error_at(at(v), "map '%s' needs its %s, which %s does not give: write '%s: %s[%s] = %s' or '%s = %s[%s]%s', "
			 "e.g. '%s: %s[%s] = %s'%s", t->name,
			 rec ? "record type" : kv ? "key and value types" : "value type", txt,
			 t->name, name, ph, txt, t->name, name, ph, args,
			 t->name, name, ex, txt, rec ? " with 'class E(Struct)'" : "");
	}
	/* NAME = C[...](args) -> NAME: C[...] = C(args); NAME = Agg() -> NAME: Agg = Agg() */
	Node *call = xcalloc(1, sizeof(*call));
	*call = *v;
	call->lhs = base;
	s->kind = ND_ANNASSIGN;
	s->target = t;
	s->annotation = callee;
	s->value = call;
}
