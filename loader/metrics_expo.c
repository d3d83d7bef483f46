/* metrics_expo.c — the Prometheus exposition of a loaded probe
 * (metrics.h, docs/metrics.md).
 *
 * metrics_plan() decides, once, in the loader's thread, what each map and
 * module global becomes: a family's name (pybpf_ + the Python name), its
 * HELP, its TYPE and its label names. metrics_expose() then runs in the
 * server's threads: it reads the maps (mapread.h: the same merged values
 * pybpf load prints at exit) and formats them; it touches nothing but
 * the plan (read only), the kernel and its own buffer.
 */
#include "metrics.h"
#include "mapread.h"
#include "support.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { F_COUNTER, F_GAUGE, F_HIST };
/* which number of a {count, sum, min, max} value (Min, Max, Avg, Stats) a family shows */
enum { FLD_WHOLE = -1, FLD_COUNT, FLD_SUM, FLD_MIN, FLD_MAX, FLD_AVG };

typedef struct Family {
	MapDecl *m;           /* a map's family, or */
	GlobalDecl *g;        /* a module global's */
	int fd;               /* the map's (or .data's: read_global) */
	const char *name;     /* pybpf_NAME; a counter's without _total */
	const char *help;
	int kind, field;
	Vec labels;           /* const char*: a label per key part */
} Family;

struct MetricsPlan {
	struct bpf_object *obj;
	Prog *prog;
	Vec fams;             /* Family* */
	int counters_fd;      /* .bss.pyb: lost records, exceptions */
};

/* ---- planning ---------------------------------------------------------------------------- */

static const char *base_name(const char *name, int kind, const char *suffix)
{
	char *s = xasprintf("pybpf_%s%s", name, suffix);
	size_t n = strlen(s);
	if (kind == F_COUNTER && n > 6 && !strcmp(s + n - 6, "_total"))
		s[n - 6] = 0;   /* calls_total: the family pybpf_calls, its samples pybpf_calls_total */
	return s;
}

static int value_kind(MapDecl *m)
{
	Type *v = m->type->val;
	if (v->kind == TY_AGG && (v->agg == AGG_HIST || v->agg == AGG_LHIST))
		return F_HIST;
	if (m->metric)
		return m->metric == MET_COUNTER ? F_COUNTER : F_GAUGE;
	return v->kind == TY_AGG && (v->agg == AGG_COUNT || v->agg == AGG_SUM) ? F_COUNTER : F_GAUGE;
}

/* the label names of m's key parts: labels=, a Struct's fields, "key" or key_0, key_1, ... */
static void label_names(Family *f, MapDecl *m)
{
	Type *k = m->type->key;
	if (m->unkeyed)
		return;
	if (m->labels.len) {
		f->labels = m->labels;
	} else if (k->kind == TY_STRUCT) {
		f->labels = k->fnames;
	} else if (k->kind == TY_TUPLE) {
		for (int i = 0; i < k->elems.len; i++)
			vec_push(&f->labels, xasprintf("key_%d", i));
	} else {
		vec_push(&f->labels, "key");
	}
}

static const char *default_help(MapDecl *m, const char *what)
{
	return xasprintf("%s of the probe's map %s: %s", what, m->name, ty_name(m->type));
}

static Family *add_family(MetricsPlan *p, MapDecl *m, int kind, int field, const char *suffix, const char *what)
{
	Family *f = xcalloc(1, sizeof(*f));
	f->m = m;
	f->fd = bpf_map__fd(bpf_object__find_map_by_name(p->obj, m->cname));
	f->kind = kind;
	f->field = field;
	f->name = base_name(m->name, kind, suffix);
	f->help = m->help ? (what ? xasprintf("%s (%s)", m->help, what) : m->help) : default_help(m, what ? what : "values");
	label_names(f, m);
	vec_push(&p->fams, f);
	return f;
}

/* Min, Max, Avg: one gauge; Stats: its min and max (gauges), its count and sum (counters) */
static void plan_stats(MetricsPlan *p, MapDecl *m)
{
	int a = m->type->val->agg;
	if (a == AGG_MIN || a == AGG_MAX || a == AGG_AVG) {
		add_family(p, m, F_GAUGE, a == AGG_MIN ? FLD_MIN : a == AGG_MAX ? FLD_MAX : FLD_AVG, "", NULL);
		return;
	}
	add_family(p, m, F_COUNTER, FLD_COUNT, "_count", "number of values");
	add_family(p, m, F_COUNTER, FLD_SUM, "_sum", "sum of the values");
	add_family(p, m, F_GAUGE, FLD_MIN, "_min", "smallest value");
	add_family(p, m, F_GAUGE, FLD_MAX, "_max", "largest value");
}

