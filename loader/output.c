/* output.c — what `pybpf load` shows (output.h; formats in docs/output.md).
 *
 * Text mode follows bpftrace 0.17's presentation (src/output.cpp and
 * src/bpftrace.cpp of v0.17.0), without the '@' before map names:
 *   - "name[key]: value" per entry; tuple keys "name[1, a]"; strings raw;
 *   - hist/lhist: "name[key]:" then one row per bucket from the first to
 *     the last non-zero bucket: the label left-aligned in 16 columns, the
 *     count right-aligned in 8, " |", a bar of '@' scaled to the largest
 *     bucket in 52 columns (width = (int)(count / (float)max * 52), float
 *     arithmetic as bpftrace does), "|"; keyed histograms separated by a
 *     blank line;
 *   - hist labels "(..., 0)", "[0]", "[1]", "[2, 4)", ..., "[512, 1K)",
 *     "[1K, 2K)", with K M G T suffixes (powers 10, 20, 30, 40 and up);
 *     lhist labels "(..., lo)", "[lo, lo+step)", ..., "[hi, ...)" with a
 *     number shown as nM when a multiple of 2**20, nK when a multiple of
 *     2**10 (0 as 0);
 *   - stats "count 2, average 6, total 12"; avg the average truncated
 *     toward zero (C division, like bpftrace);
 *   - entries sorted ascending by: the value (count, sum, min, max and
 *     plain integers), the average (avg, stats), the total count over all
 *     buckets (hist, lhist); ties by key.
 * Differences from bpftrace, on purpose: no '@'; "name:" has no trailing
 * space before a histogram (bpftrace 0.17 prints "@h: "); maps are
 * separated by exactly one blank line (bpftrace puts none after plain maps
 * and one after each histogram/stats map); str and tuple values sort by
 * value too (bpftrace sorts those maps by key); the keys of a tie are
 * compared by type (signed integers as signed; bpftrace compares integer
 * keys as unsigned).
 */
#include "output.h"
#include "support.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static FILE *out_file;
static OutFormat out_fmt = OUT_TEXT;

/* Text mode: what was printed last, for the blank line between maps. */
enum { BLK_NONE, BLK_MAP, BLK_GLOBAL };
static int last_block = BLK_NONE;

static FILE *outf(void)
{
	return out_file ? out_file : stdout;
}

void out_init(FILE *f, OutFormat fmt)
{
	out_file = f;
	out_fmt = fmt;
	last_block = BLK_NONE;
}

OutFormat out_format(void)
{
	return out_fmt;
}

static void emit(Str *s)
{
	if (s->len)
		fwrite(s->buf, 1, s->len, outf());
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

/* ---- reading values ------------------------------------------------------ */

static bool int_signed(Type *t)
{
	return t->kind == TY_INT || (t->kind == TY_FIXED && t->is_signed);
}

/* An integer key/value: sign-extended (signed types) or zero-extended. */
static uint64_t read_uint(const unsigned char *p, Type *t)
{
	int size = t->kind == TY_FIXED ? t->size : t->kind == TY_BOOL ? 1 : 8;
	bool sgn = int_signed(t);
	switch (size) {
	case 1: {
		uint8_t v = p[0];
		return sgn ? (uint64_t)(int64_t)(int8_t)v : v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, p, 2);
		return sgn ? (uint64_t)(int64_t)(int16_t)v : v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p, 4);
		return sgn ? (uint64_t)(int64_t)(int32_t)v : v;
	}
	default: {
		uint64_t v;
		memcpy(&v, p, 8);
		return v;
	}
	}
}

static int64_t rd64(const unsigned char *p, int i)
{
	int64_t v;
	memcpy(&v, p + 8 * i, 8);
	return v;
}

static uint64_t rdu64(const unsigned char *p, int i)
{
	uint64_t v;
	memcpy(&v, p + 8 * i, 8);
	return v;
}

static size_t str_len(const unsigned char *p, Type *t)
{
	return strnlen((const char *)p, t->size);
}

/* An IPv4 (a u32 in host order) or IPv6 (16 bytes as on the wire) value:
 * the text of inet_ntop(3), as Python's ipaddress module writes it. */
static bool is_addr(Type *t)
{
	return (t->kind == TY_FIXED && t->size == 4 && t->addr == 4) || (t->kind == TY_BYTES && t->size == 16 && t->addr == 6);
}

