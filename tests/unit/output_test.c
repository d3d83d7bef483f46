/* output_test.c — drive loader/output.c with hand-built types and values.
 *
 * Reads a script on stdin (tests/unit/output_cases.py writes them), one
 * command per line, tokens separated by spaces:
 *
 *   mode text|json
 *   map NAME KTYPE VTYPE      start a map; then entries:
 *   e KEY VAL                 KEY/VAL: a value (tuples: elements joined by ',');
 *                             for an aggregation VAL lists observations
 *   end                       out_map() with the entries so far
 *   lpm NAME KTYPE VTYPE      start an LPMTrie: its entries' keys are
 *                             PREFIX/LENGTH, handed over as the kernel keeps
 *                             them (u32 length, prefix most significant byte first)
 *   agg NAME TYPE OBS         out_agg()
 *   global NAME TYPE VAL      out_global()
 *   print PROBE|- HEX|-       out_print() (the text in hex)
 *   lost N                    out_lost()
 *   exc FILE LINE EXC MSG|x:HEX|- PROBE COUNT 0|1   out_exception()
 *   flush                     out_flush()
 *
 * Types: u8 u16 u32 u64 i8 i16 i32 i64 int bool strN (T;T;...) Count Sum
 * Min Max Avg Stats Hist LHist:lo:hi:step, IPv4 (a u32 in host order: a
 * decimal value) and IPv6 (16 bytes: x:hexbytes).
 * Values: decimal integers (a 'u' suffix reads up to 2**64-1), True/False,
 * s:text or x:hexbytes for strings (padded with NULs to the capacity, cut
 * at the capacity). Observations: comma-separated integers, N*V for V
 * repeated N times, '-' for none. They are folded into the value layouts of
 * pyc.h (AggKind) the way the BPF side does it: hist slot 0 for v < 0, 1 for
 * 0, 2 + floor(log2 v) otherwise; lhist slot 0 below lo, the last at or
 * above hi, else 1 + (v - lo) / step.
 */
#include "output.h"

#include <stdlib.h>
#include <string.h>

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "output-test: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	exit(2);
}

static Type *mk(TypeKind k)
{
	Type *t = xcalloc(1, sizeof(*t));
	t->kind = k;
	return t;
}

static int ty_align(Type *t)
{
	switch (t->kind) {
	case TY_FIXED: return t->size;
	case TY_INT: return 8;
	case TY_TUPLE: {
		int a = 1;
		for (int i = 0; i < t->elems.len; i++) {
			int b = ty_align(VEC_AT(t->elems, i));
			if (b > a)
				a = b;
		}
		return a;
	}
	case TY_AGG: return 8;
	default: return 1;
	}
}

static int tsize(Type *t)
{
	switch (t->kind) {
	case TY_BOOL: return 1;
	case TY_INT: return 8;
	case TY_AGG:
		switch (t->agg) {
		case AGG_COUNT: case AGG_SUM: return 8;
		case AGG_HIST: return AGG_HIST_SLOTS * 8;
		case AGG_LHIST: return (int)((t->hi - t->lo) / t->step + 2) * 8;
		default: return 32;
		}
	default: return t->size;
	}
}

static Type *parse_type(const char **pp)
{
	const char *p = *pp;
	Type *t;
	static const char *const aggs[] = {"Count", "Sum", "Min", "Max", "Avg", "Stats", "Hist", "LHist"};

	if (*p == '(') {
		int off = 0, al;
		t = mk(TY_TUPLE);
		p++;
		while (*p != ')') {
			Type *e = parse_type(&p);
			int a = ty_align(e);
			off = (off + a - 1) / a * a;
			vec_push(&t->elems, e);
			t->offsets = xrealloc(t->offsets, t->elems.len * sizeof(int));
			t->offsets[t->elems.len - 1] = off;
			off += tsize(e);
			if (*p == ';')
				p++;
			else if (*p != ')')
				die("bad tuple type", *pp);
		}
		p++;
		al = ty_align(t);
		t->size = (off + al - 1) / al * al;
		*pp = p;
		return t;
	}
	size_t n = strcspn(p, ";):");
	char *w = xstrndup(p, n);
	p += n;
	if (!strcmp(w, "bool"))
		t = mk(TY_BOOL);
	else if (!strcmp(w, "IPv4")) {
		t = mk(TY_FIXED);
		t->size = 4;
		t->addr = 4;
	} else if (!strcmp(w, "IPv6")) {
		t = mk(TY_BYTES);
		t->size = 16;
		t->addr = 6;
	}
	else if (!strcmp(w, "int"))
		t = mk(TY_INT);
	else if ((w[0] == 'u' || w[0] == 'i') && atoi(w + 1) > 0) {
		t = mk(TY_FIXED);
		t->is_signed = w[0] == 'i';
		t->size = atoi(w + 1) / 8;
	} else if (!strncmp(w, "str", 3)) {
		t = mk(TY_STR);
		t->size = atoi(w + 3);
	} else {
		int k = -1;
		for (int i = 0; i < AGG__COUNT; i++)
			if (!strcmp(w, aggs[i]))
				k = i;
		if (k < 0)
			die("bad type", w);
		t = mk(TY_AGG);
		t->agg = k;
		if (k == AGG_LHIST) {
			char *end;
			t->lo = strtoll(p + 1, &end, 10);
			t->hi = strtoll(end + 1, &end, 10);
			t->step = strtoll(end + 1, &end, 10);
			p = end;
		}
	}
	*pp = p;
	return t;
}

