/* btf.c — the kernel's types for the checker and the emitter.
 *
 * Loading: the running kernel's BTF (/sys/kernel/btf/vmlinux) is mmapped and
 * handed to btf__new (half the time of btf__parse, which read()s it); other
 * files go through btf__parse (raw BTF, a vmlinux, a .o built with -g).
 *
 * Lookups: libbpf's btf__find_by_name_kind scans all ~130k types, so names
 * are indexed once, lazily, in open-addressing hash tables: named
 * structs/unions/enums/typedefs/forwards plus the tracepoint functions
 * (__traceiter_*, __probestub_*, __bpf_trace_*), and separately the
 * enumerators.
 *
 * Emission: KEmit records, per struct/union type id, which members the probe
 * uses, and per type id whether it needs a forward declaration, a (partial)
 * definition, or an enum definition. kemit_output prints forward
 * declarations, enums, then the definitions with only the used members,
 * embedded-by-value structs first. Anonymous structs/unions are printed
 * inline in their parent, so the member access path is the same as in the
 * kernel's type and clang's CO-RE access strings resolve against it.
 */
#include "btf.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define PAI "__attribute__((preserve_access_index))"

struct KBtf {
	struct btf *btf;
	const char *path;
	int ntypes;
	/* name index: type ids, 0 = empty slot */
	int *names;
	uint32_t names_mask;
	/* enumerator index: (enum id, member index), id 0 = empty slot */
	struct enum_slot { int id, idx; } *enums;
	uint32_t enums_mask;
	int count;                 /* entries in names */
	int *enum_ids, nenum_ids;  /* every enum/enum64, from build_names */
	int *func_ids, nfunc_ids;  /* every function, indexed by name on demand */
	bool funcs_indexed;
};

/* ---- small helpers ------------------------------------------------------ */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const struct btf_type *ty(KBtf *k, int id)
{
	if (id <= 0 || id >= k->ntypes)
		return NULL;
	return btf__type_by_id(k->btf, id);
}

static const char *tname(KBtf *k, const struct btf_type *t)
{
	const char *s = t ? btf__name_by_offset(k->btf, t->name_off) : NULL;
	return s ? s : "";
}

static const char *mname(KBtf *k, const struct btf_member *m)
{
	const char *s = btf__name_by_offset(k->btf, m->name_off);
	return s ? s : "";
}

static bool is_composite(const struct btf_type *t)
{
	return t && (btf_is_struct(t) || btf_is_union(t));
}

/* Levenshtein distance without allocating (names are short); falls back to
 * util.c's for long ones. */
static int dist(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b);
	int row[128];

	if (lb >= 127)
		return edit_distance(a, b);
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j];
			int c = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < c)
				c = up + 1;
			if (row[j - 1] + 1 < c)
				c = row[j - 1] + 1;
			row[j] = c;
			diag = up;
		}
	}
	return row[lb];
}

/* "Did you mean": a candidate is close when its distance is at most
 * max(2, len/3) and less than the name's length. */
static int near_limit(const char *name)
{
	int len = strlen(name), lim = len / 3 > 2 ? len / 3 : 2;
	return lim < len ? lim : len - 1;
}

typedef struct {
	const char *name;
	int d;
} Cand;

static int cand_cmp(const void *a, const void *b)
{
	const Cand *x = a, *y = b;
	if (x->d != y->d)
		return x->d - y->d;
	return strcmp(x->name, y->name);
}

typedef struct {
	Cand *v;
	int n, cap;
	const char *want;
	int lim;
} Near;

static void near_init(Near *nr, const char *want)
{
	memset(nr, 0, sizeof(*nr));
	nr->want = want;
	nr->lim = near_limit(want);
}

static void near_add(Near *nr, const char *name)
{
	int dl = (int)strlen(name) - (int)strlen(nr->want);
	if (!*name || dl > nr->lim || -dl > nr->lim)
		return;
	int d = dist(nr->want, name);
	if (d > nr->lim)
		return;
	for (int i = 0; i < nr->n; i++)
		if (!strcmp(nr->v[i].name, name))
			return;
	if (nr->n == nr->cap) {
		nr->cap = nr->cap ? nr->cap * 2 : 16;
		nr->v = xrealloc(nr->v, nr->cap * sizeof(Cand));
	}
	nr->v[nr->n].name = name;
	nr->v[nr->n++].d = d;
}

static const char *near_format(Near *nr, int max)
{
	Str s = {0};
	if (nr->n)   /* no candidates: v is NULL, which qsort may not take */
		qsort(nr->v, nr->n, sizeof(Cand), cand_cmp);
	str_add(&s, "", 0);
	for (int i = 0; i < nr->n && i < max; i++)
		str_printf(&s, "%s'%s'", i ? ", " : "", nr->v[i].name);
	free(nr->v);
	return s.buf;
}

/* ---- loading ------------------------------------------------------------ */

/* Raw BTF through mmap (the kernel's sysfs file supports it since 6.16);
 * NULL to let btf__parse try. */
static struct btf *load_mmap(const char *path)
{
	struct stat st;
	struct btf *b = NULL;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(struct btf_header)) {
		close(fd);
		return NULL;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return NULL;
	if (*(const uint16_t *)m == BTF_MAGIC)
		b = btf__new(m, st.st_size);
	munmap(m, st.st_size);
	return b;
}

