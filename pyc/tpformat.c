/* tpformat.c — tracepoint record layouts from tracefs.
 *
 * TRACEFS/events/CAT/NAME/format lists the fields of the record a
 * tracepoint program gets, one a line:
 *
 *	field:const char * filename;	offset:24;	size:8;	signed:0;
 *	field:char comm[16];	offset:8;	size:16;	signed:0;
 *	field:__data_loc char[] name;	offset:8;	size:4;	signed:0;
 *
 * (see kernel/trace/trace_events.c, print_event_fields / f_show).
 */
#include "btf.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *tracefs_root(const char *tracefs)
{
	struct stat st;

	if (tracefs)
		return tracefs;
	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return "/sys/kernel/tracing";
	if (stat("/sys/kernel/debug/tracing/events", &st) == 0)
		return "/sys/kernel/debug/tracing";
	return "/sys/kernel/tracing";
}

static bool valid_name(const char *cat_name)
{
	const char *slash = strchr(cat_name, '/');

	if (!slash || slash == cat_name || !slash[1] || strchr(slash + 1, '/'))
		return false;
	for (const char *p = cat_name; *p; p++)
		if (!(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '/' || *p == '.'))
			return false;
	return !strstr(cat_name, "..");
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = 0;
	return s;
}

/* The size of one element of an array whose length the format spells with
 * an expression ("__u8 saddr[sizeof(struct sockaddr_in6)]"). */
static int elem_size(const char *base)
{
	static const struct { const char *name; int size; } known[] = {
		{ "char", 1 }, { "signed char", 1 }, { "unsigned char", 1 }, { "u8", 1 },
		{ "__u8", 1 }, { "s8", 1 }, { "__s8", 1 }, { "bool", 1 }, { "_Bool", 1 },
		{ "short", 2 }, { "unsigned short", 2 }, { "u16", 2 }, { "__u16", 2 },
		{ "s16", 2 }, { "__s16", 2 }, { "__be16", 2 }, { "__le16", 2 },
		{ "int", 4 }, { "unsigned int", 4 }, { "u32", 4 }, { "__u32", 4 },
		{ "s32", 4 }, { "__s32", 4 }, { "__be32", 4 }, { "__le32", 4 }, { "pid_t", 4 },
		{ "long", 8 }, { "unsigned long", 8 }, { "u64", 8 }, { "__u64", 8 },
		{ "s64", 8 }, { "__s64", 8 }, { "long long", 8 }, { "unsigned long long", 8 },
	};

	if (!strncmp(base, "const ", 6))
		base += 6;
	if (base[0] && base[strlen(base) - 1] == '*')
		return 8;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(base, known[i].name))
			return known[i].size;
	return 0;
}

/* "const char * filename" / "char comm[16]" / "__data_loc char[] name" */
static bool parse_decl(char *decl, TpField *f, const char **elem)
{
	char *s = trim(decl), *end = s + strlen(s), *name_end, *name;
	char *dims = NULL;

	if (end > s && end[-1] == ']') {
		char *lb = strrchr(s, '[');
		if (!lb)
			return false;
		dims = xstrndup(lb + 1, end - 1 - (lb + 1));
		end = lb;
	}
	name_end = end;
	while (name_end > s && isspace((unsigned char)name_end[-1]))
		name_end--;
	name = name_end;
	while (name > s && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (name == name_end)
		return false;
	f->name = xstrndup(name, name_end - name);

	char *base = trim(xstrndup(s, name - s));
	if (!*base)
		return false;
	/* "const char * " -> "const char *" */
	if (dims)
		f->ctype = xasprintf("%s[%s]", base, dims);
	else
		f->ctype = base;
	f->is_ptr = base[strlen(base) - 1] == '*' && !dims;
	f->data_loc = !strncmp(base, "__data_loc", 10) || !strncmp(base, "__rel_loc", 9);
	f->rel_loc = !strncmp(base, "__rel_loc", 9);
	if (dims) {
		char *e;
		long n = strtol(dims, &e, 0);
		if (*dims && !*e && n >= 0)
			f->array_len = (int)n;
		else
			f->array_len = -1; /* from size, below */
		*elem = base;
	}
	return true;
}

int tpformat_load(const char *tracefs, const char *cat_name, TpField **fields, int *n, const char **err)
{
	const char *root = tracefs_root(tracefs);
	char *path, *text, *line, *save = NULL;
	TpField *v = NULL;
	int count = 0, cap = 0;
	struct stat st;

	*fields = NULL;
	*n = 0;
	if (!valid_name(cat_name)) {
		*err = xasprintf("tracepoint '%s' must be written 'category/name' (e.g. 'syscalls/sys_enter_openat')",
				 cat_name);
		return -1;
	}
	path = xasprintf("%s/events/%s/format", root, cat_name);
	text = read_file(path, NULL);
	if (!text) {
		int e = errno;
		char *events = xasprintf("%s/events", root);
		if (stat(events, &st) < 0)
			*err = xasprintf("cannot list tracepoints: %s: %s (is tracefs mounted?)", events, strerror(errno));
		else if (e == ENOENT)
			*err = xasprintf("no tracepoint '%s' (%s does not exist)", cat_name, path);
		else
			*err = xasprintf("cannot read %s: %s", path, strerror(e));
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = trim(line), *semi;
		TpField f = {0};
		const char *elem = "";

		if (strncmp(p, "field:", 6))
			continue;
		p += 6;
		semi = strchr(p, ';');
		if (!semi)
			continue;
		*semi = 0;
		if (!parse_decl(p, &f, &elem)) {
			*err = xasprintf("%s: cannot parse field '%s'", path, p);
			return -1;
		}
		for (char *q = semi + 1; *q;) {
			char *key = trim(q), *colon, *next = strchr(q, ';');
			if (next)
				*next = 0;
			colon = strchr(key, ':');
			if (colon) {
				long val = strtol(colon + 1, NULL, 0);
				*colon = 0;
				if (!strcmp(key, "offset"))
					f.offset = (int)val;
				else if (!strcmp(key, "size"))
					f.size = (int)val;
				else if (!strcmp(key, "signed"))
					f.is_signed = val != 0;
			}
			if (!next)
				break;
			q = next + 1;
		}
		if (f.array_len < 0) {
			int es = elem_size(elem);
			f.array_len = es ? f.size / es : 0;
		}
		f.common = !strncmp(f.name, "common_", 7);
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(TpField));
		}
		v[count++] = f;
	}
	if (!count) {
		*err = xasprintf("%s: no fields", path);
		return -1;
	}
	*fields = v;
	*n = count;
	return 0;
}