static void addr_text(Str *o, Type *t, const unsigned char *p)
{
	char b[INET6_ADDRSTRLEN];
	uint32_t a;
	if (t->kind == TY_FIXED) {
		memcpy(&a, p, 4);
		a = htonl(a);
		p = (const unsigned char *)&a;
	}
	str_puts(o, inet_ntop(t->kind == TY_FIXED ? AF_INET : AF_INET6, p, b, sizeof b) ? b : "?");
}

/* An LPMTrie's key as the kernel keeps it, {u32 prefix length; the
 * address, most significant byte first}, is shown as (address, length):
 * lpm_tuple() gives that tuple's type and lpm_rewrite() a key in it. */
static Type *lpm_tuple(Type *kt)
{
	static Type u32 = {.kind = TY_FIXED, .size = 4};
	Type *t = xcalloc(1, sizeof(*t));
	int ks = kt->size, loff = ks < 4 ? 4 : (ks + 3) / 4 * 4;
	t->kind = TY_TUPLE;
	vec_push(&t->elems, kt);
	vec_push(&t->elems, &u32);
	t->offsets = xcalloc(2, sizeof(int));
	t->offsets[1] = loff;
	t->size = ks == 8 ? 16 : loff + 4;
	return t;
}

static unsigned char *lpm_rewrite(Type *kt, Type *tt, const unsigned char *raw)
{
	unsigned char *t = xcalloc(1, tt->size);
	int ks = kt->size;
	if (kt->kind == TY_BYTES) {   /* bytes stay in their order */
		memcpy(t, raw + 4, ks);
	} else {
		uint64_t v = 0;
		for (int b = 0; b < ks; b++)
			v = v << 8 | raw[4 + b];
		memcpy(t, &v, ks);   /* little-endian: the low ks bytes */
	}
	memcpy(t + tt->offsets[1], raw, 4);
	return t;
}

/* ---- aggregations ---------------------------------------------------------- */

typedef struct Stats4 {
	int64_t count, sum, min, max;
} Stats4;

static Stats4 read_stats(const unsigned char *p)
{
	Stats4 s = {rd64(p, 0), rd64(p, 1), rd64(p, 2), rd64(p, 3)};
	return s;
}

static int64_t stats_avg(Stats4 s)
{
	return s.count > 0 ? s.sum / s.count : 0;
}

static int agg_slots(Type *t)
{
	if (t->agg == AGG_HIST)
		return AGG_HIST_SLOTS;
	return (int)((t->hi - t->lo) / t->step + 2);
}

static bool is_histo(Type *t)
{
	return t->kind == TY_AGG && (t->agg == AGG_HIST || t->agg == AGG_LHIST);
}

/* The number an aggregation sorts by (bpftrace's): *is_u for hist totals. */
static int64_t agg_measure(Type *t, const unsigned char *p, uint64_t *u, bool *is_u)
{
	*is_u = false;
	switch (t->agg) {
	case AGG_COUNT:
	case AGG_SUM:
		return rd64(p, 0);
	case AGG_MIN:
	case AGG_MAX: {
		Stats4 s = read_stats(p);
		if (s.count <= 0)
			return INT64_MIN;   /* no value: first */
		return t->agg == AGG_MIN ? s.min : s.max;
	}
	case AGG_AVG:
	case AGG_STATS:
		return stats_avg(read_stats(p));
	default: {
		uint64_t tot = 0;
		int n = agg_slots(t);
		for (int i = 0; i < n; i++)
			tot += rdu64(p, i);
		*is_u = true;
		*u = tot;
		return 0;
	}
	}
}

/* hist labels: 2**power with a K/M/G/T suffix, as bpftrace's hist_index_label */
static void hist_power_label(char *buf, size_t n, int power)
{
	static const char suffix[] = {0, 'K', 'M', 'G', 'T'};
	int k = power >= 40 ? 4 : power / 10;
	uint64_t v = (uint64_t)1 << (power - 10 * k);
	if (k)
		snprintf(buf, n, "%" PRIu64 "%c", v, suffix[k]);
	else
		snprintf(buf, n, "%" PRIu64, v);
}

/* lhist labels: as bpftrace's lhist_index_label */
static void lhist_num_label(char *buf, size_t n, int64_t v)
{
	if (v == 0)
		snprintf(buf, n, "0");
	else if (v % 1048576 == 0)
		snprintf(buf, n, "%" PRId64 "M", v / 1048576);
	else if (v % 1024 == 0)
		snprintf(buf, n, "%" PRId64 "K", v / 1024);
	else
		snprintf(buf, n, "%" PRId64, v);
}