KBtf *kbtf_load(const char *path, const char **err)
{
	const char *p = path ? path : VMLINUX_BTF;
	struct btf *b;
	KBtf *k;

	if (access(p, R_OK) < 0) {
		int e = errno;
		if (!path && e == ENOENT)
			*err = xasprintf("the running kernel has no BTF (%s is missing: "
					 "it needs CONFIG_DEBUG_INFO_BTF=y); pass a BTF file with --btf", p);
		else
			*err = xasprintf("cannot read BTF from %s: %s", p, strerror(e));
		return NULL;
	}
	b = load_mmap(p);
	if (!b) {
		/* our message replaces libbpf's warnings ("failed to get EHDR") */
		libbpf_print_fn_t old = libbpf_set_print(NULL);
		int e;
		errno = 0;
		b = btf__parse(p, NULL);
		e = errno ? errno : EINVAL;
		libbpf_set_print(old);
		if (!b) {
			char msg[128];
			if (e == ENODATA || e == ENOENT) {
				*err = xasprintf("%s has no BTF (no .BTF section; build it with -g)", p);
			} else {
				if (libbpf_strerror(e, msg, sizeof(msg)) < 0)
					snprintf(msg, sizeof(msg), "%s", strerror(e));
				*err = xasprintf("cannot load BTF from %s: %s (not raw BTF nor an ELF file with a .BTF section?)",
						 p, msg);
			}
			return NULL;
		}
	}
	k = xcalloc(1, sizeof(*k));
	k->btf = b;
	k->path = xstrdup(p);
	k->ntypes = btf__type_cnt(b);
	return k;
}

const char *kbtf_path(KBtf *k)
{
	return k->path;
}

int kbtf_type_count(KBtf *k)
{
	return k->ntypes;
}

/* ---- name index --------------------------------------------------------- */

static bool tp_func_name(const char *s)
{
	if (s[0] != '_' || s[1] != '_')
		return false;
	return !strncmp(s, "__traceiter_", 12) || !strncmp(s, "__probestub_", 12) ||
	       !strncmp(s, "__bpf_trace_", 12);
}

/* Open addressing, linear probing, kept at most half full. */
static void names_insert(KBtf *k, int id, const char *name)
{
	uint32_t h = hash_str(name) & k->names_mask;
	while (k->names[h])
		h = (h + 1) & k->names_mask;
	k->names[h] = id;
}

static void names_grow(KBtf *k)
{
	int *old = k->names;
	uint32_t ocap = k->names_mask + 1;

	k->names_mask = ocap * 2 - 1;
	k->names = xcalloc(ocap * 2, sizeof(int));
	for (uint32_t i = 0; i < ocap; i++)
		if (old[i])
			names_insert(k, old[i], tname(k, btf__type_by_id(k->btf, old[i])));
	free(old);
}

static void names_add(KBtf *k, int id, const char *name)
{
	if (2u * ++k->count > k->names_mask)
		names_grow(k);
	names_insert(k, id, name);
}

static void push_id(int **v, int *n, int id)
{
	if (*n >= 64 && (*n & (*n - 1)) == 0)
		*v = xrealloc(*v, 2 * *n * sizeof(int));
	(*v)[(*n)++] = id;
}

/* One pass over all types: the index of struct/union/enum/typedef names,
 * and the ids of all enums and functions for the indexes built on demand. */
static void build_names(KBtf *k)
{
	uint32_t cap = 1024;

	while (cap < (uint32_t)k->ntypes / 2)
		cap *= 2;
	k->names = xcalloc(cap, sizeof(int));
	k->names_mask = cap - 1;
	k->enum_ids = xcalloc(64, sizeof(int));
	k->func_ids = xcalloc(64, sizeof(int));
	for (int id = 1; id < k->ntypes; id++) {
		const struct btf_type *t = btf__type_by_id(k->btf, id);

		switch (btf_kind(t)) {
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			push_id(&k->enum_ids, &k->nenum_ids, id);
			/* fall through */
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_FWD:
		case BTF_KIND_TYPEDEF:
			if (t->name_off && *tname(k, t))
				names_add(k, id, tname(k, t));
			break;
		case BTF_KIND_FUNC:
			push_id(&k->func_ids, &k->nfunc_ids, id);
			break;
		default:
			break;
		}
	}
}

/* The tracepoint functions (__traceiter_* ...) join the index when first
 * needed: reading all ~60k function names costs half a millisecond. */
static void index_funcs(KBtf *k)
{
	if (!k->names)
		build_names(k);
	if (k->funcs_indexed)
		return;
	k->funcs_indexed = true;
	for (int i = 0; i < k->nfunc_ids; i++) {
		const char *name = tname(k, btf__type_by_id(k->btf, k->func_ids[i]));
		if (tp_func_name(name))
			names_add(k, k->func_ids[i], name);
	}
}

/* Calls fn for every indexed type named `name`; stops when it returns true. */
static int names_lookup(KBtf *k, const char *name, bool (*ok)(KBtf *, const struct btf_type *, void *), void *arg)
{
	int best = -1;

	if (!k->names)
		build_names(k);
	for (uint32_t h = hash_str(name) & k->names_mask; k->names[h]; h = (h + 1) & k->names_mask) {
		int id = k->names[h];
		const struct btf_type *t = btf__type_by_id(k->btf, id);
		if (strcmp(tname(k, t), name) || !ok(k, t, arg))
			continue;
		if (best < 0 || id < best)
			best = id;
	}
	return best;
}

static bool kind_ok(KBtf *k, const struct btf_type *t, void *arg)
{
	(void)k;
	return (int)btf_kind(t) == *(int *)arg;
}

int kbtf_find(KBtf *k, const char *name, int btf_kind)
{
	switch (btf_kind) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FWD:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_TYPEDEF:
		return names_lookup(k, name, kind_ok, &btf_kind);
	case BTF_KIND_FUNC:
		if (tp_func_name(name)) {
			index_funcs(k);
			return names_lookup(k, name, kind_ok, &btf_kind);
		}
		/* fall through */
	default: {
		int id = btf__find_by_name_kind(k->btf, name, btf_kind);
		return id > 0 ? id : -1;
	}
	}
}

/* which: 0 struct or union, 1 struct, 2 union; `full`: only definitions
 * with members or a size (a name can occur twice, once empty). */
struct find_arg { int which; bool full; };

static bool struct_ok(KBtf *k, const struct btf_type *t, void *arg)
{
	struct find_arg *a = arg;
	(void)k;
	if (!(a->which == 0 ? is_composite(t) : a->which == 1 ? btf_is_struct(t) : btf_is_union(t)))
		return false;
	return !a->full || btf_vlen(t) || t->size;
}

