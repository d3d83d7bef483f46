/* probes.c — expand attach-point patterns (see probes.h) and `pybpf probes`.
 *
 * Every source is read once per process and cached as a sorted, unique
 * vector of names; matching is fnmatch(3) over that vector.
 */
#include "probes.h"
#include "support.h"
#include "usdt.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *last_error;

const char *probes_error(void)
{
	return last_error ? last_error : "";
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	char *m = NULL;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	last_error = m ? m : "out of memory";
	return -1;
}

/* ---- sorted, unique name vectors ------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort_unique(Vec *v)
{
	int j = 0;

	if (v->len < 2)
		return;
	qsort(v->data, v->len, sizeof(void *), cmp_str);
	for (int i = 0; i < v->len; i++)
		if (!j || strcmp(v->data[j - 1], v->data[i]))
			v->data[j++] = v->data[i];
	v->len = j;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* ---- tracepoints ---------------------------------------------------------- */

static Vec tp_cache;
static bool tp_loaded;

/* Walk TRACEFS/events/CAT/NAME for dirs with an `id` file (used when
 * available_events cannot be read; gives the same set). */
static int tp_walk(const char *root, Vec *out)
{
	char *events = xasprintf("%s/events", root);
	DIR *d = opendir(events);
	struct dirent *de;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		/* ftrace/: ftrace's internal formats (function, print ...), not
		 * tracepoints; available_events leaves them out too */
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    !strcmp(de->d_name, "ftrace"))
			continue;
		char *cat = xasprintf("%s/%s", events, de->d_name);
		DIR *c = opendir(cat);
		struct dirent *ne;
		while (c && (ne = readdir(c))) {
			if (ne->d_name[0] == '.' || (ne->d_type != DT_DIR && ne->d_type != DT_UNKNOWN))
				continue;
			char *id = xasprintf("%s/%s/id", cat, ne->d_name);
			if (access(id, F_OK) == 0)
				vec_push(out, xasprintf("%s/%s", de->d_name, ne->d_name));
			free(id);
		}
		if (c)
			closedir(c);
		free(cat);
	}
	closedir(d);
	return 0;
}

/* All tracepoints as "cat/name". available_events is the kernel's list of
 * events that can be enabled (what bpftrace -l lists); the events/ tree
 * also has a few ftrace-internal entries with an id (ftrace/function,
 * ftrace/print) that BPF cannot attach to. */
static Vec *tp_all(void)
{
	if (tp_loaded)
		return &tp_cache;
	const char *root = sys_tracefs();
	char *path = xasprintf("%s/available_events", root);
	char *text = read_file(path, NULL);

	if (text) {
		char *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *colon = strchr(line, ':');
			if (colon && colon != line && colon[1]) {
				*colon = '/';
				vec_push(&tp_cache, line);
			}
		}
	} else {
		int e = errno;
		if (tp_walk(root, &tp_cache) < 0 || !tp_cache.len) {
			fail("cannot read the tracepoints in %s: %s%s", root, strerror(e),
			     e == EACCES || e == EPERM ? " (tracefs is readable by root only; try sudo)" : "");
			return NULL;
		}
	}
	sort_unique(&tp_cache);
	tp_loaded = true;
	return &tp_cache;
}

/* ---- vmlinux BTF ------------------------------------------------------------ */

static struct btf *vmlinux_btf;

static struct btf *btf_vmlinux(void)
{
	if (!vmlinux_btf) {
		libbpf_set_print(NULL);
		vmlinux_btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
		if (!vmlinux_btf) {
			int e = errno;
			fail("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux): %s", strerror(e));
			return NULL;
		}
	}
	return vmlinux_btf;
}

/* bpf_lsm_* functions in kernel/bpf/bpf_lsm.c (and fs/) that are helpers,
 * not LSM hooks. */
static const char *const lsm_not_hooks[] = {
	"find_cgroup_shim", "func_proto", "get_retval_range", "has_d_inode_locked",
	"hook_returns_errno", "is_sleepable_hook", "is_trusted", "verify_prog",
};

static bool lsm_is_hook(const char *name)
{
	for (size_t i = 0; i < sizeof(lsm_not_hooks) / sizeof(lsm_not_hooks[0]); i++)
		if (!strcmp(name, lsm_not_hooks[i]))
			return false;
	return true;
}

