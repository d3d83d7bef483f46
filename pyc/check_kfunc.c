/* check_kfunc.c — the running kernel's kfuncs: calls, and `pybpf api`.
 *
 * A kfunc is a kernel function with the "bpf_kfunc" BTF decl tag. The
 * checker types a call from the function's BTF prototype: integer
 * parameters take ints, `struct T *` parameters take a kernel pointer of
 * that struct (current_task(), a @tp_btf or struct_ops argument), and the
 * return value is an int, a bool, a kernel pointer or None.
 *
 * The kernel's kfunc sets (which program types may call a kfunc, and its
 * KF_ACQUIRE / KF_RELEASE / KF_RET_NULL flags) are not in BTF, so:
 *  - which probe kinds may call a kfunc is the verifier's answer, asked
 *    ahead of time per program type (check_kfunc_progs.c) and at load for
 *    the kinds that were not asked;
 *  - references are recognised by name: a kfunc whose first parameter is
 *    `struct T *` and whose name says it releases ("..._release", "..._put")
 *    releases a T, and a kfunc that returns `struct T *` for such a T
 *    acquires one. An acquiring kfunc is called only as
 *    `with KFUNC(...) as x:` (check_with_kfunc): x may be None until tested,
 *    and the block's end releases it on every way out.
 * kfunc_why_not() is the one rule: the checker's errors and `pybpf api`
 * both come from it.
 */
#include "check_int.h"
#include "btf.h"

#include <linux/btf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BPF objects that live in a map value or on the BPF stack (by struct
 * name prefix): pybpf makes none of them yet. */
static const char *const bpf_objects[] = {
	"bpf_dynptr", "bpf_list_", "bpf_rb_", "bpf_wq", "bpf_res_spin_lock", "bpf_iter_",
	"bpf_task_work", "bpf_timer", "bpf_refcount", "bpf_crypto_params", NULL,
};

static const char *struct_name(KBtf *k, int ptr_type)
{
	KInfo in, tg;
	kbtf_info(k, ptr_type, &in);
	if (in.kind != KK_PTR)
		return NULL;
	kbtf_info(k, in.target, &tg);
	return tg.kind == KK_STRUCT || tg.kind == KK_UNION ? tg.name : NULL;
}

/* What pointer type ptr_type points at */
static int pointee(KBtf *k, int ptr_type)
{
	KInfo in;
	kbtf_info(k, ptr_type, &in);
	return in.target;
}

/* A BTF FUNC's own name (kbtf_type_name spells its prototype) */
static const char *fname(KBtf *k, int fid)
{
	KInfo in;
	kbtf_info(k, fid, &in);
	return in.name;
}

static bool releases_by_name(const char *name)
{
	return strstr(name, "_release") || strstr(name, "_put");
}

/* The struct T that kfunc fid releases (its first parameter is `struct T *`
 * and its name says it releases), or NULL. */
static const char *released_struct(KBtf *k, int fid)
{
	const char *fn = fname(k, fid);
	KParam *kp;
	int n, ret;
	if (!releases_by_name(fn) || kbtf_func_args(k, fn, &kp, &n, &ret, NULL) < 0 || n < 1)
		return NULL;
	return struct_name(k, kp[0].type);
}

/* The kfunc that releases a struct T reference, or NULL. */
static const char *releaser_of(KBtf *k, const char *sname)
{
	for (int id = 1; id < kbtf_type_count(k); id++) {
		const char *s = kbtf_is_kfunc(k, id) ? released_struct(k, id) : NULL;
		if (s && !strcmp(s, sname))
			return fname(k, id);
	}
	return NULL;
}