int kbtf_find_struct(KBtf *k, const char *name)
{
	struct find_arg a = { 0, true };
	int id;

	if (!strncmp(name, "struct ", 7)) {
		a.which = 1;
		name += 7;
	} else if (!strncmp(name, "union ", 6)) {
		a.which = 2;
		name += 6;
	}
	while (*name == ' ')
		name++;
	id = names_lookup(k, name, struct_ok, &a);
	if (id < 0) {
		a.full = false;
		id = names_lookup(k, name, struct_ok, &a);
	}
	return id;
}

const char *kbtf_nearest_structs(KBtf *k, const char *name, int max)
{
	Near nr;

	if (!strncmp(name, "struct ", 7))
		name += 7;
	else if (!strncmp(name, "union ", 6))
		name += 6;
	if (!k->names)
		build_names(k);
	near_init(&nr, name);
	for (uint32_t h = 0; h <= k->names_mask; h++) {
		const struct btf_type *t = k->names[h] ? btf__type_by_id(k->btf, k->names[h]) : NULL;
		if (is_composite(t))
			near_add(&nr, tname(k, t));
	}
	return near_format(&nr, max);
}

/* ---- types ------------------------------------------------------------- */

int kbtf_skip(KBtf *k, int id)
{
	for (int guard = 0; guard < 256; guard++) {
		const struct btf_type *t = ty(k, id);
		if (!t)
			return id;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return id;
		}
	}
	return id;
}

static bool is_char_name(const char *s)
{
	return !strcmp(s, "char") || !strcmp(s, "signed char") || !strcmp(s, "unsigned char");
}

void kbtf_info(KBtf *k, int id, KInfo *o)
{
	const struct btf_type *t;

	memset(o, 0, sizeof(*o));
	o->name = "";
	for (int guard = 0; guard < 256; guard++) {
		t = ty(k, id);
		if (!t || !(btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t)))
			break;
		if (btf_is_const(t))
			o->is_const = true;
		id = t->type;
	}
	o->id = id;
	t = ty(k, id);
	if (!t) {
		o->kind = KK_VOID;
		return;
	}
	o->name = tname(k, t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = btf_int_encoding(t);
		o->size = t->size;
		o->is_signed = enc & BTF_INT_SIGNED;
		if (enc & BTF_INT_BOOL)
			o->kind = KK_BOOL;
		else if (t->size == 1 && is_char_name(o->name))
			o->kind = KK_CHAR;
		else
			o->kind = KK_INT;
		break;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		o->kind = KK_ENUM;
		o->size = t->size;
		o->is_signed = btf_kflag(t);
		o->vlen = btf_vlen(t);
		break;
	case BTF_KIND_PTR:
		o->kind = KK_PTR;
		o->size = 8;
		o->target = t->type;
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		o->kind = btf_is_struct(t) ? KK_STRUCT : KK_UNION;
		o->size = t->size;
		o->vlen = btf_vlen(t);
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		long long sz = btf__resolve_size(k->btf, id);
		o->kind = KK_ARRAY;
		o->target = a->type;
		o->nelems = a->nelems;
		o->size = sz > 0 ? (int)sz : 0;
		break;
	}
	case BTF_KIND_FUNC_PROTO:
		o->kind = KK_FUNC_PROTO;
		o->target = t->type;
		o->vlen = btf_vlen(t);
		break;
	case BTF_KIND_FLOAT:
		o->kind = KK_FLOAT;
		o->size = t->size;
		break;
	default:
		o->kind = KK_OTHER;
		break;
	}
}

/* ---- spelling types: one declarator builder for messages and for code --- */

#define NEED_DECL 1   /* forward declaration */
#define NEED_DEF  2   /* (partial) definition */
#define NEED_ENUM 4   /* enum definition */
#define VISITING  8   /* kemit_output: topological sort state */
#define VISITED   16

struct KEmit {
	KBtf *k;
	uint8_t *flags;      /* per type id: NEED_* */
	uint8_t **used;      /* per struct/union id: bitmap of used member indexes */
	bool recording;
};

typedef struct {
	KBtf *k;
	KEmit *e;            /* NULL: display spelling for messages */
	int indent;          /* inline anonymous definitions */
} Spell;

static char *spell(Spell *sp, int id, const char *inner, bool byval);
static void emit_members(KEmit *e, Str *out, int id, int indent);

static const char *int_cname(int size, bool is_signed, const char *btf_name)
{
	switch (size) {
	case 1:
		if (!strcmp(btf_name, "char"))
			return "char";
		return is_signed ? "signed char" : "unsigned char";
	case 2:
		return is_signed ? "short" : "unsigned short";
	case 4:
		return is_signed ? "int" : "unsigned int";
	case 8:
		return is_signed ? "long long" : "unsigned long long";
	case 16:
		return is_signed ? "__int128" : "unsigned __int128";
	default:
		return is_signed ? "int" : "unsigned int";
	}
}

static const char *float_cname(int size)
{
	return size == 4 ? "float" : size == 8 ? "double" : "long double";
}

static void record(KEmit *e, int id, int what)
{
	if (e && e->recording && id > 0 && id < e->k->ntypes)
		e->flags[id] |= what;
}

/* The C tag name of a named struct/union/fwd in emitted code: the kernel's
 * name, or name___ID when another type already owns the name (CO-RE ignores
 * ___suffixes when matching). */
static const char *tag_cname(KBtf *k, int id)
{
	const struct btf_type *t = ty(k, id);
	const char *name = tname(k, t);
	bool uni = btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t));
	int owner;

	if (btf_is_fwd(t)) {
		owner = kbtf_find_struct(k, name);
		if (owner > 0)
			return tag_cname(k, owner);
	} else {
		owner = kbtf_find_struct(k, name);
		if (owner > 0 && owner != id)
			return xasprintf("%s %s___%d", uni ? "union" : "struct", name, id);
	}
	return xasprintf("%s %s", uni ? "union" : "struct", name);
}

static const char *enum_cname(KBtf *k, int id)
{
	const char *name = tname(k, ty(k, id));
	if (kbtf_find_struct(k, name) > 0)
		return xasprintf("enum %s___enum", name);
	return xasprintf("enum %s", name);
}