/* maps whose values are integers or aggregations, walked without popping; not LPM tries, not metric="none" (docs/metrics.md) */
static bool exported(MapDecl *m)
{
	Type *v = m->type->val;
	return map_walkable(m) && m->type->map_kind != MAP_LPM && (v->kind == TY_FIXED || v->kind == TY_AGG) &&
	       m->metric != MET_NONE;
}

MetricsPlan *metrics_plan(struct bpf_object *obj, Prog *prog)
{
	MetricsPlan *p = xcalloc(1, sizeof(*p));
	p->obj = obj;
	p->prog = prog;
	p->counters_fd = counters_map_fd(obj);
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		int a = m->type->val->agg;
		if (!exported(m))
			continue;
		if (m->type->val->kind == TY_AGG && a != AGG_COUNT && a != AGG_SUM && a != AGG_HIST && a != AGG_LHIST)
			plan_stats(p, m);
		else
			add_family(p, m, value_kind(m), FLD_WHOLE, "", NULL);
	}
	for (int i = 0; i < prog->globals.len; i++) {
		GlobalDecl *g = VEC_AT(prog->globals, i);
		Family *f = xcalloc(1, sizeof(*f));
		f->g = g;
		f->kind = F_GAUGE;
		f->name = base_name(g->name, F_GAUGE, "");
		f->help = g->help ? g->help : xasprintf("module variable %s of the probe", g->name);
		vec_push(&p->fams, f);
	}
	return p;
}

void metrics_plan_free(MetricsPlan *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->fams.len; i++)
		free(VEC_AT(p->fams, i));
	free(p->fams.data);
	free(p);
}

/* ---- writing ----------------------------------------------------------------------------- */

/* HELP text: backslash and newline escaped; in OpenMetrics the double quote too */
static void help_text(Str *o, const char *s, bool om)
{
	for (; *s; s++)
		str_puts(o, *s == '\\' ? "\\\\" : *s == '\n' ? "\\n" : *s == '"' && om ? "\\\"" : (char[2]){*s, 0});
}

static void family_head(Str *o, const char *name, int kind, const char *help, bool om)
{
	static const char *const types[] = {"counter", "gauge", "histogram"};
	const char *tname = kind == F_COUNTER && !om ? "_total" : "";
	str_printf(o, "# HELP %s%s ", name, tname);
	help_text(o, help, om);
	str_printf(o, "\n# TYPE %s%s %s\n", name, tname, types[kind]);
}

/* bytes of a label value: \, " and newline escaped as the format says; other bytes outside
 * printable ASCII as the four characters \xNN (written \\xNN), so that every value is UTF-8 */
static void label_bytes(Str *o, const unsigned char *p, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c == '\\' || c == '"')
			str_printf(o, "\\%c", c);
		else if (c == '\n')
			str_puts(o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			str_printf(o, "\\\\x%02x", c);
		else
			str_add(o, (const char *)&c, 1);
	}
}

static void label_value(Str *o, Type *t, const unsigned char *p)
{
	char b[64];
	uint64_t u;
	if (t->kind == TY_FIXED && t->addr == 4) {
		uint32_t a = htonl((uint32_t)mr_read_int(p, t, NULL));
		str_puts(o, inet_ntop(AF_INET, &a, b, sizeof b) ? b : "?");
	} else if (t->kind == TY_BYTES && t->addr == 6) {
		str_puts(o, inet_ntop(AF_INET6, p, b, sizeof b) ? b : "?");
	} else if (t->kind == TY_STR) {
		label_bytes(o, p, (int)strnlen((const char *)p, t->size));
	} else if (t->kind == TY_BYTES) {
		label_bytes(o, p, t->size);
	} else if (t->kind == TY_BOOL) {
		str_puts(o, *p ? "True" : "False");
	} else if (t->kind == TY_FIXED || t->kind == TY_INT) {
		int64_t v = mr_read_int(p, t, &u);
		str_printf(o, t->kind == TY_FIXED && !t->is_signed ? "%llu" : "%lld",
			   t->kind == TY_FIXED && !t->is_signed ? (unsigned long long)u : (unsigned long long)v);
	}
}

/* `a="x",b="y"` of a key (nothing for an unkeyed aggregation) */
static void key_labels(Str *o, Family *f, const unsigned char *key)
{
	Type *k = f->m->type->key;
	bool parts = k->kind == TY_TUPLE || k->kind == TY_STRUCT;
	for (int i = 0; i < f->labels.len; i++) {
		str_printf(o, "%s%s=\"", i ? "," : "", (const char *)VEC_AT(f->labels, i));
		label_value(o, parts ? VEC_AT(k->elems, i) : k, key + (parts ? k->offsets[i] : 0));
		str_puts(o, "\"");
	}
}