static bool starts_with_any(const char *s, const char *const *prefixes)
{
	for (int i = 0; prefixes[i]; i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Parameter name suffixes (the kernel's kfunc argument annotations) that
 * ask for what pybpf cannot pass: memory and its size, a map, the program,
 * an uninitialized or ignored object, a constant string, irq flags. */
static const char *const special_suffixes[] = {
	"__sz", "__szk", "__map", "__prog", "__ign", "__uninit", "__str", "__irq_flag", "__refcounted_kptr", NULL,
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* A string kfunc's string (bpf_strlen's s__ign): a const char * the
 * kernel reads with fault-safe loads, so the verifier ignores what it
 * points at and any str value will do */
static bool str_param(KBtf *k, const KParam *p)
{
	return ends_with(p->name, "__ign") && !strcmp(kbtf_type_name(k, p->type), "const char *");
}

/* A dynptr the kfunc reads or writes (bpf_dynptr_size's p): a Dynptr
 * local (check_dynptr.c); not one it initializes (__uninit) */
static bool dynptr_param(KBtf *k, const KParam *p)
{
	const char *s = struct_name(k, p->type);
	return s && !strcmp(s, "bpf_dynptr") && !ends_with(p->name, "__uninit");
}

/* An address the kfunc reads with a fault-safe copy (bpf_probe_read_user_dynptr's
 * unsafe_ptr__ign): a pointer or an int, as the helpers' unsafe_ptr */
static bool addr_param(KBtf *k, const KParam *p)
{
	return ends_with(p->name, "__ign") && !strcmp(kbtf_type_name(k, p->type), "const void *");
}

/* The kernel's string kfuncs (6.17+): their negative returns are errors
 * (-EFAULT, -E2BIG, -ERANGE: OSError) except the results Python has too:
 * strcmp's -1 ("less"), and the search kfuncs' -ENOENT ("not found"),
 * which pybpf gives as -1, as str.find does. */
int kfunc_str_result(const char *name, bool *enoent_is_minus_one)
{
	static const char *const search[] = {"bpf_strchr", "bpf_strnchr", "bpf_strrchr", "bpf_strstr", "bpf_strnstr", NULL};
	static const char *const others[] = {"bpf_strlen", "bpf_strnlen", "bpf_strspn", "bpf_strcspn", "bpf_strchrnul", NULL};
	*enoent_is_minus_one = false;
	if (!strcmp(name, "bpf_strcmp") || !strcmp(name, "bpf_strcasecmp"))
		return -1;
	for (int i = 0; search[i]; i++)
		if (!strcmp(name, search[i]))
			return *enoent_is_minus_one = true, -1;
	for (int i = 0; others[i]; i++)
		if (!strcmp(name, others[i]))
			return 0;
	return kfunc_returns_errno(name) ? 0 : 1;   /* check_kfunc_mem.c */   /* not a string kfunc */
}

/* Why parameter i of a kfunc's kp[0..n) cannot be passed, or NULL. */
static const char *param_why_not(KBtf *k, const KParam *kp, int n, int i)
{
	const KParam *p = &kp[i];
	const char *why = NULL, *s = struct_name(k, p->type);
	Type *t = kernel_value_type(k, p->type, &why);
	if ((why = kfunc_ctx_param_why(k, p)))
		return why;   /* check_kfunc_mem.c */
	if (str_param(k, p) || dynptr_param(k, p) || addr_param(k, p) || kfunc_mem_param(k, kp, n, i) ||
	    kfunc_size_param(k, kp, n, i) || kfunc_const_str_param(k, p) || kfunc_uninit_dynptr_param(k, kp, n, i))
		return NULL;   /* memory and its size: check_kfunc_mem.c */
	for (int i = 0; special_suffixes[i]; i++)
		if (ends_with(p->name, special_suffixes[i]))
			return xasprintf("its parameter '%s' (%s) is annotated %s for the verifier, which pybpf cannot pass yet",
					 p->name, kbtf_type_name(k, p->type), special_suffixes[i]);
	if (s && starts_with_any(s, bpf_objects))
		return xasprintf("its parameter '%s' (%s) is a BPF object that lives in a map value or on the stack, "
				 "which pybpf cannot make yet", p->name, kbtf_type_name(k, p->type));
	if (t && (t->kind == TY_INT || t->kind == TY_BOOL || t->kind == TY_KPTR))
		return NULL;
	if (t && t->kind == TY_PTR)
		return xasprintf("its parameter '%s' (%s) is memory, which pybpf cannot pass to a kfunc yet",
				 p->name, kbtf_type_name(k, p->type));
	return xasprintf("its parameter '%s' (%s) is a value of a type pybpf cannot pass yet", p->name,
			 kbtf_type_name(k, p->type));
}

/* ---- kernel iterators ----------------------------------------------------- */

static const char *const iter_parts[] = {"_new", "_next", "_destroy"};

/* The iterator an iterator kfunc belongs to: "task_vma" for
 * bpf_iter_task_vma_next; NULL for other names. */
static const char *iter_family(const char *name)
{
	if (strncmp(name, "bpf_iter_", 9))
		return NULL;
	for (int i = 0; i < 3; i++)
		if (ends_with(name, iter_parts[i]))
			return xasprintf("%.*s", (int)(strlen(name) - 9 - strlen(iter_parts[i])), name + 9);
	return NULL;
}

/* The BTF ids of kernel iterator x's bpf_iter_X_new, _next and _destroy
 * kfuncs; false unless all three are there. */
static bool iter_kfuncs(KBtf *k, const char *x, int ids[3])
{
	for (int i = 0; i < 3; i++) {
		ids[i] = kbtf_find(k, xasprintf("bpf_iter_%s%s", x, iter_parts[i]), BTF_KIND_FUNC);
		if (ids[i] <= 0 || !kbtf_is_kfunc(k, ids[i]))
			return false;
	}
	return true;
}

/* The items bpf_iter_X_next (next_fid) gives: a kernel pointer, or an
 * int from an `int *`; NULL for others. */
static Type *iter_item(KBtf *k, int next_fid)
{
	KParam *kp;
	int n, ret;
	KInfo in, tg;
	const char *why = NULL;
	Type *t;
	kbtf_func_args(k, fname(k, next_fid), &kp, &n, &ret, NULL);
	kbtf_info(k, ret, &in);
	if (in.kind == KK_PTR && in.target) {
		kbtf_info(k, in.target, &tg);
		if (tg.kind == KK_INT && tg.size == 4)
			return ty_int;
	}
	t = kernel_value_type(k, ret, &why);
	return t && t->kind == TY_KPTR ? t : NULL;
}

/* bpf_iter_bits_new's words (unsafe_ptr__ign, const u64 *): the kernel
 * copies them with a fault-safe read, so the verifier ignores the pointer;
 * pybpf passes an int's or a bytes[8*K] value's words (check_iter_bits.c) */
static bool words_param(KBtf *k, const KParam *p)
{
	return ends_with(p->name, "__ign") && !strcmp(kbtf_type_name(k, p->type), "const u64 *");
}

/* Why pybpf cannot loop over kernel iterator x yet, or NULL. */
static const char *iter_why_not(KBtf *k, const char *x)
{
	int ids[3], n, ret;
	KParam *kp;
	if (!iter_kfuncs(k, x, ids))
		return "it is not a whole open-coded iterator (bpf_iter_X_new, _next and _destroy)";
	kbtf_func_args(k, fname(k, ids[0]), &kp, &n, &ret, NULL);
	for (int i = 1; i < n; i++) {
		const char *w = !strcmp(x, "bits") && words_param(k, &kp[i]) ? NULL : param_why_not(k, kp, n, i);
		if (w)
			return w;
	}
	if (!iter_item(k, ids[1])) {
		kbtf_func_args(k, fname(k, ids[1]), &kp, &n, &ret, NULL);
		return xasprintf("its items are %s, which pybpf cannot use yet", kbtf_type_name(k, ret));
	}
	return NULL;
}

/* The kfuncs that open a region the verifier wants closed on every way
 * out, and the kfunc that closes it: `with bpf_rcu_read_lock():` */
static const char *const regions[][2] = {
	{"bpf_rcu_read_lock", "bpf_rcu_read_unlock"},
	{"bpf_preempt_disable", "bpf_preempt_enable"},
	{"bpf_local_irq_save", "bpf_local_irq_restore"},   /* the flags: a hidden local (check_kfunc_mem.c) */
};

const char *kfunc_region_closer(const char *name)
{
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (!strcmp(regions[i][0], name))
			return regions[i][1];
	return NULL;
}

/* The kfunc that opens the region kfunc name closes, or NULL */
static const char *region_opener(const char *name)
{
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (!strcmp(regions[i][1], name))
			return regions[i][0];
	return NULL;
}

/* Whether a kfunc pybpf can call returns a struct sname reference, which
 * a with block then releases: the releaser is reached through it */
const char *kfunc_why_not(KBtf *k, int fid);

static bool acquired_by_callable(KBtf *k, const char *sname)
{
	static int depth;
	bool found = false;
	if (depth)
		return false;
	depth++;
	for (int id = 1; id < kbtf_type_count(k) && !found; id++) {
		KParam *kp;
		int n, ret;
		const char *s;
		if (!kbtf_is_kfunc(k, id) || iter_family(fname(k, id)) || released_struct(k, id))
			continue;
		kbtf_func_args(k, fname(k, id), &kp, &n, &ret, NULL);
		found = ret && (s = struct_name(k, ret)) && !strcmp(s, sname) && !kfunc_why_not(k, id);
	}
	depth--;
	return found;
}

/* Why pybpf cannot call kfunc fid yet, or NULL when it can. */
const char *kfunc_why_not(KBtf *k, int fid)
{
	const char *name = fname(k, fid), *why = NULL, *s;
	KParam *kp;
	int n, ret;
	Type *rt;

	kbtf_func_args(k, name, &kp, &n, &ret, NULL);
	if (wq_kfunc(name) || kcast_kfunc(name) || task_work_kfunc(name))
		return NULL;   /* bpf_wq_init(wqs[k], 0) ...: check_wq.c; bpf_rdonly_cast: check_kcast.c; check_task_work.c */
	if (!strncmp(name, "__", 2))
		return "it is the kernel's own (a name starting with __)";
	if (!strcmp(name, "bpf_throw"))
		return "it throws a BPF exception, which ends the program without its cleanup; pybpf raises Python exceptions";
	if (kfunc_region_closer(name) || region_opener(name))
		return NULL;   /* with bpf_rcu_read_lock(): check_with_region */
	if (lock_kfunc(name))
		return NULL;   /* with bpf_res_spin_lock(m, k) as v: check_lock.c */
	if (ends_with(name, "_lock") || ends_with(name, "_unlock") || ends_with(name, "_disable") || ends_with(name, "_enable"))
		return "it opens or closes a region (lock/unlock, disable/enable) that must be closed on every way out "
		       "of the program, which pybpf cannot prove yet";
	if ((s = iter_family(name)))
		return (why = iter_why_not(k, s)) ? xasprintf("it is part of the kernel iterator bpf_iter_%s, which pybpf "
							      "cannot loop over yet: %s", s, why) : NULL;
	if (!strncmp(name, "bpf_iter_", 9))
		return "it is part of an open-coded iterator (_new, _next, _destroy), which pybpf cannot run as a for loop yet";
	if ((s = released_struct(k, fid)))
		return acquired_by_callable(k, s) ? NULL   /* reached: the with block calls it */
			: xasprintf("it releases a reference to struct %s (KF_RELEASE), and no kfunc pybpf can call "
				    "acquires one", s);
	for (int i = 0; i < n; i++) {
		const char *w = param_why_not(k, kp, n, i);
		if (w)
			return w;
	}
	if (!ret)
		return NULL;
	rt = kernel_value_type(k, ret, &why);
	if (rt && (rt->kind == TY_INT || rt->kind == TY_BOOL || rt->kind == TY_KPTR))
		return NULL;
	return xasprintf("it returns %s, which pybpf cannot use yet", kbtf_type_name(k, ret));
}

/* The kfunc that releases the reference kfunc fid returns (KF_ACQUIRE: it
 * returns `struct T *`, and a kfunc releases a T), or NULL. */
static const char *kfunc_releaser(KBtf *k, int fid)
{
	KParam *kp;
	int n, ret;
	const char *s;
	if (iter_family(fname(k, fid)))
		return NULL;   /* an iterator's items are not references */
	kbtf_func_args(k, fname(k, fid), &kp, &n, &ret, NULL);
	return ret && (s = struct_name(k, ret)) ? releaser_of(k, s) : NULL;
}

/* The kfunc that call e names, with its parameters (*kp, *n) and return
 * type (*ret): an error unless it is a kfunc pybpf can call with e's
 * number of arguments. */
static int kfunc_of(Checker *c, Node *e, KParam **kp, int *n, int *ret)
{
	Node *f = e->lhs;
	KBtf *k = need_btf(c, f);
	int fid = kbtf_find(k, f->name, BTF_KIND_FUNC), want;
	const char *not;

	if (fid <= 0)
		unknown_name(c, f);
	if (!kbtf_is_kfunc(k, fid))
		error_at(node_loc(f), "'%s' is a kernel function, but not a kfunc: BPF programs cannot call it", f->name);
	kbtf_func_args(k, f->name, kp, n, ret, NULL);
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "kfuncs take positional arguments only");
	want = kfunc_py_arity(k, *kp, *n);   /* pybpf passes the sizes of memory */
	if (e->elts.len != want)
		error_at(node_loc(e), "%s() takes %d argument%s (%s%s) but %d %s given", f->name, want, want == 1 ? "" : "s",
			 kbtf_type_name(k, fid), kfunc_sizes_note(k, *kp, *n), e->elts.len, e->elts.len == 1 ? "was" : "were");
	if ((not = kfunc_why_not(k, fid)))
		error_at(node_loc(f), "pybpf cannot call the kfunc %s yet: %s", f->name, not);
	kfunc_prog_use(c, f, f->name);
	return fid;
}

/* e's arguments, typed by the kfunc's parameters kp[0..n) */
static void check_kfunc_args(Checker *c, Node *e, KBtf *k, KParam *kp, int n, bool strict)
{
	const char *why = NULL, *f = e->lhs->name;
	for (int i = 0, j = 0; i < n; i++) {
		Node *a;
		Type *want, *got;
		if (kfunc_size_param(k, kp, n, i) || kfunc_uninit_dynptr_param(k, kp, n, i) || kfunc_irq_flag_param(&kp[i]))
			continue;   /* the size of the memory before it, the Dynptr made: pybpf passes them */
		a = VEC_AT(e->elts, j++);
		if (a->kind == ND_NONE && ends_with(kp[i].name, "__nullable")) {
			a->type = ty_none;   /* NULL */
			continue;
		}
		if (dynptr_param(k, &kp[i])) {
			KInfo pi;
			dynptr_arg(c, a, xasprintf("argument '%s' of %s", kp[i].name, f));
			/* declared whole: libbpf matches the extern's prototype with the kernel's, and a
			 * forward-declared struct is not the kernel's struct to it */
			kbtf_info(k, kp[i].type, &pi);
			kemit_use_whole(c->prog->kemit, kbtf_skip(k, pi.target));
			continue;
		}
		if (kfunc_const_str_param(k, &kp[i])) {
			check_kfunc_const_str_arg(c, a, &kp[i], f);
			continue;
		}
		got = check_expr(c, a);
		if (kfunc_mem_param(k, kp, n, i)) {
			check_kfunc_mem_arg(c, a, got, k, &kp[i], f);
			continue;
		}
		if (addr_param(k, &kp[i])) {
			if (got->kind != TY_PTR && got->kind != TY_KPTR && got->kind != TY_INT && got->kind != TY_FIXED)
				error_at(node_loc(a), "argument '%s' of %s must be an address (a pointer such as args.filename, "
					 "or an int), not %s", kp[i].name, f, ty_name(got));
			continue;
		}
		if (str_param(k, &kp[i])) {
			if (got->kind != TY_STR)
				error_at(node_loc(a), "argument '%s' of %s must be a str, not %s", kp[i].name, f, ty_name(got));
			continue;
		}
		want = kernel_value_type(k, kp[i].type, &why);
		if (want->kind == TY_KPTR)
			sock_result_to_kfunc(a, xasprintf("argument '%s' of %s", kp[i].name, f));   /* check_sock.c */
		if (want->kind == TY_KPTR && got->kind == TY_KVAL)   /* f.f_path: its address (check_kfunc_mem.c) */
			check_kfunc_embedded_arg(c, a, got, want->btf_id, xasprintf("argument '%s' of %s", kp[i].name, f),
						 kbtf_type_name(k, kp[i].type));
		else if (want->kind == TY_KPTR)
			check_kptr_arg_as(c, a, got, want->btf_id, xasprintf("argument '%s' of %s", kp[i].name, f),
					  kbtf_type_name(k, kp[i].type), strict);
		else
			check_store(c, a, got, want->kind == TY_INT ? ty_int : want, xasprintf("argument '%s' of %s", kp[i].name, f));
	}
}

/* kfunc fid is called: declare it (once) */
void use_kfunc(Checker *c, const char *name, int fid)
{
	KFuncUse *u;
	for (int i = 0; i < c->prog->kfuncs.len; i++)
		if (((KFuncUse *)VEC_AT(c->prog->kfuncs, i))->func_id == fid)
			return;
	u = xcalloc(1, sizeof(*u));
	u->name = name;
	u->func_id = fid;
	vec_push(&c->prog->kfuncs, u);
}

/* The value type of kfunc return type ret (None for void) */
static Type *kfunc_ret(Checker *c, KBtf *k, int ret)
{
	const char *why = NULL;
	Type *rt = ret ? kernel_value_type(k, ret, &why) : ty_none;
	if (rt->kind == TY_KPTR)
		kemit_use_type(c->prog->kemit, rt->btf_id);
	return rt;
}

/* tcp_reno_ssthresh(sk): a kernel function marked as a kfunc in BTF */
Type *check_kfunc_call(Checker *c, Node *e)
{
	KParam *kp;
	int n, ret, fid;
	KBtf *k;
	const char *rel, *family;

	if (wq_kfunc(e->lhs->name) || !strcmp(e->lhs->name, "bpf_wq_set_callback"))
		return check_wq_call(c, e);   /* check_wq.c */
	if (kcast_kfunc(e->lhs->name))
		return check_kcast_call(c, e);   /* check_kcast.c */
	if (task_work_kfunc(e->lhs->name) || task_work_call_name(e->lhs->name))
		return check_task_work_call(c, e);   /* check_task_work.c */
	fid = kfunc_of(c, e, &kp, &n, &ret);
	k = c->prog->btf;
	rel = kfunc_releaser(k, fid);

	if ((family = iter_family(e->lhs->name)) && !strcmp(family, "num"))
		error_at(node_loc(e->lhs), "%s() is part of bpf_iter_num, the iterator range() runs on: write "
			 "'for i in range(start, stop)', which calls its _new, _next and _destroy", e->lhs->name);
	if (family)
		error_at(node_loc(e->lhs), "%s() is part of the kernel iterator bpf_iter_%s: loop over it with "
			 "'for x in bpf_iter_%s(...):', which calls its _new, _next and _destroy", e->lhs->name,
			 family, family);
	if (lock_kfunc(e->lhs->name))
		lock_call_refused(e->lhs, e->lhs->name);   /* check_lock.c */
	if (kfunc_region_closer(e->lhs->name))
		error_at(node_loc(e->lhs), "%s() opens a region that must be closed on every way out: write 'with %s():', "
			 "and the end of the block calls %s", e->lhs->name, e->lhs->name, kfunc_region_closer(e->lhs->name));
	if (released_struct(k, fid))
		error_at(node_loc(e->lhs), "%s() releases a reference to struct %s (KF_RELEASE): the with block that "
			 "acquired it calls %s at its end", e->lhs->name, released_struct(k, fid), e->lhs->name);
	if (region_opener(e->lhs->name))
		error_at(node_loc(e->lhs), "%s() closes the region of 'with %s():', whose end calls it", e->lhs->name,
			 region_opener(e->lhs->name));
	if (rel)
		error_at(node_loc(e->lhs), "%s() returns a reference to struct %s that must be released (KF_ACQUIRE): "
			 "write 'with %s(...) as x:', and the end of the block releases it with %s", e->lhs->name,
			 struct_name(k, ret), e->lhs->name, rel);
	check_kfunc_args(c, e, k, kp, n, false);
	use_kfunc(c, e->lhs->name, fid);
	{
		bool enoent;
		if (kfunc_str_result(e->lhs->name, &enoent) <= 0)
			e->raise = new_raise(c, e, "OSError");   /* a string kfunc's errno, and kfunc_returns_errno's */
	}
	if (kfunc_makes_dynptr(k, kp, n)) {   /* c = bpf_dynptr_clone(d) (check_kfunc_mem.c) */
		Type *t = kfunc_dynptr_made(c, e, e->op == 'd');
		kemit_use_whole(c->prog->kemit, kbtf_skip(k, pointee(k, kp[n - 1].type)));
		e->op = 'k';
		e->cval = fid;
		return t;
	}
	e->op = 'k';
	e->cval = fid;
	return kfunc_ret(c, k, ret);
}

/* with bpf_task_from_pid(pid) as t: body -- t is the reference the kfunc
 * acquires (KF_ACQUIRE), or None when it finds nothing (KF_RET_NULL: each
 * acquiring kfunc may return NULL, so t must be tested before use); the
 * block releases it on every way out with the kfunc that releases its
 * struct (bpf_task_release), which the verifier then proves. */
void check_with_kfunc(Checker *c, Node *s, Node *call, Node *tg)
{
	KParam *kp;
	int n, ret, fid = kfunc_of(c, call, &kp, &n, &ret), rid;
	KBtf *k = c->prog->btf;
	const char *rel = kfunc_releaser(k, fid);

	if (!rel)
		error_at(node_loc(call->lhs), "%s() returns no kernel reference to release (%s); call it without with",
			 call->lhs->name, kbtf_type_name(k, fid));
	check_kfunc_args(c, call, k, kp, n, true);   /* it acquires: the verifier matches types strictly */
	use_kfunc(c, call->lhs->name, fid);
	rid = kbtf_find(k, rel, BTF_KIND_FUNC);
	use_kfunc(c, rel, rid);
	call->op = 'k';
	call->cval = fid;
	call->type = kfunc_ret(c, k, ret);
	check_with_block(c, s, tg, call->type, 'Q', rid, call->lhs->name);
}

/* with bpf_rcu_read_lock(): body -- the region the kfunc opens is closed
 * (bpf_rcu_read_unlock) on every way out of the block, as a with block's
 * reference is released: the verifier sees it closed on every path. */
void check_with_region(Checker *c, Node *s, Node *call)
{
	KParam *kp;
	int n, ret, fid = kfunc_of(c, call, &kp, &n, &ret), cid;
	const char *close = kfunc_region_closer(call->lhs->name);
	KBtf *k = c->prog->btf;
	check_kfunc_args(c, call, k, kp, n, true);
	use_kfunc(c, call->lhs->name, fid);
	cid = kbtf_find(k, close, BTF_KIND_FUNC);
	kfunc_prog_use(c, call->lhs, close);
	use_kfunc(c, close, cid);
	call->op = 'k';
	call->cval = fid;
	call->type = ty_none;
	check_with_block(c, s, NULL, ty_none, 'O', cid, NULL);
	if (n && kfunc_irq_flag_param(&kp[n - 1]))   /* with bpf_local_irq_save(): its flags */
		kfunc_region_flags(c, s, call, ((Node *)VEC_AT(s->third->finalbody, 0))->value);
}

/* for t in bpf_iter_task(None, 0): body -- a kernel iterator (issue 13):
 * bpf_iter_task_new(&it, None, 0), then bpf_iter_task_next(&it) for each
 * item until it gives NULL, and bpf_iter_task_destroy(&it) on every way
 * out of the loop (the emitter's loop frames, as for range()). The
 * arguments are those of bpf_iter_X_new after the iterator; None passes
 * NULL to a "__nullable" one. The items are kernel pointers the verifier
 * trusts, or ints (bpf_iter_num, whose next gives an int *). */
void check_for_kfunc_iter(Checker *c, Node *s)
{
	Node *it = s->iter, *f = it->lhs;
	KBtf *k = need_btf(c, f);
	const char *x = f->name + 9, *why;
	int ids[3], n, ret;
	KParam *kp;
	Type *t;

	if (!strcmp(x, "num"))
		error_at(node_loc(f), "bpf_iter_num is the iterator range() runs on: write 'for i in range(start, stop)'");
	if (!iter_kfuncs(k, x, ids))
		error_at(node_loc(f), "'%s' is not a kernel iterator: this kernel has no %s_new, %s_next and %s_destroy "
			 "kfuncs", f->name, f->name, f->name, f->name);
	if ((why = iter_why_not(k, x)))
		error_at(node_loc(f), "pybpf cannot loop over %s yet: %s", f->name, why);
	kbtf_func_args(k, fname(k, ids[0]), &kp, &n, &ret, NULL);
	if (it->vals.len)
		error_at(node_loc(VEC_AT(it->vals, 0)), "kernel iterators take positional arguments only");
	if (it->elts.len != n - 1)
		error_at(node_loc(it), "%s() takes %d argument%s (those of %s after the iterator: %s) but %d %s given",
			 f->name, n - 1, n == 2 ? "" : "s", fname(k, ids[0]), kbtf_type_name(k, ids[0]), it->elts.len,
			 it->elts.len == 1 ? "was" : "were");
	for (int i = 0; i < 3; i++)
		kfunc_prog_use(c, f, fname(k, ids[i]));
	if (!strcmp(x, "bits"))
		check_iter_bits_args(c, it);   /* an int's or a bytes[8*K] value's words */
	else
		check_kfunc_args(c, it, k, kp + 1, n - 1, true);
	for (int i = 0; i < 3; i++)
		use_kfunc(c, fname(k, ids[i]), ids[i]);
	kemit_use_whole(c->prog->kemit, pointee(k, kp[0].type));
	t = iter_item(k, ids[1]);
	if (t->kind == TY_KPTR)
		kemit_use_type(c->prog->kemit, t->btf_id);
	s->op = 'I';
	it->cval = ids[0];
	check_loop_body(c, s, t);
}

/* ---- pybpf api ----------------------------------------------------------- */

/* "int", "bool", "task_struct" for a parameter or return type id */
static const char *py_type(KBtf *k, int id)
{
	const char *why = NULL;
	Type *t = id ? kernel_value_type(k, id, &why) : ty_none;
	KInfo in;
	if (!t)
		return kbtf_type_name(k, id);
	switch (t->kind) {
	case TY_NONE: return "None";
	case TY_BOOL: return "bool";
	case TY_INT:
		kbtf_info(k, id, &in);
		return xasprintf("int (%s%d)", in.is_signed ? "i" : "u", in.size * 8);
	case TY_KPTR:
		kbtf_info(k, t->btf_id, &in);
		return in.name;
	default: return kbtf_type_name(k, id);
	}
}

/* "bpf_task_under_cgroup(task: task_struct, ancestor: cgroup) -> bool" */
static char *kfunc_sig(KBtf *k, const ApiKfunc *a)
{
	const char *name = a->name, *family = iter_family(name), *rel = a->why ? NULL : kfunc_releaser(k, a->fid);
	KParam *kp;
	int n, ret;
	Str s = {0};
	kbtf_func_args(k, name, &kp, &n, &ret, NULL);
	if (wq_kfunc(name))
		return xstrdup(wq_api_sig(name));
	if (kcast_kfunc(name))
		return xstrdup(kcast_api_sig(name));
	if (task_work_kfunc(name))
		return xstrdup(task_work_api_sig(name));
	if (lock_kfunc(name))
		return xstrdup(lock_api_sig(name));   /* check_lock.c */
	str_printf(&s, "%s(", name);
	for (int i = 0, j = 0; i < n; i++)
		if (!kfunc_size_param(k, kp, n, i) && !kfunc_uninit_dynptr_param(k, kp, n, i) && !kfunc_irq_flag_param(&kp[i]))
			str_printf(&s, "%s%s: %s", j++ ? ", " : "", kp[i].name,
				   family && !strcmp(family, "bits") && words_param(k, &kp[i]) ? "int | bytes[8*K]" :
				   kfunc_mem_param(k, kp, n, i) ? kfunc_mem_py_type() :
				   kfunc_const_str_param(k, &kp[i]) ? "str (a literal)" : py_type(k, kp[i].type));
	if (!a->why && family && strcmp(family, "num") && ends_with(name, "_new")) {
		str_printf(&s, ") -> %s\n    iterator: loop over it as 'for x in bpf_iter_%s(", py_type(k, ret), family);
		for (int i = 1; i < n; i++)
			str_printf(&s, "%s%s", i > 1 ? ", " : "", !strcmp(family, "bits") && words_param(k, &kp[i]) ? "words" : kp[i].name);
		str_puts(&s, "):'");
	} else if (kfunc_region_closer(name)) {
		str_printf(&s, ") -> None\n    region: call it as 'with %s():', whose end calls %s", name, kfunc_region_closer(name));
	} else if (!a->why && released_struct(k, a->fid)) {
		str_printf(&s, ") -> None\n    releases: the end of a with block holding a struct %s reference calls it",
			   released_struct(k, a->fid));
	} else if (region_opener(name)) {
		str_printf(&s, ") -> None\n    region: the end of 'with %s():' calls it", region_opener(name));
	} else if (rel) {
		str_printf(&s, ") -> Optional[%s]\n    acquires: call it as 'with %s(...) as x:', whose end releases x "
			   "with %s", py_type(k, ret), name, rel);
	} else if (!a->why && kfunc_makes_dynptr(k, kp, n)) {
		str_printf(&s, ") -> Dynptr  raises OSError\n    makes: assign it to a new name, 'c = %s(...)'", name);
	} else {
		str_printf(&s, ") -> %s%s", py_type(k, ret), kfunc_returns_errno(name) ? "  raises OSError" : "");
	}
	return s.buf;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(ApiKfunc *const *)a)->name, (*(ApiKfunc *const *)b)->name);
}