/* A struct_ops value type: struct bpf_struct_ops_X { struct
 * bpf_struct_ops_common_value common; struct X data; } (older kernels:
 * refcnt/state members, then `data`). Structs like bpf_struct_ops_map share
 * the prefix but are not value types. Returns X or NULL. */
static const char *struct_ops_name(const struct btf *btf, const struct btf_type *t)
{
	const char *name = btf__name_by_offset(btf, t->name_off);
	const char *x = name + strlen("bpf_struct_ops_");
	const struct btf_member *m = btf_members(t);
	int n = btf_vlen(t);

	if (!n)
		return NULL;
	const struct btf_member *last = &m[n - 1];
	const struct btf_type *dt = btf__type_by_id(btf, last->type);
	if (strcmp(btf__name_by_offset(btf, last->name_off), "data") || !dt || !btf_is_struct(dt) ||
	    strcmp(btf__name_by_offset(btf, dt->name_off), x))
		return NULL;
	return x;
}

/* Names of one BTF-derived kind, cached: 0 tp_btf, 1 functions, 2 lsm, 3 struct_ops. */
enum { BS_TP, BS_FUNC, BS_LSM, BS_SOPS, BS__N };
static Vec btf_sets[BS__N];
static bool btf_loaded;

static Vec *btf_set(int which)
{
	if (!btf_loaded) {
		struct btf *btf = btf_vmlinux();
		if (!btf)
			return NULL;
		int n = btf__type_cnt(btf);
		for (int id = 1; id < n; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			const char *name = btf__name_by_offset(btf, t->name_off);
			if (!name || !*name)
				continue;
			if (btf_is_typedef(t) && !strncmp(name, "btf_trace_", 10) && name[10]) {
				vec_push(&btf_sets[BS_TP], (char *)name + 10);
			} else if (btf_is_func(t)) {
				vec_push(&btf_sets[BS_FUNC], (char *)name);
				if (!strncmp(name, "bpf_lsm_", 8) && name[8] && lsm_is_hook(name + 8))
					vec_push(&btf_sets[BS_LSM], (char *)name + 8);
			} else if (btf_is_struct(t) && !strncmp(name, "bpf_struct_ops_", 15)) {
				const char *x = struct_ops_name(btf, t);
				if (x)
					vec_push(&btf_sets[BS_SOPS], (char *)x);
			}
		}
		for (int i = 0; i < BS__N; i++)
			sort_unique(&btf_sets[i]);
		btf_loaded = true;
	}
	return &btf_sets[which];
}

/* ---- kernel functions for kprobes ------------------------------------------ */

static Vec ksym_cache;
static bool ksym_loaded;

static Vec *ksyms(void)
{
	if (ksym_loaded)
		return &ksym_cache;
	char *aff = xasprintf("%s/available_filter_functions", sys_tracefs());
	char *text = read_file(aff, NULL);
	bool kallsyms = false;

	if (!text) {
		text = read_file("/proc/kallsyms", NULL);
		kallsyms = true;
		if (!text)
			return fail("cannot read %s or /proc/kallsyms: %s", aff, strerror(errno)), NULL;
	}
	for (char *line = text, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *name = line;
		if (kallsyms) {
			/* "ffffffff81000000 T _stext [module]" */
			char *sp = strchr(line, ' ');
			if (!sp || !sp[1] || (sp[1] != 't' && sp[1] != 'T') || sp[2] != ' ')
				continue;
			name = sp + 3;
			if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
				continue;
		}
		/* "func [module]" / "func\t[module]" */
		name[strcspn(name, " \t")] = 0;
		if (*name)
			vec_push(&ksym_cache, name);
	}
	sort_unique(&ksym_cache);
	ksym_loaded = true;
	return &ksym_cache;
}

/* ---- uprobes: ELF function symbols ----------------------------------------- */

static bool is_elf(const char *path)
{
	unsigned char m[4];
	struct stat st;
	int fd;
	bool ok;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = read(fd, m, 4) == 4 && !memcmp(m, "\177ELF", 4);
	close(fd);
	return ok;
}

static const char *const lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib",
};