static char *with_inner(const char *base, const char *inner, bool display)
{
	if (!*inner)
		return xstrdup(base);
	if (display && inner[0] == '[')
		return xasprintf("%s%s", base, inner);
	return xasprintf("%s %s", base, inner);
}

static char *spell_params(Spell *sp, const struct btf_type *t)
{
	const struct btf_param *p = btf_params(t);
	int n = btf_vlen(t);
	Str s = {0};

	str_add(&s, "", 0);
	if (!n)
		str_puts(&s, "void");
	for (int i = 0; i < n; i++, p++) {
		if (i)
			str_puts(&s, ", ");
		if (!p->type && i == n - 1) {
			str_puts(&s, "...");
			break;
		}
		str_puts(&s, spell(sp, p->type, "", false));
	}
	return s.buf;
}

static char *spell_anon(Spell *sp, int id, const struct btf_type *t, const char *inner)
{
	const char *kw = btf_is_union(t) ? "union" : "struct";
	Str s = {0};

	if (!sp->e)
		return with_inner(xasprintf("%s {...}", kw), inner, true);
	str_printf(&s, "%s {\n", kw);
	emit_members(sp->e, &s, id, sp->indent + 1);
	for (int i = 0; i < sp->indent; i++)
		str_puts(&s, "\t");
	str_puts(&s, "} " PAI);
	return with_inner(s.buf, inner, false);
}

/* The declarator algorithm: wrap `inner` (the name and the declarators
 * found so far) while walking from the outside type in. `byval`: no
 * pointer between the declared object and this type (a struct reached by
 * value needs its definition, through a pointer only its declaration). */
static char *spell(Spell *sp, int id, const char *inner, bool byval)
{
	KBtf *k = sp->k;
	bool display = !sp->e;
	const char *quals = "";

	for (int guard = 0;; guard++) {
		const struct btf_type *t = ty(k, id);
		if (!t || guard > 256)
			return with_inner(xasprintf("%svoid", quals), inner, display);
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
			if (display)
				return with_inner(xasprintf("%s%s", quals, tname(k, t)), inner, display);
			id = t->type;
			continue;
		case BTF_KIND_CONST:
			if (display) {
				/* a const pointer is "char *const", const data "const char *" */
				int nid = t->type;
				while (ty(k, nid) && (btf_is_mod(ty(k, nid)) || btf_is_type_tag(ty(k, nid))))
					nid = ty(k, nid)->type;
				if (ty(k, nid) && btf_is_ptr(ty(k, nid)))
					inner = *inner ? xasprintf("const %s", inner) : "const";
				else
					quals = "const ";
			}
			id = t->type;
			continue;
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTF_KIND_PTR: {
			int nid = display ? (int)t->type : kbtf_skip(k, t->type);
			const struct btf_type *u;
			while ((u = ty(k, nid)) && (btf_is_mod(u) || btf_is_type_tag(u)))
				nid = u->type;
			u = ty(k, nid);
			char *ni = xasprintf("*%s", inner);
			if (u && (btf_is_array(u) || btf_is_func_proto(u)))
				ni = xasprintf("(%s)", ni);
			inner = ni;
			byval = false;
			id = t->type;
			continue;
		}
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = btf_array(t);
			inner = xasprintf("%s[%u]", inner, a->nelems);
			id = a->type;
			continue;
		}
		case BTF_KIND_FUNC_PROTO: {
			Spell ps = *sp;
			inner = xasprintf("%s(%s)", inner, spell_params(&ps, t));
			byval = false;
			id = t->type;
			continue;
		}
		case BTF_KIND_FUNC:
		case BTF_KIND_VAR:
			id = t->type;
			continue;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (!t->name_off || !*tname(k, t))
				return spell_anon(sp, id, t, inner);
			if (display)
				return with_inner(xasprintf("%s%s %s", quals, btf_is_union(t) ? "union" : "struct",
							    tname(k, t)), inner, display);
			record(sp->e, id, NEED_DECL | (byval ? NEED_DEF : 0));
			return with_inner(tag_cname(k, id), inner, display);
		case BTF_KIND_FWD:
			if (display)
				return with_inner(xasprintf("%s%s %s", quals, btf_kflag(t) ? "union" : "struct",
							    tname(k, t)), inner, display);
			record(sp->e, id, NEED_DECL);
			return with_inner(tag_cname(k, id), inner, display);
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (display)
				return with_inner(*tname(k, t) ? xasprintf("%senum %s", quals, tname(k, t))
							       : xasprintf("%senum {...}", quals), inner, display);
			if (*tname(k, t) && (sp->e->flags[id] & NEED_ENUM))   /* defined: CO-RE matches a field by its enum */
				return with_inner(xasprintf("%s%s", quals, enum_cname(k, id)), inner, display);
			return with_inner(int_cname(t->size, btf_kflag(t), ""), inner, display);
		case BTF_KIND_INT:
			if (display)
				return with_inner(xasprintf("%s%s", quals, tname(k, t)), inner, display);
			if (btf_int_encoding(t) & BTF_INT_BOOL)
				return with_inner("_Bool", inner, display);
			return with_inner(int_cname(t->size, btf_int_encoding(t) & BTF_INT_SIGNED, tname(k, t)),
					  inner, display);
		case BTF_KIND_FLOAT:
			if (display)
				return with_inner(xasprintf("%s%s", quals, tname(k, t)), inner, display);
			return with_inner(float_cname(t->size), inner, display);
		default:
			return with_inner(xasprintf("%svoid", quals), inner, display);
		}
	}
}

const char *kbtf_type_name(KBtf *k, int id)
{
	Spell sp = { k, NULL, 0 };
	return spell(&sp, id, "", true);
}

/* ---- members ------------------------------------------------------------ */

