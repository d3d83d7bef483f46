/* check_kptr.c — kernel pointers the verifier trusts, as arguments of
 * kfuncs and of BPF helpers (issue 13).
 *
 * A kernel pointer (TY_KPTR) is trusted by the verifier when it comes from
 * current_task() / bpf.get_current_task_btf(), a kfunc or helper that
 * returns one, a probe's argument (@tp_btf, struct_ops), a with block's
 * reference or a kernel iterator's item. A field read through one
 * (current_task().real_parent) is not: to the verifier it is a pointer it
 * may not pass on (or, in a @tracepoint probe, a plain number read with
 * bpf_probe_read_kernel). A local variable keeps what its first value
 * was: a later value of the other sort is an error, so that a use in a
 * loop never sees a pointer of the other sort from a later assignment.
 */
#include "check_int.h"

#include <string.h>

/* Is a (checked, of type TY_KPTR) a pointer the verifier trusts? */
bool kptr_trusted(Node *a)
{
	if (!a->type || a->type->kind != TY_KPTR || a->type->user)
		return false;
	if (a->kind == ND_CALL)
		return true;
	return a->kind == ND_NAME && a->sym && a->sym->kind == SYM_LOCAL && !a->sym->kptr_untrusted;
}

/* Local y (of type TY_KPTR) gets value: remember whether it is trusted
 * (first: y's first assignment), or refuse the other sort. */
void kptr_assigned(Sym *y, Node *value, bool first)
{
	bool tr;
	if (y->type->kind != TY_KPTR)
		return;
	tr = kptr_trusted(value);
	if (first) {
		y->kptr_untrusted = !tr;
		return;
	}
	if (tr != y->kptr_untrusted)
		return;
	if (tr)
		error_begin(node_loc(value), "'%s' holds a kernel pointer read from a field, which the verifier does not trust; "
			    "this value is one it trusts: give it a name of its own", y->name);
	else
		error_begin(node_loc(value), "'%s' holds a kernel pointer the verifier trusts; this value is read from a field "
			    "of kernel memory, which it does not trust: give it a name of its own", y->name);
	note_at(node_loc(y->decl), "'%s' first assigned here", y->name);
	diag_exit();
}

/* Whether a pointer to struct id is one to want: id itself, or a struct
 * whose first member (at offset 0, and so on down) is a want -- the
 * verifier's own rule for kfuncs that neither acquire nor release
 * (btf_struct_ids_match, not strict): a bpf_cpumask is a cpumask */
static bool kptr_is(KBtf *k, int id, int want, bool strict)
{
	for (int depth = 0; id > 0 && depth < 8; depth++) {
		if (id == want)
			return true;
		if (strict)
			return false;
		id = kbtf_first_member(k, id);
	}
	return false;
}

/* Argument a (checked: got) of a kfunc or helper whose parameter is a
 * kernel pointer of struct want_id (C type ctype): the same struct (or,
 * unless strict, one that embeds it first), and a pointer the verifier
 * trusts. what: "argument 'task' of bpf.task_pt_regs()". */
void check_kptr_arg_as(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype, bool strict)
{
	sock_none_refused(a, got);   /* a socket helper's result: tested first */
	if (got->kind != TY_KPTR || !kptr_is(c->prog->btf, got->btf_id, want_id, strict) || got->user)
		error_at(node_loc(a), "%s must be %s, not %s", what, ctype, ty_name(got));
	if (!kptr_trusted(a))
		error_at(node_loc(a), "%s must be a kernel pointer the verifier trusts (current_task(), a probe's argument, "
			 "a with block's reference), not %s%s read from a field of kernel memory, which is a plain number to it",
			 what, a->kind == ND_NAME ? xasprintf("'%s', ", a->name) : "", ty_name(got));
	kemit_use_type(c->prog->kemit, want_id);
}

void check_kptr_arg(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype)
{
	check_kptr_arg_as(c, a, got, want_id, what, ctype, true);
}

/* The kernel pointer type of a helper's C type "struct task_struct *" (at: for errors) */
Type *helper_kptr_type(Checker *c, Node *at, const char *ctype)
{
	const char *s = ctype + (strncmp(ctype, "struct ", 7) ? 0 : 7);
	const char *name = xasprintf("%.*s", (int)strcspn(s, " *"), s);
	int id = kbtf_find_struct(need_btf(c, at), name);
	if (id < 0)
		error_at(node_loc(at), "the kernel's types have no struct %s", name);
	kemit_use_type(c->prog->kemit, id);
	return ty_kernel(TY_KPTR, id);
}

/* ---- task and cgroup local storage: TaskStorage[V], CgrpStorage[V] ---------------------------------- */