const char *probes_resolve_binary(const char *name)
{
	if (!name || !*name)
		return fail("no binary given"), NULL;
	if (strchr(name, '/')) {
		if (access(name, R_OK) < 0)
			return fail("cannot open %s: %s", name, strerror(errno)), NULL;
		if (!is_elf(name))
			return fail("%s is not an ELF file", name), NULL;
		return name;
	}
	size_t nl = strlen(name);
	for (size_t i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++) {
		char *p = xasprintf("%s/%s", lib_dirs[i], name);
		if (is_elf(p))
			return p;
		free(p);
		p = xasprintf("%s/%s.so", lib_dirs[i], name);
		if (is_elf(p))   /* libc.so is a linker script: is_elf skips it */
			return p;
		free(p);
		/* NAME.so.*: the shortest (the soname, e.g. libc.so.6) */
		DIR *d = opendir(lib_dirs[i]);
		struct dirent *de;
		char *best = NULL;
		while (d && (de = readdir(d))) {
			if (strncmp(de->d_name, name, nl) || strncmp(de->d_name + nl, ".so.", 4))
				continue;
			char *q = xasprintf("%s/%s", lib_dirs[i], de->d_name);
			if (is_elf(q) && (!best || strlen(q) < strlen(best) ||
					  (strlen(q) == strlen(best) && strcmp(q, best) < 0))) {
				free(best);
				best = q;
			} else {
				free(q);
			}
		}
		if (d)
			closedir(d);
		if (best)
			return best;
	}
	/* A program on $PATH. */
	const char *path = getenv("PATH");
	char *dirs = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *save = NULL, *dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", dir, name);
		if (is_elf(p))
			return p;
		free(p);
	}
	return fail("cannot find binary or library '%s' (looked in /lib/x86_64-linux-gnu, "
		    "/usr/lib/x86_64-linux-gnu, /lib64, /usr/lib and $PATH)", name), NULL;
}

static int elf_funcs(const char *path, Vec *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	Elf_Scn *scn = NULL;

	if (fd < 0)
		return fail("cannot open %s: %s", path, strerror(errno));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		close(fd);
		return fail("libelf: %s", elf_errmsg(-1));
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		if (e)
			elf_end(e);
		close(fd);
		return fail("%s is not an ELF file", path);
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; data && i < n; i++) {
			GElf_Sym sym;
			if (!gelf_getsym(data, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF)
				continue;
			const char *name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (name && *name)
				vec_push(out, xstrdup(name));
		}
	}
	elf_end(e);
	close(fd);
	sort_unique(out);
	return 0;
}

/* ---- nearest names ---------------------------------------------------------- */

/* Levenshtein distance, giving up (returning > limit) once it exceeds limit. */
static int ldist(const char *a, const char *b, int limit)
{
	int la = strlen(a), lb = strlen(b);
	int sbuf[2][256], *prev = sbuf[0], *cur = sbuf[1], *heap = NULL;

	if (abs(la - lb) > limit)
		return limit + 1;
	if (lb >= 256) {
		heap = xcalloc(2 * (lb + 1), sizeof(int));
		prev = heap;
		cur = heap + lb + 1;
	}
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		int rowmin = cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
			if (c < rowmin)
				rowmin = c;
		}
		int *t = prev;
		prev = cur;
		cur = t;
		if (rowmin > limit) {
			free(heap);
			return limit + 1;
		}
	}
	int d = prev[lb];
	free(heap);
	return d;
}

#define NEAR_MAX 3

typedef struct {
	int n;
	int d[NEAR_MAX];
	const char *name[NEAR_MAX];
} Near;

/* Consider candidate `name` whose distance key is `key` (name itself, or a
 * part of it). Keeps the NEAR_MAX best by (distance, name). */
static void near_add(Near *nr, const char *q, const char *key, const char *name)
{
	int limit = nr->n < NEAR_MAX ? 1 << 20 : nr->d[NEAR_MAX - 1];
	int d = ldist(q, key, limit);
	int i;

	if (nr->n == NEAR_MAX && (d > nr->d[NEAR_MAX - 1] ||
				  (d == nr->d[NEAR_MAX - 1] && strcmp(name, nr->name[NEAR_MAX - 1]) >= 0)))
		return;
	for (i = 0; i < nr->n; i++)
		if (!strcmp(nr->name[i], name))
			return;
	i = nr->n < NEAR_MAX ? nr->n++ : NEAR_MAX - 1;
	while (i > 0 && (nr->d[i - 1] > d || (nr->d[i - 1] == d && strcmp(nr->name[i - 1], name) > 0))) {
		nr->d[i] = nr->d[i - 1];
		nr->name[i] = nr->name[i - 1];
		i--;
	}
	nr->d[i] = d;
	nr->name[i] = name;
}