static void bucket_label(char *buf, size_t n, Type *t, int i)
{
	char a[32], b[32];
	if (t->agg == AGG_HIST) {
		if (i == 0)
			snprintf(buf, n, "(..., 0)");
		else if (i == 1)
			snprintf(buf, n, "[0]");
		else if (i == 2)
			snprintf(buf, n, "[1]");
		else {
			hist_power_label(a, sizeof(a), i - 2);
			hist_power_label(b, sizeof(b), i - 1);
			snprintf(buf, n, "[%s, %s)", a, b);
		}
		return;
	}
	int last = agg_slots(t) - 1;
	if (i == 0) {
		lhist_num_label(a, sizeof(a), t->lo);
		snprintf(buf, n, "(..., %s)", a);
	} else if (i == last) {
		lhist_num_label(a, sizeof(a), t->hi);
		snprintf(buf, n, "[%s, ...)", a);
	} else {
		lhist_num_label(a, sizeof(a), t->lo + (i - 1) * t->step);
		lhist_num_label(b, sizeof(b), t->lo + i * t->step);
		snprintf(buf, n, "[%s, %s)", a, b);
	}
}

/* JSON bounds of bucket i: min inclusive, max exclusive, "null" when unbounded. */
static void bucket_bounds(Type *t, int i, char *lo, char *hi, size_t n)
{
	if (t->agg == AGG_HIST) {
		if (i == 0) {
			snprintf(lo, n, "null");
			snprintf(hi, n, "0");
		} else if (i == 1) {
			snprintf(lo, n, "0");
			snprintf(hi, n, "1");
		} else {
			snprintf(lo, n, "%" PRIu64, (uint64_t)1 << (i - 2));
			if (i - 1 >= 64)
				snprintf(hi, n, "18446744073709551616");
			else
				snprintf(hi, n, "%" PRIu64, (uint64_t)1 << (i - 1));
		}
		return;
	}
	int last = agg_slots(t) - 1;
	if (i == 0) {
		snprintf(lo, n, "null");
		snprintf(hi, n, "%" PRId64, t->lo);
	} else if (i == last) {
		snprintf(lo, n, "%" PRId64, t->hi);
		snprintf(hi, n, "null");
	} else {
		snprintf(lo, n, "%" PRId64, t->lo + (i - 1) * t->step);
		snprintf(hi, n, "%" PRId64, t->lo + i * t->step);
	}
}

/* First and last non-zero bucket; false when all are zero. */
static bool bucket_range(Type *t, const unsigned char *p, int *first, int *last)
{
	int n = agg_slots(t);
	*first = -1;
	*last = -1;
	for (int i = 0; i < n; i++)
		if (rdu64(p, i)) {
			if (*first < 0)
				*first = i;
			*last = i;
		}
	return *first >= 0;
}

static void text_histo(Str *o, Type *t, const unsigned char *p)
{
	int first, last;
	uint64_t maxv = 0;
	char label[80];

	if (!bucket_range(t, p, &first, &last))
		return;
	for (int i = first; i <= last; i++)
		if (rdu64(p, i) > maxv)
			maxv = rdu64(p, i);
	for (int i = first; i <= last; i++) {
		uint64_t c = rdu64(p, i);
		float ratio = (float)c / (float)maxv;
		float w = ratio * 52;
		int width = (int)w;
		char bar[53];
		if (width > 52)
			width = 52;
		memset(bar, '@', width);
		memset(bar + width, ' ', 52 - width);
		bar[52] = 0;
		bucket_label(label, sizeof(label), t, i);
		str_printf(o, "%-16s%8" PRIu64 " |%s|\n", label, c, bar);
	}
}

/* The one-line text of an aggregation that is not a histogram. */
static void text_agg_inline(Str *o, Type *t, const unsigned char *p)
{
	Stats4 s;
	switch (t->agg) {
	case AGG_COUNT:
	case AGG_SUM:
		str_printf(o, "%" PRId64, rd64(p, 0));
		return;
	case AGG_MIN:
	case AGG_MAX:
		s = read_stats(p);
		if (s.count <= 0)
			str_puts(o, "None");
		else
			str_printf(o, "%" PRId64, t->agg == AGG_MIN ? s.min : s.max);
		return;
	case AGG_AVG:
		str_printf(o, "%" PRId64, stats_avg(read_stats(p)));
		return;
	case AGG_STATS:
		s = read_stats(p);
		str_printf(o, "count %" PRId64 ", average %" PRId64 ", total %" PRId64, s.count, stats_avg(s), s.sum);
		return;
	}
}