static bool find_member(KBtf *k, int sid, const char *name, uint32_t base, KField *out)
{
	const struct btf_type *t = ty(k, sid);
	const struct btf_member *m;
	int n;

	if (!is_composite(t))
		return false;
	m = btf_members(t);
	n = btf_vlen(t);
	for (int i = 0; i < n; i++, m++) {
		const char *mn = mname(k, m);
		uint32_t off = base + btf_member_bit_offset(t, i);
		if (*mn) {
			if (strcmp(mn, name))
				continue;
			out->name = mn;
			out->type = m->type;
			out->bit_off = off;
			out->bit_size = btf_member_bitfield_size(t, i);
			out->parent = sid;
			out->index = i;
			return true;
		}
		int sub = kbtf_skip(k, m->type);
		if (!is_composite(ty(k, sub)))
			continue;
		vec_push(&out->path, (void *)(intptr_t)i);
		if (find_member(k, sub, name, off, out))
			return true;
		out->path.len--;
	}
	return false;
}

int kbtf_member(KBtf *k, int struct_id, const char *name, KField *out)
{
	memset(out, 0, sizeof(*out));
	if (!*name || !find_member(k, kbtf_skip(k, struct_id), name, 0, out)) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

static void member_names(KBtf *k, int sid, Near *nr, int depth)
{
	const struct btf_type *t = ty(k, sid);
	const struct btf_member *m;

	if (!is_composite(t) || depth > 32)
		return;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		if (*mname(k, m))
			near_add(nr, mname(k, m));
		else
			member_names(k, kbtf_skip(k, m->type), nr, depth + 1);
	}
}

const char *kbtf_nearest_members(KBtf *k, int struct_id, const char *name, int max)
{
	Near nr;
	near_init(&nr, name);
	member_names(k, kbtf_skip(k, struct_id), &nr, 0);
	return near_format(&nr, max);
}

/* ---- enumerators -------------------------------------------------------- */

static const char *enumerator_name(KBtf *k, const struct btf_type *t, int i)
{
	const char *s;
	if (btf_is_enum(t))
		s = btf__name_by_offset(k->btf, btf_enum(t)[i].name_off);
	else
		s = btf__name_by_offset(k->btf, btf_enum64(t)[i].name_off);
	return s ? s : "";
}

static int64_t enumerator_value(const struct btf_type *t, int i)
{
	if (btf_is_enum64(t))
		return (int64_t)btf_enum64_value(&btf_enum64(t)[i]);
	if (btf_kflag(t))
		return (int32_t)btf_enum(t)[i].val;
	return (uint32_t)btf_enum(t)[i].val;
}

static void build_enums(KBtf *k)
{
	uint32_t cap = 1024;
	int count = 0;

	if (!k->names)
		build_names(k);
	for (int i = 0; i < k->nenum_ids; i++)
		count += btf_vlen(btf__type_by_id(k->btf, k->enum_ids[i]));
	while (cap < 2u * count + 16)
		cap *= 2;
	k->enums = xcalloc(cap, sizeof(*k->enums));
	k->enums_mask = cap - 1;
	for (int e = 0; e < k->nenum_ids; e++) {
		int id = k->enum_ids[e];
		const struct btf_type *t = btf__type_by_id(k->btf, id);
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *s = enumerator_name(k, t, i);
			uint32_t h = hash_str(s) & k->enums_mask;
			while (k->enums[h].id)
				h = (h + 1) & k->enums_mask;
			k->enums[h].id = id;
			k->enums[h].idx = i;
		}
	}
}

int kbtf_enum_value(KBtf *k, const char *enumerator, int64_t *value, int *enum_id)
{
	if (!k->enums)
		build_enums(k);
	/* the first (lowest id) enum defining it, for determinism */
	int best = -1, bidx = 0;
	for (uint32_t h = hash_str(enumerator) & k->enums_mask; k->enums[h].id; h = (h + 1) & k->enums_mask) {
		const struct btf_type *t = btf__type_by_id(k->btf, k->enums[h].id);
		if (strcmp(enumerator_name(k, t, k->enums[h].idx), enumerator))
			continue;
		if (best < 0 || k->enums[h].id < best) {
			best = k->enums[h].id;
			bidx = k->enums[h].idx;
		}
	}
	if (best < 0)
		return -1;
	if (value)
		*value = enumerator_value(btf__type_by_id(k->btf, best), bidx);
	if (enum_id)
		*enum_id = best;
	return 0;
}

/* ---- tp_btf arguments ----------------------------------------------------- */

static const char *const tp_name_funcs[] = { "__traceiter_", "__probestub_", "__bpf_trace_" };

int kbtf_tp_btf_args(KBtf *k, const char *tp, KParam **args, int *n, const char **nearest)
{
	int td = kbtf_find(k, xasprintf("btf_trace_%s", tp), BTF_KIND_TYPEDEF);
	const struct btf_type *pt, *proto;
	const struct btf_param *p;
	const struct btf_param *names = NULL;
	int vlen;

	*args = NULL;
	*n = 0;
	if (nearest)
		*nearest = "";
	pt = td > 0 ? ty(k, kbtf_skip(k, td)) : NULL;
	proto = pt && btf_is_ptr(pt) ? ty(k, kbtf_skip(k, pt->type)) : NULL;
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1) {
		if (nearest) {
			Near nr;
			if (!k->names)
				build_names(k);
			near_init(&nr, tp);
			for (uint32_t h = 0; h <= k->names_mask; h++) {
				const struct btf_type *t = k->names[h] ? btf__type_by_id(k->btf, k->names[h]) : NULL;
				const char *s = tname(k, t);
				if (t && btf_is_typedef(t) && !strncmp(s, "btf_trace_", 10))
					near_add(&nr, s + 10);
			}
			*nearest = near_format(&nr, 3);
		}
		return -1;
	}
	vlen = btf_vlen(proto);
	p = btf_params(proto);
	for (size_t f = 0; f < sizeof(tp_name_funcs) / sizeof(tp_name_funcs[0]) && !names; f++) {
		int fid = kbtf_find(k, xasprintf("%s%s", tp_name_funcs[f], tp), BTF_KIND_FUNC);
		const struct btf_type *fp = fid > 0 ? ty(k, ty(k, fid)->type) : NULL;
		if (!fp || !btf_is_func_proto(fp) || btf_vlen(fp) != vlen)
			continue;
		names = btf_params(fp);
		for (int i = 1; i < vlen; i++)
			if (!names[i].name_off)
				names = NULL;
	}
	*n = vlen - 1;
	*args = xcalloc(vlen, sizeof(KParam));
	for (int i = 1; i < vlen; i++) {
		const char *s = names ? btf__name_by_offset(k->btf, names[i].name_off) : NULL;
		if (!s || !*s)
			s = p[i].name_off ? btf__name_by_offset(k->btf, p[i].name_off) : NULL;
		(*args)[i - 1].name = s && *s ? s : xasprintf("arg%d", i - 1);
		(*args)[i - 1].type = p[i].type;
	}
	return 0;
}