/* The kfuncs of BTF k whose name contains pattern (ApiKfunc*), sorted by
 * name; *callable counts those pybpf can call. */
static Vec kfuncs_matching(KBtf *k, const char *pattern, int *callable)
{
	Vec v = {0};
	*callable = 0;
	for (int id = 1; id < kbtf_type_count(k); id++)
		if (kbtf_is_kfunc(k, id) && (!pattern || strstr(fname(k, id), pattern))) {
			ApiKfunc *a = xcalloc(1, sizeof(*a));
			a->fid = id;
			a->name = fname(k, id);
			a->why = kfunc_why_not(k, id);
			*callable += !a->why;
			vec_push(&v, a);
		}
	if (v.len)
		qsort(v.data, v.len, sizeof(void *), by_name);
	return v;
}

static KBtf *api_btf(void)
{
	const char *err;
	KBtf *k = kbtf_load(pyc_btf_path, &err);
	if (!k)
		fprintf(stderr, "pybpf: the running kernel's kfuncs are not listed: %s\n", err);
	return k;
}

/* pybpf api [PATTERN], second half: the kfuncs; returns how many matched */
int kfuncs_api(const char *pattern)
{
	KBtf *k = api_btf();
	Vec v;
	int callable;
	if (!k)
		return 0;
	v = kfuncs_matching(k, pattern, &callable);
	for (int i = 0; i < v.len; i++) {
		ApiKfunc *a = VEC_AT(v, i);
		printf("%s\n", kfunc_sig(k, a));
		if (a->why)
			printf("    not callable yet: %s\n", a->why);
		else
			printf("    probes: %s\n", kfunc_kinds(a->name));
		if (!a->why && wq_api_reached(a->name))
			printf("    reached: %s\n", wq_api_reached(a->name));
		if (!a->why && task_work_api_reached(a->name))
			printf("    reached: %s\n", task_work_api_reached(a->name));
		if (!a->why && iter_family(a->name) && !strcmp(iter_family(a->name), "num"))
			printf("    reached: 'for i in range(...)' runs on bpf_iter_num: it calls bpf_iter_num_new, "
			       "_next and _destroy\n");
	}
	printf("%d kfunc%s in the running kernel's BTF, %d callable from pybpf "
	       "(the kernel was asked which probe kinds may call each)\n",
	       v.len, v.len == 1 ? "" : "s", callable);
	return v.len;
}

/* pybpf api --coverage, second half */
void kfuncs_coverage(void)
{
	KBtf *k = api_btf();
	Vec v;
	int callable;
	if (!k)
		return;
	v = kfuncs_matching(k, NULL, &callable);
	kfuncs_prog_coverage(&v);
	printf("kfuncs of the running kernel (any probe kind): %d of %d callable\n", callable, v.len);
	for (int i = 0; i < v.len; i++) {
		ApiKfunc *a = VEC_AT(v, i);
		if (a->why)
			printf("    %s: %s\n", a->name, a->why);
	}
}