/* ---- text of keys and values ---------------------------------------------------- */

static void text_value(Str *o, Type *t, const unsigned char *p);

static void text_elems(Str *o, Type *t, const unsigned char *p)
{
	for (int i = 0; i < t->elems.len; i++) {
		if (i)
			str_puts(o, ", ");
		text_value(o, VEC_AT(t->elems, i), p + t->offsets[i]);
	}
}

static out_stack_fn stack_fn;

void out_set_stack_fn(out_stack_fn fn)
{
	stack_fn = fn;
}

/* The frames of a KStack/UStack value (symbols, or addresses) */
static int stack_frames(Type *t, const unsigned char *p, const char ***frames)
{
	uint64_t v;
	memcpy(&v, p, 8);
	if (!stack_fn) {
		static const char *none[] = {"[no stack resolver]"};
		*frames = none;
		return 1;
	}
	return stack_fn(v, t->user, frames);
}

static void text_value(Str *o, Type *t, const unsigned char *p)
{
	switch (t->kind) {
	case TY_STACK: {
		/* as bpftrace 0.17 shows a stack in a key: one frame a line, indented 4 */
		const char **f;
		int n = stack_frames(t, p, &f);
		str_puts(o, "\n");
		for (int i = 0; i < n; i++)
			str_printf(o, "    %s\n", f[i]);
		return;
	}
	case TY_BOOL:
		str_puts(o, p[0] ? "True" : "False");
		return;
	case TY_STR:
		str_add(o, (const char *)p, str_len(p, t));
		return;
	case TY_BYTES:   /* repr(), as print() shows bytes; an IPv6 address as text */
		if (is_addr(t))
			addr_text(o, t, p);
		else
			fmt_repr_bytes(o, p, t->size);
		return;
	case TY_TUPLE:
		str_puts(o, "(");
		text_elems(o, t, p);
		str_puts(o, ")");
		return;
	case TY_STRUCT:   /* a map's Struct value, as a dataclass's repr; a lock is not shown */
		str_printf(o, "%s(", t->sname);
		for (int i = 0, n = 0; i < t->elems.len; i++) {
			Type *ft = VEC_AT(t->elems, i);
			if (ft->kind == TY_LOCK)
				continue;
			str_printf(o, "%s%s=", n++ ? ", " : "", (char *)VEC_AT(t->fnames, i));
			if (ft->kind == TY_STR) {
				str_puts(o, "'");
				text_value(o, ft, p + t->offsets[i]);
				str_puts(o, "'");
			} else {
				text_value(o, ft, p + t->offsets[i]);
			}
		}
		str_puts(o, ")");
		return;
	case TY_AGG:
		text_agg_inline(o, t, p);
		return;
	default: {
		uint64_t u = read_uint(p, t);
		if (is_addr(t))
			addr_text(o, t, p);
		else if (int_signed(t))
			str_printf(o, "%" PRId64, (int64_t)u);
		else
			str_printf(o, "%" PRIu64, u);
		return;
	}
	}
}

/* A key inside name[...]: a tuple without its parentheses. */
static void text_key(Str *o, Type *t, const unsigned char *p)
{
	if (t->kind == TY_TUPLE)
		text_elems(o, t, p);
	else
		text_value(o, t, p);
}

/* ---- JSON ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes left), or 0 when it
 * is invalid, with *bad the length of its maximal invalid subpart (what
 * Python's decode(errors="replace") turns into one U+FFFD). */
static int utf8_seq(const unsigned char *s, size_t n, int *bad)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	int need;
	size_t i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c == 0xe0)
		need = 2, lo = 0xa0;
	else if (c == 0xed)
		need = 2, hi = 0x9f;
	else if (c >= 0xe1 && c <= 0xef)
		need = 2;
	else if (c == 0xf0)
		need = 3, lo = 0x90;
	else if (c == 0xf4)
		need = 3, hi = 0x8f;
	else if (c >= 0xf1 && c <= 0xf3)
		need = 3;
	else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= (size_t)need && i < n; i++) {
		unsigned b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
			break;
	}
	if (i == (size_t)need + 1)
		return need + 1;
	*bad = (int)i;
	return 0;
}

/* A JSON string: valid UTF-8 as is, the JSON escapes for '"', '\\' and
 * control characters (and DEL), invalid UTF-8 as U+FFFD per maximal
 * invalid subpart (Python's bytes.decode("utf-8", "replace")). */