/* fentry/fexit/kprobe/lsm: the arguments and return type of kernel function
 * func (a BTF FUNC). -1 when there is none (*nearest: up to 3 nearest). */
int kbtf_func_args(KBtf *k, const char *func, KParam **args, int *n, int *ret, const char **nearest)
{
	int fid = kbtf_find(k, func, BTF_KIND_FUNC);
	const struct btf_type *proto = fid > 0 ? ty(k, ty(k, fid)->type) : NULL;
	const struct btf_param *p;

	*args = NULL;
	*n = 0;
	if (nearest)
		*nearest = "";
	if (!proto || !btf_is_func_proto(proto)) {
		if (nearest) {
			Near nr;
			near_init(&nr, func);
			for (int id = 1; id < k->ntypes; id++) {
				const struct btf_type *t = btf__type_by_id(k->btf, id);
				if (t && btf_is_func(t))
					near_add(&nr, tname(k, t));
			}
			*nearest = near_format(&nr, 3);
		}
		return -1;
	}
	*n = btf_vlen(proto);
	p = btf_params(proto);
	*args = xcalloc(*n + 1, sizeof(KParam));
	for (int i = 0; i < *n; i++) {
		const char *s = p[i].name_off ? btf__name_by_offset(k->btf, p[i].name_off) : NULL;
		(*args)[i].name = s && *s ? s : xasprintf("arg%d", i);
		(*args)[i].type = p[i].type;
	}
	*ret = proto->type;
	return 0;
}

/* The parameters and return type of a FUNC_PROTO (struct_ops members). */
int kbtf_proto_params(KBtf *k, int proto_id, KParam **args, int *n, int *ret)
{
	const struct btf_type *proto = ty(k, kbtf_skip(k, proto_id));
	const struct btf_param *p;
	if (!proto || !btf_is_func_proto(proto))
		return -1;
	*n = btf_vlen(proto);
	p = btf_params(proto);
	*args = xcalloc(*n + 1, sizeof(KParam));
	for (int i = 0; i < *n; i++) {
		const char *s = p[i].name_off ? btf__name_by_offset(k->btf, p[i].name_off) : NULL;
		(*args)[i].name = s && *s ? s : xasprintf("arg%d", i);
		(*args)[i].type = p[i].type;
	}
	*ret = proto->type;
	return 0;
}

/* Is FUNC func_id a kfunc (tagged "bpf_kfunc" in BTF, kernel 6.7+)? */
/* A kernel built with pahole 1.26 or later tags each kfunc "bpf_kfunc"
 * (a DECL_TAG). One built with an older pahole (Debian 12 has 1.24: the
 * sched_ext guest kernel, docs/sched.md) tags none, and records their
 * linkage as static; there the functions named as the kfunc families are
 * (bpf_*, scx_bpf_*) count, and the verifier, which knows the kernel's
 * kfunc sets, has the last word. */
static bool untagged_kfunc(KBtf *k, int func_id)
{
	const struct btf_type *t = btf__type_by_id(k->btf, func_id);
	const char *n = t && btf_is_func(t) ? tname(k, t) : "";
	return (!strncmp(n, "bpf_", 4) || !strncmp(n, "scx_bpf_", 8));
}

bool kbtf_is_kfunc(KBtf *k, int func_id)
{
	static KBtf *done;
	static char *tagged;
	static bool any;
	if (done != k) {
		tagged = xcalloc(k->ntypes + 1, 1);
		any = false;
		for (int id = 1; id < k->ntypes; id++) {
			const struct btf_type *t = btf__type_by_id(k->btf, id);
			if (t && btf_is_decl_tag(t) && !strcmp(tname(k, t), "bpf_kfunc") && (int)t->type < k->ntypes)
				tagged[t->type] = any = 1;
		}
		done = k;
	}
	if (func_id <= 0 || func_id >= k->ntypes)
		return false;
	return any ? tagged[func_id] : untagged_kfunc(k, func_id);
}

/* ---- emission ------------------------------------------------------------ */

KEmit *kemit_new(KBtf *k)
{
	KEmit *e = xcalloc(1, sizeof(*e));
	e->k = k;
	e->flags = xcalloc(k->ntypes, 1);
	e->used = xcalloc(k->ntypes, sizeof(uint8_t *));
	e->recording = true;
	return e;
}

static void set_used(KEmit *e, int sid, int idx)
{
	const struct btf_type *t = ty(e->k, sid);
	if (!is_composite(t) || idx < 0 || idx >= btf_vlen(t))
		return;
	if (!e->used[sid])
		e->used[sid] = xcalloc(btf_vlen(t) / 8 + 1, 1);
	e->used[sid][idx / 8] |= 1 << (idx % 8);
}

static bool is_used(KEmit *e, int sid, int idx)
{
	return e->used[sid] && (e->used[sid][idx / 8] & (1 << (idx % 8)));
}

/* Record what spelling type id needs (see spell()'s byval); enums get a
 * definition only when asked for explicitly. */