static void sample_start(Str *o, const char *name, const char *suffix, const char *labels, const char *extra)
{
	bool any = *labels || *extra;
	str_printf(o, "%s%s%s%s%s%s%s", name, suffix, any ? "{" : "", labels, *labels && *extra ? "," : "", extra,
		   any ? "} " : " ");
}

/* Hist: slot 0 < 0, slot 1 the 0, slot k [2**(k-2), 2**(k-1)); LHist: slot 0 < lo, slot i
 * [lo+(i-1)*step, lo+i*step), the last >= hi. Values are integers, so a bucket's le is its
 * largest value; the last slot is only in +Inf. */
static int64_t slot_le(Type *v, int k)
{
	if (v->agg == AGG_LHIST)
		return v->lo + k * v->step - 1;
	return k == 0 ? -1 : k == 1 ? 0 : (int64_t)((1ull << (k - 1)) - 1);
}

static void hist_samples(Str *o, Family *f, const char *labels, const unsigned char *val)
{
	Type *v = f->m->type->val;
	int n = ty_size(v) / 8;
	uint64_t cum = 0, s;
	char le[40];
	for (int k = 0; k < n; k++) {
		memcpy(&s, val + 8 * k, 8);
		cum += s;
		if (k == n - 1)
			break;
		snprintf(le, sizeof le, "le=\"%lld\"", (long long)slot_le(v, k));
		sample_start(o, f->name, "_bucket", labels, le);
		str_printf(o, "%llu\n", (unsigned long long)cum);
	}
	sample_start(o, f->name, "_bucket", labels, "le=\"+Inf\"");
	str_printf(o, "%llu\n", (unsigned long long)cum);
	sample_start(o, f->name, "_count", labels, "");
	str_printf(o, "%llu\n", (unsigned long long)cum);
}

/* a plain value, a Count or Sum, or the field of a {count, sum, min, max} */
static void value_sample(Str *o, Family *f, const char *labels, const unsigned char *val)
{
	Type *v = f->m->type->val;
	int64_t q[4];
	uint64_t u;
	sample_start(o, f->name, f->kind == F_COUNTER ? "_total" : "", labels, "");
	if (v->kind == TY_FIXED) {
		int64_t x = mr_read_int(val, v, &u);
		str_printf(o, v->is_signed ? "%lld\n" : "%llu\n", v->is_signed ? (unsigned long long)x : (unsigned long long)u);
		return;
	}
	if (f->field == FLD_WHOLE) {
		memcpy(q, val, 8);
		str_printf(o, "%lld\n", (long long)q[0]);
		return;
	}
	memcpy(q, val, 32);
	if (f->field == FLD_AVG)
		str_printf(o, "%.17g\n", q[0] ? (double)q[1] / (double)q[0] : 0.0);
	else
		str_printf(o, "%lld\n", (long long)q[f->field]);
}

static bool stats_empty(Family *f, const unsigned char *val)
{
	int64_t count;
	if (f->field == FLD_WHOLE || f->m->type->val->kind != TY_AGG)
		return false;
	memcpy(&count, val, 8);
	return count == 0;   /* no value yet: no min, max or average */
}

/* rows in the order of their keys' bytes: the same order at every scrape */
static int key_cmp(const void *a, const void *b, void *n)
{
	return memcmp(*(unsigned char *const *)a, *(unsigned char *const *)b, *(int *)n);
}

static void sort_rows(MapRows *r)
{
	void **pairs = xcalloc(r->n ? r->n : 1, sizeof(void *) * 2);
	for (int i = 0; i < r->n; i++) {
		pairs[2 * i] = r->keys[i];
		pairs[2 * i + 1] = r->vals[i];
	}
	qsort_r(pairs, r->n, sizeof(void *) * 2, key_cmp, &r->key_size);
	for (int i = 0; i < r->n; i++) {
		r->keys[i] = pairs[2 * i];
		r->vals[i] = pairs[2 * i + 1];
	}
	free(pairs);
}