static void json_str(Str *o, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	str_add(o, "\"", 1);
	for (size_t i = 0; i < len;) {
		unsigned c = u[i];
		int bad = 0, n;
		if (c < 0x80) {
			switch (c) {
			case '"': str_add(o, "\\\"", 2); break;
			case '\\': str_add(o, "\\\\", 2); break;
			case '\n': str_add(o, "\\n", 2); break;
			case '\r': str_add(o, "\\r", 2); break;
			case '\t': str_add(o, "\\t", 2); break;
			case '\b': str_add(o, "\\b", 2); break;
			case '\f': str_add(o, "\\f", 2); break;
			default:
				if (c < 0x20 || c == 0x7f)
					str_printf(o, "\\u%04x", c);
				else
					str_add(o, s + i, 1);
			}
			i++;
			continue;
		}
		n = utf8_seq(u + i, len - i, &bad);
		if (n) {
			str_add(o, s + i, n);
			i += n;
		} else {
			str_puts(o, "\\ufffd");
			i += bad;
		}
	}
	str_add(o, "\"", 1);
}

static void json_cstr(Str *o, const char *s)
{
	if (s)
		json_str(o, s, strlen(s));
	else
		str_puts(o, "null");
}

static void json_histo(Str *o, Type *t, const unsigned char *p)
{
	int first, last;
	char lo[32], hi[32];
	str_puts(o, "{\"buckets\": [");
	if (bucket_range(t, p, &first, &last))
		for (int i = first; i <= last; i++) {
			bucket_bounds(t, i, lo, hi, sizeof(lo));
			str_printf(o, "%s{\"min\": %s, \"max\": %s, \"count\": %" PRIu64 "}", i > first ? ", " : "", lo, hi,
				   rdu64(p, i));
		}
	str_puts(o, "]}");
}

static void json_value(Str *o, Type *t, const unsigned char *p)
{
	switch (t->kind) {
	case TY_STACK: {
		const char **f;
		int n = stack_frames(t, p, &f);
		str_puts(o, "[");
		for (int i = 0; i < n; i++) {
			str_puts(o, i ? ", " : "");
			json_cstr(o, f[i]);
		}
		str_puts(o, "]");
		return;
	}
	case TY_BOOL:
		str_puts(o, p[0] ? "true" : "false");
		return;
	case TY_STR:
		json_str(o, (const char *)p, str_len(p, t));
		return;
	case TY_BYTES:   /* exact: the N bytes as numbers, list(b) in Python; an IPv6 address as text */
		if (is_addr(t)) {
			Str a = {0};
			addr_text(&a, t, p);
			json_str(o, a.buf, a.len);
			free(a.buf);
			return;
		}
		str_puts(o, "[");
		for (int i = 0; i < t->size; i++)
			str_printf(o, "%s%u", i ? ", " : "", p[i]);
		str_puts(o, "]");
		return;
	case TY_TUPLE:
		str_puts(o, "[");
		for (int i = 0; i < t->elems.len; i++) {
			if (i)
				str_puts(o, ", ");
			json_value(o, VEC_AT(t->elems, i), p + t->offsets[i]);
		}
		str_puts(o, "]");
		return;
	case TY_STRUCT:   /* {"field": value, ...}; a lock is not shown */
		str_puts(o, "{");
		for (int i = 0, n = 0; i < t->elems.len; i++) {
			if (((Type *)VEC_AT(t->elems, i))->kind == TY_LOCK)
				continue;
			str_puts(o, n++ ? ", " : "");
			json_cstr(o, VEC_AT(t->fnames, i));
			str_puts(o, ": ");
			json_value(o, VEC_AT(t->elems, i), p + t->offsets[i]);
		}
		str_puts(o, "}");
		return;
	case TY_AGG:
		if (t->agg == AGG_COUNT || t->agg == AGG_SUM) {
			str_printf(o, "%" PRId64, rd64(p, 0));
		} else if (is_histo(t)) {
			json_histo(o, t, p);
		} else {
			Stats4 s = read_stats(p);
			if (s.count > 0)
				str_printf(o,
					   "{\"count\": %" PRId64 ", \"sum\": %" PRId64 ", \"min\": %" PRId64
					   ", \"max\": %" PRId64 ", \"avg\": %" PRId64 "}",
					   s.count, s.sum, s.min, s.max, stats_avg(s));
			else
				str_printf(o, "{\"count\": 0, \"sum\": %" PRId64 ", \"min\": null, \"max\": null, \"avg\": null}",
					   s.sum);
		}
		return;
	default: {
		uint64_t u = read_uint(p, t);
		if (is_addr(t)) {
			Str a = {0};
			addr_text(&a, t, p);
			json_str(o, a.buf, a.len);
			free(a.buf);
		} else if (int_signed(t))
			str_printf(o, "%" PRId64, (int64_t)u);
		else
			str_printf(o, "%" PRIu64, u);
		return;
	}
	}
}