static void need_type(KEmit *e, int id, bool byval, bool want_enum)
{
	KBtf *k = e->k;

	for (int guard = 0; guard < 256; guard++) {
		const struct btf_type *t = ty(k, id);
		if (!t)
			return;
		switch (btf_kind(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			continue;
		case BTF_KIND_PTR:
			byval = false;
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			id = btf_array(t)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *p = btf_params(t);
			for (int i = 0; i < btf_vlen(t); i++)
				need_type(e, p[i].type, false, false);
			byval = false;
			id = t->type;
			continue;
		}
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			/* anonymous ones are spelled inline; their used members
			 * were recorded with them */
			if (*tname(k, t))
				record(e, id, NEED_DECL | (byval ? NEED_DEF : 0));
			return;
		case BTF_KIND_FWD:
			record(e, id, NEED_DECL);
			return;
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			if (want_enum && *tname(k, t))
				record(e, id, NEED_ENUM);
			return;
		default:
			return;
		}
	}
}

void kemit_use_member(KEmit *e, int struct_id, const KField *m)
{
	KBtf *k = e->k;
	int cur = kbtf_skip(k, struct_id);

	need_type(e, cur, true, false);
	for (int i = 0; i < m->path.len; i++) {
		int idx = (int)(intptr_t)VEC_AT(m->path, i);
		const struct btf_type *t = ty(k, cur);
		if (!is_composite(t) || idx >= btf_vlen(t))
			break;
		set_used(e, cur, idx);
		cur = kbtf_skip(k, btf_members(t)[idx].type);
	}
	set_used(e, m->parent ? m->parent : cur, m->index);
	need_type(e, m->type, true, false);
}

void kemit_use_type(KEmit *e, int id)
{
	need_type(e, id, true, true);
}

void kemit_use_whole(KEmit *e, int id)
{
	const struct btf_type *t;
	id = kbtf_skip(e->k, id);
	t = ty(e->k, id);
	need_type(e, id, true, true);
	for (int i = 0; t && is_composite(t) && i < btf_vlen(t); i++) {
		set_used(e, id, i);
		need_type(e, btf_members(t)[i].type, true, false);
	}
}

const char *kemit_c_type(KEmit *e, int id)
{
	return kemit_c_decl(e, id, "");
}

const char *kemit_c_decl(KEmit *e, int id, const char *name)
{
	Spell sp = { e->k, e, 0 };
	need_type(e, id, true, false);
	return spell(&sp, id, name, true);
}

const char *kemit_enum_name(KEmit *e, int enum_id)
{
	enum_id = kbtf_skip(e->k, enum_id);
	need_type(e, enum_id, true, true);
	return enum_cname(e->k, enum_id);
}

const char *kemit_enum_value_expr(KEmit *e, int enum_id, const char *enumerator)
{
	KBtf *k = e->k;
	const struct btf_type *t;

	enum_id = kbtf_skip(k, enum_id);
	t = ty(k, enum_id);
	if (!t || !btf_is_any_enum(t))
		return "0";
	for (int i = 0; i < btf_vlen(t); i++) {
		if (strcmp(enumerator_name(k, t, i), enumerator))
			continue;
		if (!*tname(k, t))
			return xasprintf("%lldLL", (long long)enumerator_value(t, i));
		need_type(e, enum_id, true, true);
		/* 1 = BPF_ENUMVAL_VALUE */
		return xasprintf("__builtin_preserve_enum_value(*(typeof(%s) *)%s, 1)",
				 enum_cname(k, enum_id), enumerator);
	}
	return "0";
}

/* BPF_FIELD_BYTE_OFFSET 0, BYTE_SIZE 1, SIGNED 3, LSHIFT_U64 4, RSHIFT_U64 5 */
#define FI(n) "__builtin_preserve_field_info((%1$s)->%2$s, " #n ")"

const char *kemit_bitfield_read(KEmit *e, const char *base, const char *member)
{
	(void)e;
	return xasprintf("({ const void *__p = (const void *)(%1$s) + " FI(0) "; "
			 "unsigned long long __v; "
			 "asm volatile(\"\" : \"=r\"(__p) : \"0\"(__p)); "
			 "switch (" FI(1) ") { "
			 "case 1: __v = *(const unsigned char *)__p; break; "
			 "case 2: __v = *(const unsigned short *)__p; break; "
			 "case 4: __v = *(const unsigned int *)__p; break; "
			 "default: __v = *(const unsigned long long *)__p; break; } "
			 "__v <<= " FI(4) "; "
			 "if (" FI(3) ") __v = (unsigned long long)((long long)__v >> " FI(5) "); "
			 "else __v >>= " FI(5) "; "
			 "__v; })", base, member);
}

const char *kemit_bitfield_probe(KEmit *e, const char *base, const char *member)
{
	(void)e;
	return xasprintf("({ unsigned long long __v = 0; "
			 "bpf_probe_read_kernel(&__v, " FI(1) ", (const void *)(%1$s) + " FI(0) "); "
			 "__v <<= " FI(4) "; "
			 "if (" FI(3) ") __v = (unsigned long long)((long long)__v >> " FI(5) "); "
			 "else __v >>= " FI(5) "; "
			 "__v; })", base, member);
}

static void emit_members(KEmit *e, Str *out, int id, int indent)
{
	KBtf *k = e->k;
	const struct btf_type *t = ty(k, id);
	const struct btf_member *m = btf_members(t);
	Spell sp = { k, e, indent };

	for (int i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bits = btf_member_bitfield_size(t, i);
		if (!is_used(e, id, i))
			continue;
		for (int j = 0; j < indent; j++)
			str_puts(out, "\t");
		if (bits) {
			const struct btf_type *bt = ty(k, kbtf_skip(k, m->type));
			const char *base = "unsigned int";
			if (bt && btf_is_int(bt))
				base = btf_int_encoding(bt) & BTF_INT_BOOL ? "_Bool" :
				       int_cname(bt->size, btf_int_encoding(bt) & BTF_INT_SIGNED, "");
			else if (bt && btf_is_any_enum(bt))
				base = int_cname(bt->size, btf_kflag(bt), "");
			str_printf(out, "%s %s: %u;\n", base, mname(k, m), bits);
		} else if (!*mname(k, m) && is_composite(ty(k, kbtf_skip(k, m->type)))) {
			/* an anonymous member: inline, even when its type has a
			 * name (-fms-extensions), so the access path stays the same */
			int sub = kbtf_skip(k, m->type);
			str_printf(out, "%s;\n", spell_anon(&sp, sub, ty(k, sub), ""));
		} else {
			str_printf(out, "%s;\n", spell(&sp, m->type, mname(k, m), true));
		}
	}
}

