/* prepare.c — everything between a probe file and a bpf_object ready to
 * load: compile it (lex, parse, check, emit), the -D overrides of Final
 * constants (checked before the kernel is touched, then written into
 * .rodata), and the version number a pinned instance's records carry.
 * Used by load.c (pybpf load/run), pin.c (pybpf reload) and main.c. */
#include "loader.h"
#include "support.h"
#include "prepare.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
/* ---- front end ----------------------------------------------------------- */

static int parse_int(const char *s, int64_t *out);

/* -D values as the compiler sees them (what it computes from a constant
 * must use the value the program will run with). A value that does not
 * parse is left out here; check_defines() reports it. */
void set_const_overrides(LoadOpts *o)
{
	pyc_const_overrides = xcalloc(o->defines.len + 1, sizeof(*pyc_const_overrides));
	pyc_nconst_overrides = 0;
	for (int i = 0; i < o->defines.len; i++) {
		Define *d = VEC_AT(o->defines, i);
		ConstOverride *k = &pyc_const_overrides[pyc_nconst_overrides];
		if (parse_int(d->value, &k->value) == 0) {
			k->name = d->name;
			pyc_nconst_overrides++;
		}
	}
}

const char *inline_program;

Prog *compile_file(const char *path)
{
	SrcFile *f = xcalloc(1, sizeof(*f));
	size_t len;
	char *text;

	if (inline_program && !strcmp(path, INLINE_NAME)) {
		text = xasprintf("%s\n", inline_program);   /* the last line ends, as in a file */
		len = strlen(text);
	} else {
		text = read_file(path, &len);
	}
	Token *toks;
	Node *mod;

	if (!text)
		fatal("cannot read %s: %s", path, strerror(errno));
	f->name = path;
	f->text = text;
	f->len = len;
	toks = lex_file(f);
	mod = parse_module(f, toks);
	return check_program(f, mod);
}

Prog *compile_to_c(const char *path, Str *c_out)
{
	Prog *p = compile_file(path);
	emit_program(p, c_out);
	return p;
}

/* The same, with every probe that can be as a dispatcher and a body (pin.c). */
Prog *compile_for_pin(const char *path, Str *c_out)
{
	Prog *p = compile_file(path);
	for (int i = 0; i < p->probes.len; i++) {
		Probe *pr = VEC_AT(p->probes, i);
		if (!strcmp(pr->kind, "usdt"))   /* libbpf's USDT link is a set of uprobe links, not one kernel link */
			error_at(pr->target_loc, "a @usdt probe cannot be pinned yet (its attachment is one uprobe per site of "
				 "the note, which the kernel cannot pin as one link); run it with pybpf load, without --pin");
	}
	p->dispatch = true;
	emit_program(p, c_out);
	return p;
}

/* The 8 bytes of variable var in the object's .rodata (its initial
 * value, written before load), or NULL when it has none. */
static void *rodata_var(struct bpf_object *obj, const char *var)
{
	struct bpf_map *m, *rodata = NULL;
	struct btf *btf = bpf_object__btf(obj);
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	size_t size;
	char *data;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);
		if (nl >= 7 && !strcmp(n + nl - 7, ".rodata"))
			rodata = m;
	}
	if (!rodata || id < 0)
		ICE("no .rodata for %s", var);
	data = bpf_map__initial_value(rodata, &size);
	const struct btf_type *sec = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *vsi = btf_var_secinfos(sec);
	for (int j = 0; j < btf_vlen(sec); j++, vsi++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vsi->type)->name_off), var) &&
		    vsi->offset + 8 <= size)
			return data + vsi->offset;
	return NULL;
}

/* The version number the program's records carry (0: not pinned). */
void set_version(struct bpf_object *obj, uint64_t version)
{
	void *p = rodata_var(obj, "__pyb_version");
	if (p)
		memcpy(p, &version, 8);
}

/* ---- -D overrides of Final constants -------------------------------------- */

static int parse_int(const char *s, int64_t *out)
{
	char *end;
	int neg = 0;
	unsigned long long v;
	if (!strcmp(s, "True"))
		return *out = 1, 0;
	if (!strcmp(s, "False"))
		return *out = 0, 0;
	if (*s == '-')
		neg = 1, s++;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		v = strtoull(s + 2, &end, 16);
	else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		v = strtoull(s + 2, &end, 8);
	else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		v = strtoull(s + 2, &end, 2);
	else
		v = strtoull(s, &end, 10);
	if (errno || *end || end == s || (!neg && v > INT64_MAX) || (neg && v > (unsigned long long)INT64_MAX + 1))
		return -1;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static ConstDecl *find_const(Prog *prog, const char *name)
{
	for (int i = 0; i < prog->consts.len; i++) {
		ConstDecl *k = VEC_AT(prog->consts, i);
		if (!strcmp(k->name, name))
			return k;
	}
	return NULL;
}

/* Check every -D before anything touches the kernel. */
void check_defines(Prog *prog, LoadOpts *o)
{
	for (int i = 0; i < o->defines.len; i++) {
		Define *d = VEC_AT(o->defines, i);
		ConstDecl *k = find_const(prog, d->name);
		int64_t v;
		if (!k) {
			Str names = {0};
			for (int j = 0; j < prog->consts.len; j++)
				str_printf(&names, "%s%s", j ? ", " : "", ((ConstDecl *)VEC_AT(prog->consts, j))->name);
			fatal("-D %s: %s has no Final constant named '%s'%s%s", d->name, prog->file->name, d->name,
			      names.len ? "; its constants are: " : "", names.len ? names.buf : "");
		}
		if (k->nitems)
			error_at(k->decl->target->loc, "-D %s=%s: '%s' is a Final tuple; -D overrides only Final ints and bools",
				 d->name, d->value, d->name);
		if (parse_int(d->value, &v) < 0)
			fatal("-D %s=%s: not an integer (decimal, 0x.., 0o.., 0b.., True or False)", d->name, d->value);
		if (k->type->kind == TY_BOOL && v != 0 && v != 1)
			fatal("-D %s=%s: '%s' is a bool constant; use True or False", d->name, d->value, d->name);
	}
}

int apply_defines(struct bpf_object *obj, Prog *prog, LoadOpts *o)
{
	for (int i = 0; i < o->defines.len; i++) {
		Define *d = VEC_AT(o->defines, i);
		ConstDecl *k = find_const(prog, d->name);
		int64_t v = 0;
		void *p = rodata_var(obj, k->cname);
		if (!p)
			ICE("constant %s not found in .rodata", k->cname);
		parse_int(d->value, &v);
		memcpy(p, &v, 8);
	}
	return 0;
}