static Type *type_of(const char *s)
{
	const char *p = s;
	Type *t = parse_type(&p);
	if (*p)
		die("junk after type", s);
	return t;
}

static uint64_t parse_u(const char *s, bool *ok)
{
	char *end;
	uint64_t v;
	size_t n = strlen(s);
	if (n && s[n - 1] == 'u') {
		v = strtoull(s, &end, 10);
		*ok = end == s + n - 1;
	} else {
		v = (uint64_t)strtoll(s, &end, 10);
		*ok = end == s + n && n;
	}
	return v;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* hex text to bytes; returns the length */
static size_t unhex(const char *h, unsigned char *out, size_t cap)
{
	size_t n = 0;
	for (; h[0] && h[1] && n < cap; h += 2) {
		int a = hexval(h[0]), b = hexval(h[1]);
		if (a < 0 || b < 0)
			die("bad hex", h);
		out[n++] = a * 16 + b;
	}
	return n;
}

static void put_scalar(Type *t, unsigned char *p, const char *tok)
{
	bool ok = true;
	switch (t->kind) {
	case TY_BOOL:
		if (strcmp(tok, "True") && strcmp(tok, "False"))
			die("bad bool", tok);
		p[0] = !strcmp(tok, "True");
		return;
	case TY_BYTES:
		if (strncmp(tok, "x:", 2) || unhex(tok + 2, p, t->size) != (size_t)t->size)
			die("bad bytes", tok);
		return;
	case TY_STR:
		memset(p, 0, t->size);
		if (!strncmp(tok, "s:", 2)) {
			size_t n = strlen(tok + 2);
			memcpy(p, tok + 2, n < (size_t)t->size ? n : (size_t)t->size);
		} else if (!strncmp(tok, "x:", 2)) {
			unhex(tok + 2, p, t->size);
		} else {
			die("bad str", tok);
		}
		return;
	default: {
		uint64_t v = parse_u(tok, &ok);
		int size = t->kind == TY_INT ? 8 : t->size;
		if (!ok)
			die("bad int", tok);
		if (size == 1) {
			uint8_t x = v;
			memcpy(p, &x, 1);
		} else if (size == 2) {
			uint16_t x = v;
			memcpy(p, &x, 2);
		} else if (size == 4) {
			uint32_t x = v;
			memcpy(p, &x, 4);
		} else {
			memcpy(p, &v, 8);
		}
	}
	}
}

static void put_obs(Type *t, unsigned char *p, uint64_t v, bool is_u)
{
	int64_t s = (int64_t)v, w[4];
	uint64_t slot;
	int k;

	memcpy(w, p, sizeof(w) < (size_t)tsize(t) ? sizeof(w) : (size_t)tsize(t));
	switch (t->agg) {
	case AGG_COUNT:
		w[0]++;
		break;
	case AGG_SUM:
		w[0] += s;
		break;
	case AGG_HIST:
		if (!is_u && s < 0)
			k = 0;
		else if (v == 0)
			k = 1;
		else
			k = 2 + 63 - __builtin_clzll(v);
		memcpy(&slot, p + 8 * k, 8);
		slot++;
		memcpy(p + 8 * k, &slot, 8);
		return;
	case AGG_LHIST: {
		int last = (int)((t->hi - t->lo) / t->step + 1);
		if (s < t->lo)
			k = 0;
		else if (s >= t->hi)
			k = last;
		else
			k = 1 + (int)((s - t->lo) / t->step);
		memcpy(&slot, p + 8 * k, 8);
		slot++;
		memcpy(p + 8 * k, &slot, 8);
		return;
	}
	default:
		if (w[0] == 0 || s < w[2])
			w[2] = s;
		if (w[0] == 0 || s > w[3])
			w[3] = s;
		w[0]++;
		w[1] += s;
		break;
	}
	memcpy(p, w, t->agg == AGG_COUNT || t->agg == AGG_SUM ? 8 : 32);
}

/* A value of type t from tok (observations for aggregations). */
static unsigned char *value_of(Type *t, const char *tok)
{
	unsigned char *p = xcalloc(1, tsize(t) + 8);
	char *dup = xstrdup(tok), *save = NULL, *e;
	int i = 0;

	if (t->kind == TY_AGG) {
		if (!strcmp(tok, "-"))
			return p;
		for (e = strtok_r(dup, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
			char *star = strchr(e, '*');
			long rep = 1;
			bool ok;
			uint64_t v;
			if (star) {
				rep = atol(e);
				e = star + 1;
			}
			v = parse_u(e, &ok);
			if (!ok)
				die("bad observation", e);
			for (long r = 0; r < rep; r++)
				put_obs(t, p, v, e[strlen(e) - 1] == 'u');
		}
		return p;
	}
	if (t->kind != TY_TUPLE) {
		put_scalar(t, p, tok);
		return p;
	}
	for (e = strtok_r(dup, ",", &save); e; e = strtok_r(NULL, ",", &save), i++) {
		if (i >= t->elems.len)
			die("too many tuple elements", tok);
		put_scalar(VEC_AT(t->elems, i), p + t->offsets[i], e);
	}
	if (i != t->elems.len)
		die("too few tuple elements", tok);
	return p;
}

/* An LPMTrie's key PREFIX/LENGTH as the kernel keeps it. */
static unsigned char *lpm_key_of(Type *kt, const char *tok)
{
	const char *slash = strrchr(tok, '/');
	unsigned char *p = xcalloc(1, 4 + tsize(kt)), *v;
	uint32_t len;
	if (!slash)
		die("an LPM key is PREFIX/LENGTH", tok);
	len = (uint32_t)atoi(slash + 1);
	memcpy(p, &len, 4);
	v = value_of(kt, xstrndup(tok, slash - tok));
	for (int i = 0; i < tsize(kt); i++)   /* most significant byte first */
		p[4 + i] = kt->kind == TY_BYTES ? v[i] : v[tsize(kt) - 1 - i];
	free(v);
	return p;
}

#define MAXTOK 16

int main(void)
{
	char line[65536];
	MapDecl *m = NULL;
	unsigned char **keys = NULL, **vals = NULL;
	int n = 0;

	out_init(stdout, OUT_TEXT);
	while (fgets(line, sizeof(line), stdin)) {
		char *tok[MAXTOK] = {0}, *save = NULL;
		int nt = 0;
		line[strcspn(line, "\n")] = 0;
		for (char *w = strtok_r(line, " ", &save); w && nt < MAXTOK; w = strtok_r(NULL, " ", &save))
			tok[nt++] = w;
		if (!nt || tok[0][0] == '#')
			continue;
		if (!strcmp(tok[0], "mode") && nt == 2) {
			out_init(stdout, !strcmp(tok[1], "json") ? OUT_JSON : OUT_TEXT);
		} else if ((!strcmp(tok[0], "map") || !strcmp(tok[0], "lpm")) && nt == 4) {
			m = xcalloc(1, sizeof(*m));
			m->name = xstrdup(tok[1]);
			m->cname = m->name;
			m->type = mk(TY_MAP);
			m->type->map_kind = !strcmp(tok[0], "lpm") ? MAP_LPM : MAP_HASH;
			m->type->key = type_of(tok[2]);
			m->type->val = type_of(tok[3]);
			n = 0;
		} else if (!strcmp(tok[0], "e") && nt == 3 && m) {
			keys = xrealloc(keys, (n + 1) * sizeof(*keys));
			vals = xrealloc(vals, (n + 1) * sizeof(*vals));
			keys[n] = m->type->map_kind == MAP_LPM ? lpm_key_of(m->type->key, tok[1]) : value_of(m->type->key, tok[1]);
			vals[n] = value_of(m->type->val, tok[2]);
			n++;
		} else if (!strcmp(tok[0], "end") && m) {
			out_map(m, keys, vals, n);
			m = NULL;
		} else if (!strcmp(tok[0], "agg") && nt == 4) {
			Type *t = type_of(tok[2]);
			out_agg(tok[1], t, value_of(t, tok[3]));
		} else if (!strcmp(tok[0], "global") && nt == 4) {
			Type *t = type_of(tok[2]);
			out_global(tok[1], t, value_of(t, tok[3]));
		} else if (!strcmp(tok[0], "print") && nt == 3) {
			size_t len = strlen(tok[2]) / 2 + 1;
			unsigned char *buf = xcalloc(1, len);
			len = strcmp(tok[2], "-") ? unhex(tok[2], buf, len) : 0;
			out_print(strcmp(tok[1], "-") ? tok[1] : NULL, (const char *)buf, len);
		} else if (!strcmp(tok[0], "lost") && nt == 2) {
			out_lost(strtoull(tok[1], NULL, 10));
		} else if (!strcmp(tok[0], "exc") && nt == 8) {
			char *msg = NULL;
			if (!strncmp(tok[4], "x:", 2)) {
				msg = xcalloc(1, strlen(tok[4]));
				unhex(tok[4] + 2, (unsigned char *)msg, strlen(tok[4]));
			} else if (strcmp(tok[4], "-")) {
				msg = tok[4];
			}
			out_exception(tok[1], atoi(tok[2]), tok[3], msg, tok[5],
				      strtoull(tok[6], NULL, 10), atoi(tok[7]) != 0);
		} else if (!strcmp(tok[0], "flush")) {
			out_flush();
		} else {
			die("bad command", tok[0]);
		}
	}
	fflush(stdout);
	return 0;
}