void out_json_value(Str *o, Type *t, const unsigned char *p)
{
	json_value(o, t, p);
}

/* ---- ordering --------------------------------------------------------------------- */

static int cmp_typed(Type *t, const unsigned char *a, const unsigned char *b)
{
	switch (t->kind) {
	case TY_STR: {
		size_t la = str_len(a, t), lb = str_len(b, t), n = la < lb ? la : lb;
		int c = memcmp(a, b, n);
		return c ? (c < 0 ? -1 : 1) : (la < lb ? -1 : la > lb);
	}
	case TY_BYTES: {   /* as Python compares bytes of one length: unsigned bytes, in order */
		int c = memcmp(a, b, t->size);
		return c < 0 ? -1 : c > 0;
	}
	case TY_LOCK:
		return 0;   /* a Struct's lock: not part of its value */
	case TY_STRUCT:
	case TY_TUPLE:
		for (int i = 0; i < t->elems.len; i++) {
			int c = cmp_typed(VEC_AT(t->elems, i), a + t->offsets[i], b + t->offsets[i]);
			if (c)
				return c;
		}
		return 0;
	case TY_AGG: {
		uint64_t ua = 0, ub = 0;
		bool isu;
		int64_t sa = agg_measure(t, a, &ua, &isu), sb = agg_measure(t, b, &ub, &isu);
		if (isu)
			return ua < ub ? -1 : ua > ub;
		return sa < sb ? -1 : sa > sb;
	}
	default: {
		uint64_t ua = read_uint(a, t), ub = read_uint(b, t);
		if (int_signed(t))
			return (int64_t)ua < (int64_t)ub ? -1 : (int64_t)ua > (int64_t)ub;
		return ua < ub ? -1 : ua > ub;
	}
	}
}

typedef struct SortCtx {
	Type *kt, *vt;
	unsigned char **keys, **vals;
} SortCtx;

static int cmp_entries(const void *x, const void *y, void *arg)
{
	SortCtx *c = arg;
	int a = *(const int *)x, b = *(const int *)y, r;
	r = cmp_typed(c->vt, c->vals[a], c->vals[b]);
	if (!r)
		r = cmp_typed(c->kt, c->keys[a], c->keys[b]);
	return r ? r : (a < b ? -1 : a > b);
}

/* ---- the API ------------------------------------------------------------------------ */

void out_print(const char *probe, const char *text, size_t len)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		if (len)
			fwrite(text, 1, len, outf());
		return;
	}
	if (len && text[len - 1] == '\n')
		len--;
	str_puts(&o, "{\"type\": \"print\", \"probe\": ");
	json_cstr(&o, probe);
	str_puts(&o, ", \"text\": ");
	json_str(&o, text, len);
	str_puts(&o, "}\n");
	emit(&o);
}

static void text_sep(int block)
{
	if (last_block != BLK_NONE && (block == BLK_MAP || last_block != block))
		fputc('\n', outf());
	last_block = block;
}

/* An LPMTrie of addresses: its (address, length) key as "10.0.0.0/8". */
static void lpm_addr_text(Str *o, Type *tt, const unsigned char *p)
{
	uint32_t len;
	memcpy(&len, p + tt->offsets[1], 4);
	addr_text(o, VEC_AT(tt->elems, 0), p);
	str_printf(o, "/%u", len);
}