/* ---- "did you mean" -------------------------------------------------------- */

typedef struct {
	char *name;
	int d;
} TpCand;

static int tpcand_cmp(const void *a, const void *b)
{
	const TpCand *x = a, *y = b;
	return x->d != y->d ? x->d - y->d : strcmp(x->name, y->name);
}

typedef struct {
	TpCand *v;
	int n, cap;
} TpNear;

static void tpnear_add(TpNear *nr, const char *want, char *name, const char *cmp_want, const char *cmp_name)
{
	int len = strlen(cmp_want), lim = len / 3 > 2 ? len / 3 : 2;
	int dl = (int)strlen(cmp_name) - len;
	int d;

	(void)want;
	if (lim >= len)
		lim = len - 1;
	if (dl > lim || -dl > lim)
		return;
	d = edit_distance(cmp_want, cmp_name);
	if (d > lim)
		return;
	if (nr->n == nr->cap) {
		nr->cap = nr->cap ? nr->cap * 2 : 16;
		nr->v = xrealloc(nr->v, nr->cap * sizeof(TpCand));
	}
	nr->v[nr->n].name = name;
	nr->v[nr->n++].d = d;
}

static void list_category(TpNear *nr, const char *root, const char *cat, const char *want, const char *want_event)
{
	char *dir = xasprintf("%s/events/%s", root, cat);
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "enable") || !strcmp(de->d_name, "filter"))
			continue;
		char *full = xasprintf("%s/%s", cat, de->d_name);
		if (want_event)
			tpnear_add(nr, want, full, want_event, de->d_name);
		else
			tpnear_add(nr, want, full, want, full);
	}
	closedir(d);
}

const char *tpformat_nearest(const char *tracefs, const char *cat_name, int max)
{
	const char *root = tracefs_root(tracefs);
	const char *slash = strchr(cat_name, '/');
	TpNear nr = {0};
	Str s = {0};
	struct stat st;

	str_add(&s, "", 0);
	if (slash) {
		char *cat = xstrndup(cat_name, slash - cat_name);
		char *dir = xasprintf("%s/events/%s", root, cat);
		if (*cat && !strstr(cat, "..") && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			list_category(&nr, root, cat, cat_name, slash + 1);
	}
	if (!nr.n) {
		char *events = xasprintf("%s/events", root);
		DIR *d = opendir(events);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char *p = xasprintf("%s/%s", events, de->d_name);
			if (de->d_name[0] == '.' || stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			list_category(&nr, root, de->d_name, cat_name, slash ? NULL : cat_name);
		}
		if (d)
			closedir(d);
	}
	if (nr.n)   /* no candidates: v is NULL, which qsort may not take */
		qsort(nr.v, nr.n, sizeof(TpCand), tpcand_cmp);
	for (int i = 0; i < nr.n && i < max; i++)
		str_printf(&s, "%s'%s'", i ? ", " : "", nr.v[i].name);
	return s.buf;
}