/* The local storage kinds: the struct each is keyed by (an SkStorage by
 * any socket, a struct that starts with a sock_common: the verifier's
 * ARG_PTR_TO_BTF_ID_SOCK_COMMON for bpf_sk_storage_get), what owns an item,
 * and the kernel helpers' infix (bpf_task_storage_get) */
static const struct {
	MapKind kind;
	const char *key, *owner, *infix;
} storages[] = {
	{MAP_TASK_STORAGE, "task_struct", "task", "task"},
	{MAP_CGRP_STORAGE, "cgroup", "cgroup", "cgrp"},
	{MAP_SK_STORAGE, "sock_common", "socket", "sk"},
	{MAP_INODE_STORAGE, "inode", "inode", "inode"},
};

static int storage_index(MapKind k)
{
	for (size_t i = 0; i < sizeof(storages) / sizeof(storages[0]); i++)
		if (storages[i].kind == k)
			return (int)i;
	ICE("map kind %d is no local storage", k);
}

static const char *storage_struct(MapKind k)
{
	return storages[storage_index(k)].key;
}

const char *storage_owner(MapKind k)
{
	return storages[storage_index(k)].owner;
}

const char *storage_infix(MapKind k)
{
	return storages[storage_index(k)].infix;
}

/* counts: TaskStorage[u64] = TaskStorage() -- BPF_MAP_TYPE_TASK_STORAGE
 * (CGRP_STORAGE), BPF_F_NO_PREALLOC, max_entries 0: the kernel keeps each
 * task's (cgroup's) item with the task, and frees it with the task. Its
 * key is the task pointer (t->key, TY_KPTR); integer values only. */
void declare_storage_map(Checker *c, Node *s, Type *t, MapDecl *m)
{
	MapKind k = t->map_kind;
	const char *kn = map_kind_names[k];
	Node *val = s->value;
	int id;
	if (t->val->kind != TY_FIXED)
		error_at(node_loc(s->annotation->rhs), "%s values must be integer types (u8..u64, i8..i64, int), not %s", kn,
			 ty_name(t->val));
	if (!val || val->kind != ND_CALL || val->lhs->kind != ND_NAME || strcmp(val->lhs->name, kn))
		error_at(node_loc(val ? val : s), "map '%s' must be created with %s() to match its annotation", m->name, kn);
	if (val->elts.len || val->vals.len)
		error_at(node_loc(val), "%s() takes no arguments: the kernel keeps one item per %s, as many as there are",
			 kn, storage_owner(k));
	id = kbtf_find_struct(need_btf(c, s), storage_struct(k));
	if (id < 0)
		error_at(node_loc(s), "the kernel's types have no struct %s", storage_struct(k));
	kemit_use_type(c->prog->kemit, id);
	t->key = ty_kernel(TY_KPTR, id);
	m->max_entries = 0;
}

/* The kernel helper that an item access of m calls ("bpf_task_storage_get") */
static const char *storage_helper(MapDecl *m)
{
	return xasprintf("bpf_%s_storage_get", storage_infix(m->type->map_kind));
}

/* m[t], m.get(t, d), m[t] = v, m[t] += n, del m[t], t in m: t is a task
 * (cgroup) pointer the verifier trusts, and the probe kind (or each probe
 * that reaches this def) may call the storage helpers. */
void check_storage_key(Checker *c, Node *sub, MapDecl *m)
{
	Node *k = sub->rhs;
	bool sk = m->type->map_kind == MAP_SK_STORAGE;
	const char *ctype = sk ? "a socket (a struct sock_common * or a struct that starts with one: sock, tcp_sock, ...)"
			       : xasprintf("struct %s *", storage_struct(m->type->map_kind));
	Type *got;
	if (k->kind == ND_TUPLE)
		error_at(node_loc(k), "the key of '%s' is one %s, not a tuple", m->name, sk ? "socket" : ctype);
	got = check_expr(c, k);
	check_kptr_arg_as(c, k, got, m->type->key->btf_id, xasprintf("the key of '%s' (%s %s)", m->name,
			  strchr("AEIOU", map_kind_names[m->type->map_kind][0]) ? "an" : "a",
			  map_kind_names[m->type->map_kind]), ctype, !sk);
	if (c->probe) {
		helper_allowed(c->probe->kind, storage_helper(m), sub, NULL);
	} else if (c->func) {
		KfuncUse *u = xcalloc(1, sizeof(*u));
		u->at = sub;
		u->kfunc = storage_helper(m);
		u->pyname = xasprintf("'%s'", m->name);
		vec_push(&c->func->kfuncs, u);
	}
}