static void free_keys(unsigned char **keys, int n)
{
	for (int i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
}

void out_map(MapDecl *m, unsigned char **keys, unsigned char **vals, int n)
{
	Type *kt = m->type->key, *vt = m->type->val;
	int *order = xcalloc(n > 0 ? n : 1, sizeof(int));
	bool lpm = m->type->map_kind == MAP_LPM, lpm_addr = lpm && is_addr(kt);
	unsigned char **raw = keys;
	SortCtx ctx;
	Str o = {0};

	if (lpm) {   /* keys as (address, length) tuples, sorted as those */
		Type *tt = lpm_tuple(kt);
		keys = xcalloc(n > 0 ? n : 1, sizeof(*keys));
		for (int i = 0; i < n; i++)
			keys[i] = lpm_rewrite(kt, tt, raw[i]);
		kt = tt;
	}
	ctx = (SortCtx){kt, vt, keys, vals};
	for (int i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(int), cmp_entries, &ctx);
	if (out_fmt == OUT_JSON) {
		str_puts(&o, "{\"type\": \"map\", \"name\": ");
		json_cstr(&o, m->name);
		str_puts(&o, ", \"entries\": [");
		for (int j = 0; j < n; j++) {
			int i = order[j];
			str_puts(&o, j ? ", {\"key\": " : "{\"key\": ");
			if (lpm_addr) {
				Str a = {0};
				lpm_addr_text(&a, kt, keys[i]);
				json_str(&o, a.buf, a.len);
				free(a.buf);
			} else {
				json_value(&o, kt, keys[i]);
			}
			str_puts(&o, ", \"value\": ");
			json_value(&o, vt, vals[i]);
			str_puts(&o, "}");
		}
		str_puts(&o, "]}\n");
		emit(&o);
		goto out;
	}
	if (!n)
		goto out;
	text_sep(BLK_MAP);
	for (int j = 0; j < n; j++) {
		int i = order[j];
		if (is_histo(vt) && j)
			str_puts(&o, "\n");
		str_printf(&o, "%s[", m->name);
		if (lpm_addr)
			lpm_addr_text(&o, kt, keys[i]);
		else
			text_key(&o, kt, keys[i]);
		if (is_histo(vt)) {
			str_puts(&o, "]:\n");
			text_histo(&o, vt, vals[i]);
		} else {
			str_puts(&o, "]: ");
			text_value(&o, vt, vals[i]);
			str_puts(&o, "\n");
		}
	}
	emit(&o);
out:
	if (lpm)
		free_keys(keys, n);
	free(order);
}

void out_global(const char *name, Type *t, const unsigned char *val)
{
	Str o = {0};
	if (out_fmt == OUT_JSON) {
		str_puts(&o, "{\"type\": \"global\", \"name\": ");
		json_cstr(&o, name);
		str_puts(&o, ", \"value\": ");
		json_value(&o, t, val);
		str_puts(&o, "}\n");
	} else {
		text_sep(BLK_GLOBAL);
		str_printf(&o, "%s: ", name);
		text_value(&o, t, val);
		str_puts(&o, "\n");
	}
	emit(&o);
}

void out_agg(const char *name, Type *t, const unsigned char *val)
{
	Str o = {0};
	if (out_fmt == OUT_JSON) {
		str_puts(&o, "{\"type\": \"agg\", \"name\": ");
		json_cstr(&o, name);
		str_puts(&o, ", \"value\": ");
		json_value(&o, t, val);
		str_puts(&o, "}\n");
	} else {
		text_sep(BLK_MAP);
		if (is_histo(t)) {
			str_printf(&o, "%s:\n", name);
			text_histo(&o, t, val);
		} else {
			str_printf(&o, "%s: ", name);
			text_value(&o, t, val);
			str_puts(&o, "\n");
		}
	}
	emit(&o);
}

void out_flush(void)
{
	last_block = BLK_NONE;
	fflush(outf());
}

void out_lost(uint64_t n)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		fflush(outf());
		fprintf(stderr, "pybpf: %" PRIu64 " print record%s lost (the ring buffer was full)\n", n, n == 1 ? "" : "s");
		return;
	}
	str_printf(&o, "{\"type\": \"lost\", \"count\": %" PRIu64 "}\n", n);
	emit(&o);
}

/* Records of PerfBuf map that the kernel could not write (its CPU's buffer was full: loader/perfbuf.c) */
void out_lost_in(const char *map, uint64_t n)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		fflush(outf());
		fprintf(stderr, "pybpf: %" PRIu64 " record%s of PerfBuf '%s' lost (its per-CPU buffer was full)\n", n,
			n == 1 ? "" : "s", map);
		return;
	}
	str_printf(&o, "{\"type\": \"lost\", \"map\": \"%s\", \"count\": %" PRIu64 "}\n", map, n);
	emit(&o);
}