static void map_family(Str *o, Family *f, bool om)
{
	MapRows rows;
	Str labels = {0};
	family_head(o, f->name, f->kind, f->help, om);
	if (f->fd < 0 || map_read_rows(f->fd, f->m, &rows) < 0)
		return;
	sort_rows(&rows);
	for (int i = 0; i < rows.n; i++) {
		labels.len = 0;
		key_labels(&labels, f, rows.keys[i]);
		str_add(&labels, "", 1);
		if (stats_empty(f, rows.vals[i]))
			continue;
		if (f->kind == F_HIST)
			hist_samples(o, f, labels.buf, rows.vals[i]);
		else
			value_sample(o, f, labels.buf, rows.vals[i]);
	}
	free(labels.buf);
	map_rows_free(&rows);
}

static void global_family(Str *o, MetricsPlan *p, Family *f, bool om)
{
	unsigned char buf[8] = {0};
	Type *t = f->g->type;
	uint64_t u;
	family_head(o, f->name, F_GAUGE, f->help, om);
	if (read_global(p->obj, ".data", f->g->cname, 0, buf, ty_size(t)) < 0)
		return;
	bool uns = t->kind == TY_FIXED && !t->is_signed;
	int64_t x = t->kind == TY_BOOL ? buf[0] : mr_read_int(buf, t, &u);
	str_printf(o, uns ? "%s %llu\n" : "%s %lld\n", f->name, uns ? (unsigned long long)u : (unsigned long long)x);
}

/* a raise site's labels: probe, file, line, exception */
static char *site_labels(ExcSlot *sl, MetricsPlan *p)
{
	RaiseSite *r = VEC_AT(p->prog->raises, sl->site);
	Probe *pr = VEC_AT(p->prog->probes, sl->probe);
	Str l = {0};
	str_puts(&l, "probe=\"");
	label_bytes(&l, (const unsigned char *)pr->name, strlen(pr->name));
	str_puts(&l, "\",file=\"");
	label_bytes(&l, (const unsigned char *)r->loc.file->name, strlen(r->loc.file->name));
	str_printf(&l, "\",line=\"%d\",exception=\"%s\"", r->loc.line, r->exc);
	str_add(&l, "", 1);
	return l.buf;
}

typedef struct ExcRow {
	char *labels;
	uint64_t n;
} ExcRow;

static int exc_cmp(const void *a, const void *b)
{
	return strcmp(((const ExcRow *)a)->labels, ((const ExcRow *)b)->labels);
}

/* the uncaught exceptions: one sample per (probe, file, line, exception), sorted; the
 * slots of one line (two raises of one kind there) are added up */
static void exception_family(Str *o, MetricsPlan *p, const uint64_t *all, int n, bool om)
{
	int ns = all ? p->prog->exc_slots.len : 0;
	ExcRow *rows = xcalloc(ns ? ns : 1, sizeof(*rows));
	family_head(o, "pybpf_exceptions", F_COUNTER, "uncaught exceptions, per raise site and probe", om);
	for (int k = 0; k < ns; k++) {
		rows[k].labels = site_labels(VEC_AT(p->prog->exc_slots, k), p);
		rows[k].n = 1 + k < n ? counter_value(all, 1 + k) : 0;
	}
	qsort(rows, ns, sizeof(*rows), exc_cmp);
	for (int k = 0; k < ns; k++) {
		if (k + 1 < ns && !strcmp(rows[k].labels, rows[k + 1].labels)) {
			rows[k + 1].n += rows[k].n;
			continue;
		}
		sample_start(o, "pybpf_exceptions", "_total", rows[k].labels, "");
		str_printf(o, "%llu\n", (unsigned long long)rows[k].n);
	}
	for (int k = 0; k < ns; k++)
		free(rows[k].labels);
	free(rows);
}

/* the exceptions and the records lost to full ring buffers */
static void counter_families(Str *o, MetricsPlan *p, bool om)
{
	int n = 0;
	uint64_t *all = read_counters(p->counters_fd, &n);
	exception_family(o, p, all, n, om);
	family_head(o, "pybpf_lost_records", F_COUNTER, "records lost to full ring buffers", om);
	str_printf(o, "pybpf_lost_records_total %llu\n", (unsigned long long)(all && n ? counter_value(all, 0) : 0));
	free(all);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void metrics_expose(Str *o, MetricsPlan *p, bool om)
{
	uint64_t t0 = now_ns();
	for (int i = 0; i < p->fams.len; i++) {
		Family *f = VEC_AT(p->fams, i);
		if (f->m)
			map_family(o, f, om);
		else
			global_family(o, p, f, om);
	}
	counter_families(o, p, om);
	family_head(o, "pybpf_scrape_duration_seconds", F_GAUGE, "time taken to read the maps for this scrape", om);
	str_printf(o, "pybpf_scrape_duration_seconds %.9f\n", (now_ns() - t0) / 1e9);
	if (om)
		str_puts(o, "# EOF\n");
}