/* Named structs a definition of id needs first: those its used members
 * (and the used members of its inline anonymous parts) hold by value. */
static void by_value_deps(KEmit *e, int id, Vec *deps, int depth);

static void type_deps(KEmit *e, int id, Vec *deps, int depth)
{
	KBtf *k = e->k;
	for (int guard = 0; guard < 256; guard++) {
		const struct btf_type *t = ty(k, id);
		if (!t)
			return;
		if (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t)) {
			id = t->type;
		} else if (btf_is_array(t)) {
			id = btf_array(t)->type;
		} else if (is_composite(t)) {
			if (*tname(k, t))
				vec_push(deps, (void *)(intptr_t)id);
			else
				by_value_deps(e, id, deps, depth + 1);
			return;
		} else {
			return;
		}
	}
}

static void by_value_deps(KEmit *e, int id, Vec *deps, int depth)
{
	const struct btf_type *t = ty(e->k, id);
	if (!is_composite(t) || depth > 64)
		return;
	for (int i = 0; i < btf_vlen(t); i++)
		if (is_used(e, id, i))
			type_deps(e, btf_members(t)[i].type, deps, depth);
}

typedef struct {
	const char *cname;
	int id;
} Named;

static int named_cmp(const void *a, const void *b)
{
	const Named *x = a, *y = b;
	int c = strcmp(x->cname, y->cname);
	return c ? c : x->id - y->id;
}

static void emit_def(KEmit *e, Str *out, int id)
{
	Vec deps = {0};

	if (e->flags[id] & (VISITING | VISITED))
		return;
	e->flags[id] |= VISITING;
	by_value_deps(e, id, &deps, 0);
	for (int i = 0; i < deps.len; i++)
		emit_def(e, out, (int)(intptr_t)VEC_AT(deps, i));
	free(deps.data);
	str_printf(out, "%s {\n", tag_cname(e->k, id));
	emit_members(e, out, id, 1);
	str_puts(out, "} " PAI ";\n\n");
	e->flags[id] |= VISITED;
}

void kemit_output(KEmit *e, Str *out)
{
	KBtf *k = e->k;
	Named *decls = xcalloc(k->ntypes, sizeof(Named));
	int nd = 0;
	const char *last = NULL;

	e->recording = false;
	str_add(out, "", 0);
	/* forward declarations */
	for (int id = 1; id < k->ntypes; id++)
		if (e->flags[id] & (NEED_DECL | NEED_DEF))
			decls[nd++] = (Named){ tag_cname(k, id), id };
	qsort(decls, nd, sizeof(Named), named_cmp);
	for (int i = 0; i < nd; i++) {
		if (last && !strcmp(last, decls[i].cname))
			continue;
		str_printf(out, "%s;\n", decls[i].cname);
		last = decls[i].cname;
	}
	if (nd)
		str_puts(out, "\n");

	/* enums, all their enumerators (a name already emitted is skipped) */
	int ne = 0;
	for (int id = 1; id < k->ntypes; id++)
		if (e->flags[id] & NEED_ENUM)
			decls[ne++] = (Named){ enum_cname(k, id), id };
	qsort(decls, ne, sizeof(Named), named_cmp);
	Vec seen = {0};
	for (int i = 0; i < ne; i++) {
		const struct btf_type *t = ty(k, decls[i].id);
		str_printf(out, "%s {\n", decls[i].cname);
		for (int j = 0; j < btf_vlen(t); j++) {
			const char *s = enumerator_name(k, t, j);
			bool dup = false;
			for (int x = 0; x < seen.len && !dup; x++)
				dup = !strcmp(VEC_AT(seen, x), s);
			if (dup || !*s)
				continue;
			vec_push(&seen, (void *)s);
			int64_t v = enumerator_value(t, j);
			if (v >= INT32_MIN && v <= INT32_MAX)
				str_printf(out, "\t%s = %lld,\n", s, (long long)v);
			else if (btf_kflag(t))
				str_printf(out, "\t%s = %lldLL,\n", s, (long long)v);
			else
				str_printf(out, "\t%s = %lluULL,\n", s, (unsigned long long)v);
		}
		str_puts(out, "};\n\n");
	}
	free(seen.data);

	/* definitions, embedded structs first */
	nd = 0;
	for (int id = 1; id < k->ntypes; id++)
		if (e->flags[id] & NEED_DEF)
			decls[nd++] = (Named){ tag_cname(k, id), id };
	qsort(decls, nd, sizeof(Named), named_cmp);
	for (int i = 0; i < nd; i++)
		emit_def(e, out, decls[i].id);
	for (int id = 1; id < k->ntypes; id++)
		e->flags[id] &= ~(VISITING | VISITED);
	free(decls);
	e->recording = true;
}

int kbtf_percpu_var(KBtf *k, const char *name, int *type)
{
	int id = btf__find_by_name_kind(k->btf, name, BTF_KIND_VAR);
	int sec = btf__find_by_name_kind(k->btf, ".data..percpu", BTF_KIND_DATASEC);
	const struct btf_type *st;
	const struct btf_var_secinfo *vs;
	if (id <= 0)
		return -1;
	*type = btf__type_by_id(k->btf, id)->type;
	if (sec <= 0)
		return 0;
	st = btf__type_by_id(k->btf, sec);
	vs = btf_var_secinfos(st);
	for (int i = 0; i < btf_vlen(st); i++)
		if ((int)vs[i].type == id)
			return 1;
	return 0;
}

int kbtf_first_member(KBtf *k, int struct_id)
{
	const struct btf_type *t = btf__type_by_id(k->btf, kbtf_skip(k, struct_id));
	const struct btf_member *m;
	if (!t || (!btf_is_struct(t) && !btf_is_union(t)) || !btf_vlen(t))
		return -1;
	m = btf_members(t);
	if (btf_member_bit_offset(t, 0))
		return -1;
	return kbtf_skip(k, m->type);
}