/* The pattern with the glob characters * ? [ ] removed, for distances. */
static char *unglob(const char *p)
{
	char *s = xstrdup(p), *w = s;

	for (; *p; p++)
		if (!strchr("*?[]", *p))
			*w++ = *p;
	*w = 0;
	return s;
}

/* Nearest names to a pattern among cands (sorted). For tracepoints
 * ("cat/name" pattern and names): a category written without glob that
 * exists narrows the candidates to it; a category that is only '*'s compares
 * the name parts. */
static Near nearest_names(const char *kind, Vec *cands, const char *pat)
{
	Near nr = {0};
	bool tp = !strcmp(kind, "tracepoint");
	const char *slash = tp ? strchr(pat, '/') : NULL;

	if (slash) {
		char *cat = xstrndup(pat, slash - pat);
		bool stars = cat[strspn(cat, "*")] == 0;
		char *qname = unglob(slash + 1), *qfull = unglob(pat);
		size_t cl = strlen(cat);
		bool cat_exists = false;
		if (!has_glob(cat))
			for (int i = 0; i < cands->len && !cat_exists; i++)
				cat_exists = !strncmp(cands->data[i], cat, cl) &&
					     ((char *)cands->data[i])[cl] == '/';
		for (int i = 0; i < cands->len; i++) {
			const char *c = cands->data[i];
			const char *cs = strchr(c, '/');
			if (stars)
				near_add(&nr, qname, cs ? cs + 1 : c, c);
			else if (!cat_exists || (!strncmp(c, cat, cl) && c[cl] == '/'))
				near_add(&nr, qfull, c, c);
		}
		return nr;
	}
	char *q = unglob(pat);
	for (int i = 0; i < cands->len; i++)
		near_add(&nr, q, cands->data[i], cands->data[i]);
	return nr;
}

static const char *near_format(const Near *nr, const char *prefix)
{
	Str s = {0};

	str_add(&s, "", 0);
	for (int i = 0; i < nr->n; i++) {
		char *n = xasprintf("%s%s", prefix, nr->name[i]);
		if (!strcmp(prefix, "tracepoint:"))
			*strchr(n + strlen(prefix), '/') = ':';
		str_printf(&s, "%s'%s'", i ? ", " : "", n);
		free(n);
	}
	return s.buf;
}

/* ---- matching -------------------------------------------------------------- */

/* Tracepoint pattern -> "cat/name" glob: "cat:name" and "cat/name" as
 * given (the first ':' becomes '/'), a bare "name" means any category. */
static char *tp_pattern(const char *pattern)
{
	if (strchr(pattern, '/'))
		return xstrdup(pattern);
	char *colon = strchr(pattern, ':');
	if (colon) {
		char *p = xstrdup(pattern);
		p[colon - pattern] = '/';
		return p;
	}
	return xasprintf("*/%s", pattern);
}

/* The candidate names for a kernel kind; NULL on error; `tpat` gets the
 * normalised pattern. */
static Vec *kind_names(const char *kind, const char **pattern)
{
	if (!strcmp(kind, "tracepoint")) {
		*pattern = tp_pattern(*pattern);
		return tp_all();
	}
	if (!strcmp(kind, "tp_btf") || !strcmp(kind, "raw_tp"))
		return btf_set(BS_TP);
	if (!strcmp(kind, "fentry") || !strcmp(kind, "fexit"))
		return btf_set(BS_FUNC);
	if (!strcmp(kind, "lsm"))
		return btf_set(BS_LSM);
	if (!strcmp(kind, "struct_ops"))
		return btf_set(BS_SOPS);
	if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe"))
		return ksyms();
	fail("unknown probe kind '%s'", kind);
	return NULL;
}

static bool is_uprobe(const char *kind)
{
	return !strcmp(kind, "uprobe") || !strcmp(kind, "uretprobe");
}

