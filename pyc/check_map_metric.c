/* check_map_metric.c — how a map is exported as a Prometheus metric
 * (pybpf load --metrics, loader/metrics.c, docs/metrics.md):
 *
 *     calls: Hash[tuple[str[16], u32], u64] = Hash(labels=("comm", "pid"), metric="counter")
 *
 * labels= names the label of each part of the key: one name for a scalar
 * key, one per element of a tuple key (a Struct key's labels are its field
 * names). metric= says what a plain integer value (or a Count, Sum) is:
 * "counter" (it only goes up) or "gauge"; metric="none" leaves any map out. Both are checked here, at
 * compile time, so that every exposition the server writes is valid.
 */
#include "check_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* how many labels m's key has */
static int key_arity(MapDecl *m)
{
	Type *k = m->type->key;
	return k && k->kind == TY_TUPLE ? k->elems.len : 1;
}

/* Prometheus label name syntax, [a-zA-Z_][a-zA-Z0-9_]*, and not one the server or Prometheus reserves */
static void check_label_name(Node *at, const char *s, int len)
{
	bool ok = len > 0 && (isalpha((unsigned char)s[0]) || s[0] == '_');
	for (int i = 1; ok && i < len; i++)
		ok = isalnum((unsigned char)s[i]) || s[i] == '_';
	if (!ok)
		error_at(node_loc(at), "a label name is letters, digits and '_', not starting with a digit: not '%.*s'", len, s);
	if (len >= 2 && s[0] == '_' && s[1] == '_')
		error_at(node_loc(at), "label names starting with '__' are reserved for Prometheus' own use");
	if ((len == 2 && !strncmp(s, "le", 2)) || (len == 8 && !strncmp(s, "quantile", 8)))
		error_at(node_loc(at), "'%.*s' is the label Prometheus gives histogram buckets and quantiles: choose another name",
			 len, s);
}

static void labels_declared(MapDecl *m, Node *v)
{
	int n = key_arity(m);
	if (m->type->key && m->type->key->kind == TY_STRUCT)
		error_at(node_loc(v), "a Struct key's labels are its field names (%s): labels= is for scalar and tuple keys",
			 m->type->key->sname);
	if (v->kind == ND_STR)
		error_at(node_loc(v), "labels= takes a tuple of names, one per part of the key: labels=(\"%s\",)", v->tok->str);
	if (v->kind != ND_TUPLE)
		error_at(node_loc(v), "labels= takes a tuple of string literals, one name per part of the key");
	if (v->elts.len != n)
		error_at(node_loc(v), "labels= names %d label%s, but the key %s has %d part%s", v->elts.len,
			 v->elts.len == 1 ? "" : "s", ty_name(m->type->key), n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		Node *e = VEC_AT(v->elts, i);
		if (e->kind != ND_STR || e->tok->is_bytes)
			error_at(node_loc(e), "a label name is a string literal");
		check_label_name(e, e->tok->str, e->tok->slen);
		for (int j = 0; j < i; j++)
			if (!strcmp(VEC_AT(m->labels, j), e->tok->str))
				error_at(node_loc(e), "label '%s' is named twice", e->tok->str);
		vec_push(&m->labels, (void *)e->tok->str);
	}
}

static void metric_declared(MapDecl *m, Node *v)
{
	Type *t = m->type->val;
	if (v->kind == ND_STR && !v->tok->is_bytes && !strcmp(v->tok->str, "none")) {
		m->metric = MET_NONE;   /* a map of the probe's own (start times, ...): not exported */
		return;
	}
	if (v->kind != ND_STR || v->tok->is_bytes || (strcmp(v->tok->str, "counter") && strcmp(v->tok->str, "gauge")))
		error_at(node_loc(v), "metric= is \"counter\", \"gauge\" or \"none\" (not exported)");
	if (t->kind == TY_AGG && t->agg != AGG_COUNT && t->agg != AGG_SUM)
		error_at(node_loc(v), "a %s is exported as a %s: metric= is for integer, Count and Sum values", agg_names[t->agg],
			 t->agg == AGG_HIST || t->agg == AGG_LHIST ? "histogram" : "gauge");
	if (t->kind != TY_AGG && t->kind != TY_FIXED)
		error_at(node_loc(v), "a %s value is not exported as a metric: metric= is for integer, Count and Sum values",
			 ty_name(t));
	m->metric = strcmp(v->tok->str, "counter") ? MET_GAUGE : MET_COUNTER;
}

bool map_metric_arg(Checker *c, MapDecl *m, Node *kw)
{
	(void)c;
	if (!kw->name || (strcmp(kw->name, "labels") && strcmp(kw->name, "metric")))
		return false;
	if (m->type->map_kind == MAP_LPM)
		error_at(node_loc(kw), "an LPMTrie is not exported as a metric (yet): %s= is for Hash, LRUHash, PerCPUHash and "
			 "LRUPerCPUHash maps", kw->name);
	if (!strcmp(kw->name, "labels"))
		labels_declared(m, kw->lhs);
	else
		metric_declared(m, kw->lhs);
	return true;
}

/* text with runs of white space made one space, trimmed */
static char *one_line(const char *s, size_t n)
{
	Str o = {0};
	for (size_t i = 0; i < n; i++) {
		bool sp = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r';
		if (sp && (!o.len || o.buf[o.len - 1] == ' '))
			continue;
		str_add(&o, sp ? " " : s + i, 1);
	}
	while (o.len && o.buf[o.len - 1] == ' ')
		o.len--;
	str_add(&o, "", 1);
	return o.buf;
}

/* the `# ...` lines right above the line at p (no blank line between), joined; NULL when none */
static const char *comment_above(const SrcFile *f, const char *p)
{
	const char *start = p, *top = NULL, *line;
	while (start > f->text && start[-1] != '\n')
		start--;
	line = start;
	for (;;) {
		const char *e = start, *b;
		if (e == f->text)
			break;
		b = --e;   /* e: the previous line's '\n' */
		while (b > f->text && b[-1] != '\n')
			b--;
		const char *q = b;
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q == e || *q != '#')
			break;
		top = start = b;
	}
	if (!top)
		return NULL;
	Str o = {0};
	for (const char *l = top; l < line;) {   /* every line from top is a comment */
		const char *e = strchr(l, '\n');
		while (*l == ' ' || *l == '\t')
			l++;
		str_add(&o, l + 1, e - l - 1);
		str_add(&o, " ", 1);
		l = e + 1;
	}
	char *s = one_line(o.buf ? o.buf : "", o.len);
	free(o.buf);
	return *s ? s : NULL;
}

static const char **help_slot(Checker *c, Node *s)
{
	for (int i = 0; i < c->prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(c->prog->maps, i))->decl == s)
			return &((MapDecl *)VEC_AT(c->prog->maps, i))->help;
	for (int i = 0; i < c->prog->globals.len; i++)
		if (((GlobalDecl *)VEC_AT(c->prog->globals, i))->decl == s)
			return &((GlobalDecl *)VEC_AT(c->prog->globals, i))->help;
	return NULL;
}

void metric_helps(Checker *c, Node *module)
{
	for (int i = 0; i < module->body.len; i++) {
		Node *s = VEC_AT(module->body, i), *next = i + 1 < module->body.len ? VEC_AT(module->body, i + 1) : NULL;
		const char **help = help_slot(c, s);
		if (!help)
			continue;
		if (next && next->kind == ND_EXPR_STMT && next->value->kind == ND_STR && !next->value->tok->is_bytes)
			*help = one_line(next->value->tok->str, next->value->tok->slen);
		else
			*help = comment_above(c->prog->file, node_loc(s).p);
	}
}