void out_exception(const char *file, int line, const char *exc, const char *msg, const char *probe, uint64_t count,
		   bool final)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		fflush(outf());
		if (final)
			fprintf(stderr, "%s:%d: %s%s%s in %s: %" PRIu64 " time%s\n", file, line, exc, msg ? ": " : "",
				msg ? msg : "", probe, count, count == 1 ? "" : "s");
		else
			fprintf(stderr, "%s:%d: %s%s%s in %s (%" PRIu64 " so far)\n", file, line, exc, msg ? ": " : "",
				msg ? msg : "", probe, count);
		return;
	}
	str_puts(&o, "{\"type\": \"exception\", \"file\": ");
	json_cstr(&o, file);
	str_printf(&o, ", \"line\": %d, \"exception\": ", line);
	json_cstr(&o, exc);
	str_puts(&o, ", \"message\": ");
	json_cstr(&o, msg);
	str_puts(&o, ", \"probe\": ");
	json_cstr(&o, probe);
	str_printf(&o, ", \"count\": %" PRIu64 ", \"final\": %s}\n", count, final ? "true" : "false");
	emit(&o);
}

void out_test_run(const char *probe, int packet, const char *verdict, int64_t retval, const char *data, int64_t ns)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		str_printf(&o, "%s: packet %d: ", probe, packet);
		if (verdict)
			str_printf(&o, "%s (%" PRId64 ")", verdict, retval);
		else
			str_printf(&o, "%" PRId64, retval);
		if (data)
			str_printf(&o, " data %s", data);
		if (ns >= 0)
			str_printf(&o, " %" PRId64 " ns/run", ns);
		str_puts(&o, "\n");
		emit(&o);
		return;
	}
	str_puts(&o, "{\"type\": \"test_run\", \"probe\": ");
	json_cstr(&o, probe);
	str_printf(&o, ", \"packet\": %d, \"verdict\": ", packet);
	json_cstr(&o, verdict);
	str_printf(&o, ", \"retval\": %" PRId64 ", \"data\": ", retval);
	json_cstr(&o, data);
	if (ns >= 0)
		str_printf(&o, ", \"ns_per_run\": %" PRId64 "}\n", ns);
	else
		str_puts(&o, ", \"ns_per_run\": null}\n");
	emit(&o);
}

/* ---- Struct records and lists ----------------------------------------------------------- */

void out_event(MapDecl *m, const unsigned char *rec)
{
	Type *st = m->type->val;
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		/* what Python's dataclass repr shows: Event(pid=1, comm='bash') */
		str_printf(&o, "%s(", st->sname);
		for (int i = 0; i < st->elems.len; i++) {
			Type *ft = VEC_AT(st->elems, i);
			const unsigned char *p = rec + st->offsets[i];
			str_printf(&o, "%s%s=", i ? ", " : "", (const char *)VEC_AT(st->fnames, i));
			if (ft->kind == TY_STR)
				fmt_repr_str(&o, (const char *)p, str_len(p, ft));
			else if (ft->kind == TY_BYTES)
				fmt_repr_bytes(&o, p, ft->size);
			else
				text_value(&o, ft, p);
		}
		str_puts(&o, ")\n");
		emit(&o);
		return;
	}
	str_puts(&o, "{\"type\": \"event\", \"map\": ");
	json_cstr(&o, m->name);
	str_puts(&o, ", \"struct\": ");
	json_cstr(&o, st->sname);
	str_puts(&o, ", \"data\": {");
	for (int i = 0; i < st->elems.len; i++) {
		str_puts(&o, i ? ", " : "");
		json_cstr(&o, VEC_AT(st->fnames, i));
		str_puts(&o, ": ");
		json_value(&o, VEC_AT(st->elems, i), rec + st->offsets[i]);
	}
	str_puts(&o, "}}\n");
	emit(&o);
}

void out_list(MapDecl *m, unsigned char **vals, int n)
{
	Str o = {0};
	if (out_fmt == OUT_TEXT) {
		if (!n)
			return;
		text_sep(BLK_MAP);
		str_printf(&o, "%s: [", m->name);
		for (int i = 0; i < n; i++) {
			str_puts(&o, i ? ", " : "");
			text_value(&o, m->type->val, vals[i]);
		}
		str_puts(&o, "]\n");
		emit(&o);
		return;
	}
	str_puts(&o, "{\"type\": \"list\", \"name\": ");
	json_cstr(&o, m->name);
	str_puts(&o, ", \"values\": [");
	for (int i = 0; i < n; i++) {
		str_puts(&o, i ? ", " : "");
		json_value(&o, m->type->val, vals[i]);
	}
	str_puts(&o, "]}\n");
	emit(&o);
}