/* Shared by probes_match and probes_list: on 0 matches fills *nr. */
static int match(const char *kind, const char *pattern, Vec *out, Near *nr, const char **binary)
{
	Vec *cands, ucands = {0};
	const char *pat = pattern;
	int n = 0;

	if (!strcmp(kind, "usdt")) {
		/* "BINARY:PROVIDER:NAME" or "BINARY:GLOB" (matched against
		 * "provider:name"); paths have no colon. */
		const char *colon = strchr(pattern, ':');
		char *bin = colon ? xstrndup(pattern, colon - pattern) : xstrdup(pattern);
		const char *path = probes_resolve_binary(bin);
		if (!path)
			return -1;
		if (binary)
			*binary = path;
		pat = colon ? colon + 1 : "*";
		if (usdt_notes(path, &ucands, NULL) < 0)
			return fail("cannot read the USDT notes of %s", path);
		sort_unique(&ucands);
		cands = &ucands;
	} else if (is_uprobe(kind)) {
		const char *colon = strrchr(pattern, ':');
		char *bin = colon ? xstrndup(pattern, colon - pattern) : xstrdup(pattern);
		const char *path = probes_resolve_binary(bin);
		if (!path)
			return -1;
		if (binary)
			*binary = path;
		pat = colon ? colon + 1 : "*";
		if (elf_funcs(path, &ucands) < 0)
			return -1;
		cands = &ucands;
	} else {
		cands = kind_names(kind, &pat);
		if (!cands)
			return -1;
	}
	/* Candidates are sorted and unique, so the matches are too. */
	if (!has_glob(pat)) {
		void *key = (void *)pat;
		if (bsearch(&key, cands->data, cands->len, sizeof(void *), cmp_str)) {
			vec_push(out, xstrdup(pat));
			n = 1;
		}
	} else {
		for (int i = 0; i < cands->len; i++)
			if (fnmatch(pat, cands->data[i], 0) == 0) {
				vec_push(out, xstrdup(cands->data[i]));
				n++;
			}
	}
	if (!n && nr)
		*nr = nearest_names(kind, cands, pat);
	return n;
}

int probes_match(const char *kind, const char *pattern, Vec *out, const char **nearest)
{
	Near nr = {0};
	int n;

	if (nearest)
		*nearest = "";
	n = match(kind, pattern, out, nearest ? &nr : NULL, NULL);
	if (n == 0 && nearest)
		*nearest = near_format(&nr, "");
	return n;
}

/* ---- pybpf probes ---------------------------------------------------------- */

static const struct {
	const char *alias, *kind;
} kinds[] = {
	{ "tracepoint", "tracepoint" }, { "t", "tracepoint" },
	{ "tp_btf", "tp_btf" },
	{ "raw_tp", "raw_tp" }, { "rawtracepoint", "raw_tp" }, { "rt", "raw_tp" },
	{ "fentry", "fentry" }, { "kfunc", "fentry" }, { "f", "fentry" },
	{ "fexit", "fexit" }, { "kretfunc", "fexit" }, { "fr", "fexit" },
	{ "kprobe", "kprobe" }, { "k", "kprobe" },
	{ "kretprobe", "kretprobe" }, { "kr", "kretprobe" },
	{ "lsm", "lsm" },
	{ "struct_ops", "struct_ops" },
	{ "uprobe", "uprobe" }, { "u", "uprobe" },
	{ "uretprobe", "uretprobe" }, { "ur", "uretprobe" },
	{ "usdt", "usdt" }, { "U", "usdt" },
};

static const char *kind_of(const char *alias, size_t len)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].alias) == len && !strncmp(kinds[i].alias, alias, len))
			return kinds[i].kind;
	return NULL;
}

/* For a kind-less "word:rest" that matched nothing: when `word` (no glob)
 * is no tracepoint category but is within edit distance 2 of a kind name,
 * that kind; else NULL. */
static const char *near_kind(const char *word, size_t len)
{
	char *w = xstrndup(word, len);
	Vec *tps = tp_all();
	const char *best = NULL;
	int bestd = 3;

	if (has_glob(w) || !tps)
		return NULL;
	for (int i = 0; i < tps->len; i++) {
		const char *c = tps->data[i];
		if (!strncmp(c, w, len) && c[len] == '/')
			return NULL;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		int d;
		if (strcmp(kinds[i].alias, kinds[i].kind))
			continue;   /* canonical names only */
		d = ldist(w, kinds[i].kind, bestd);
		if (d < bestd) {
			bestd = d;
			best = kinds[i].kind;
		}
	}
	return best;
}

static int list_kind(const char *kind, const char *rest, Vec *lines, Near *nr, const char **binary)
{
	Vec names = {0};
	int n = match(kind, rest, &names, nr, binary);

	for (int i = 0; i < n; i++) {
		char *name = names.data[i];
		if (!strcmp(kind, "tracepoint"))
			*strchr(name, '/') = ':';
		if (!strcmp(kind, "usdt")) {
			const char *spec = usdt_argspec(*binary, name);
			vec_push(lines, *spec ? xasprintf("usdt:%s:%s  %s", *binary, name, spec)
					      : xasprintf("usdt:%s:%s", *binary, name));
		} else if (is_uprobe(kind))
			vec_push(lines, xasprintf("%s:%s:%s", kind, *binary, name));
		else
			vec_push(lines, xasprintf("%s:%s", kind, name));
	}
	return n;
}

int probes_list(const char *pattern, FILE *out)
{
	Vec lines = {0};
	Near nr = {0};
	const char *kind = NULL, *rest = pattern, *binary = NULL;
	int n;

	if (!pattern || !*pattern) {
		static const char *const all[] = { "tracepoint", "tp_btf", "fentry", "kprobe", "lsm", "struct_ops" };
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (list_kind(all[i], "*", &lines, NULL, NULL) < 0)
				fprintf(stderr, "pybpf: warning: %s: %s\n", all[i], probes_error());
	} else {
		const char *colon = strchr(pattern, ':');
		if (colon && (kind = kind_of(pattern, colon - pattern)))
			rest = colon + 1;
		else
			kind = "tracepoint";
		if (!*rest) {
			fprintf(stderr, "pybpf: error: bad probe pattern '%s': expected %s after '%.*s'\n", pattern,
				is_uprobe(kind) ? "BINARY:FUNCTION" : !strcmp(kind, "usdt") ? "BINARY:PROVIDER:NAME" : "a name or glob", (int)(colon - pattern + 1), pattern);
			return 1;
		}
		if (!strcmp(kind, "tracepoint")) {
			/* at most one separator between category and name */
			const char *sep = strpbrk(rest, ":/");
			if (sep && strpbrk(sep + 1, ":/")) {
				if (rest == pattern && colon)
					fprintf(stderr, "pybpf: error: bad probe pattern '%s': unknown probe kind '%.*s' "
						"(kinds: tracepoint, tp_btf, raw_tp, fentry, fexit, kprobe, kretprobe, "
						"lsm, struct_ops, uprobe, uretprobe)\n", pattern, (int)(colon - pattern), pattern);
				else
					fprintf(stderr, "pybpf: error: bad probe pattern '%s': expected "
						"tracepoint:CATEGORY:NAME\n", pattern);
				return 1;
			}
		} else if (!is_uprobe(kind) && strcmp(kind, "usdt") && strpbrk(rest, ":/")) {
			fprintf(stderr, "pybpf: error: bad probe pattern '%s': a %s name has no ':' or '/'\n",
				pattern, kind);
			return 1;
		}
		n = list_kind(kind, rest, &lines, &nr, &binary);
		if (n < 0) {
			fprintf(stderr, "pybpf: error: %s\n", probes_error());
			return 1;
		}
		if (n == 0 && rest == pattern && colon) {
			/* "kprob:vfs_read": maybe a misspelt kind rather than a category */
			const char *k = near_kind(pattern, colon - pattern);
			if (k) {
				fprintf(stderr, "pybpf: no probes match '%s': '%.*s' is neither a probe kind nor a "
					"tracepoint category; did you mean '%s%s'?\n", pattern, (int)(colon - pattern),
					pattern, k, colon);
				return 1;
			}
		}
		if (n == 0) {
			const char *prefix = is_uprobe(kind) || !strcmp(kind, "usdt") ? xasprintf("%s:%s:", kind, binary) : xasprintf("%s:", kind);
			const char *near = near_format(&nr, prefix);
			fprintf(stderr, "pybpf: no probes match '%s'%s%s\n", pattern, *near ? "; nearest: " : "", near);
			return 1;
		}
	}
	sort_unique(&lines);
	for (int i = 0; i < lines.len; i++) {
		fputs(lines.data[i], out);
		putc('\n', out);
	}
	if (fflush(out) == EOF && errno != EPIPE) {
		fprintf(stderr, "pybpf: error: writing the list: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
