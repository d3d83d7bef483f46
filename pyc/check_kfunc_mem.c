/* check_kfunc_mem.c — kfunc memory parameters and the sizes pybpf passes.
 *
 * The kernel's kfunc convention (Documentation/bpf/kfuncs.rst, "__sz"): a
 * pointer parameter X followed by an integer parameter named X__sz is
 * memory of X__sz bytes the kfunc reads or writes (bpf_copy_from_user_str's
 * dst, dst__sz; bpf_cpumask_populate's src, src__sz; bpf_path_d_path's buf,
 * buf__sz). pybpf passes a str[N] or bytes[N] local for X and fills X__sz
 * in with N, as it does for the helpers' memory arguments: the Python call
 * has no size argument. Only memory of bytes (void, char, u8) is passed:
 * a struct pointer followed by its size (bpf_sk_assign_tcp_reqsk's attrs)
 * stays refused.
 *
 * The kfuncs that take such memory return a length or 0, or a negative
 * errno (-EFAULT, -EINVAL, -EACCES, -ENAMETOOLONG, -ERANGE ...): that
 * raises OSError at the call, the table-wide kfunc rule of the string
 * kfuncs (kfunc_str_result), so the value the program sees is never an
 * errno.
 */
#include "check_int.h"
#include "btf.h"

#include <string.h>

/* Whether type id is a pointer to bytes: void *, char *, u8 * (const or not) */
static bool bytes_ptr(KBtf *k, int id)
{
	KInfo in, tg;
	kbtf_info(k, kbtf_skip(k, id), &in);
	if (in.kind != KK_PTR)
		return false;
	if (!in.target)
		return true;
	kbtf_info(k, kbtf_skip(k, in.target), &tg);
	return tg.kind == KK_VOID || tg.kind == KK_CHAR || (tg.kind == KK_INT && tg.size == 1);
}

static bool int_type(KBtf *k, int id)
{
	KInfo in;
	kbtf_info(k, kbtf_skip(k, id), &in);
	return in.kind == KK_INT;
}

/* Whether parameter i of kp[0..n) is memory whose size the next one is */
bool kfunc_mem_param(KBtf *k, const KParam *kp, int n, int i)
{
	return i + 1 < n && kp[i].name && kp[i + 1].name && bytes_ptr(k, kp[i].type) && int_type(k, kp[i + 1].type) &&
	       !strncmp(kp[i + 1].name, kp[i].name, strlen(kp[i].name)) &&
	       !strcmp(kp[i + 1].name + strlen(kp[i].name), "__sz");
}

/* Whether parameter i is the size of memory parameter i-1: pybpf passes it */
bool kfunc_size_param(KBtf *k, const KParam *kp, int n, int i)
{
	return i > 0 && kfunc_mem_param(k, kp, n, i - 1);
}

/* Whether parameter i is the last, a `struct bpf_dynptr *X__uninit` the
 * kfunc initializes (bpf_dynptr_clone's clone__uninit): the call makes a
 * Dynptr, assigned to a new name, `c = bpf_dynptr_clone(d)` */
bool kfunc_uninit_dynptr_param(KBtf *k, const KParam *kp, int n, int i)
{
	KInfo in, tg;
	size_t l = kp[i].name ? strlen(kp[i].name) : 0;
	if (i != n - 1 || l < 8 || strcmp(kp[i].name + l - 8, "__uninit"))
		return false;
	kbtf_info(k, kbtf_skip(k, kp[i].type), &in);
	if (in.kind != KK_PTR)
		return false;
	kbtf_info(k, kbtf_skip(k, in.target), &tg);
	return tg.kind == KK_STRUCT && tg.name && !strcmp(tg.name, "bpf_dynptr");
}

/* Whether kfunc kp[0..n) makes a Dynptr (its last parameter) */
bool kfunc_makes_dynptr(KBtf *k, const KParam *kp, int n)
{
	return n > 0 && kfunc_uninit_dynptr_param(k, kp, n, n - 1);
}

/* bpf_local_irq_save's flags__irq_flag (an `unsigned long *`): where the
 * kernel saves the interrupt state, a stack slot the verifier follows to
 * bpf_local_irq_restore; pybpf passes a hidden local of the with block */
bool kfunc_irq_flag_param(const KParam *p)
{
	size_t l = p->name ? strlen(p->name) : 0;
	return l > 10 && !strcmp(p->name + l - 10, "__irq_flag");
}

/* How many arguments the Python call takes: the parameters but the sizes,
 * the Dynptr it makes and the irq flags */
int kfunc_py_arity(KBtf *k, const KParam *kp, int n)
{
	int m = 0;
	for (int i = 0; i < n; i++)
		m += !kfunc_size_param(k, kp, n, i) && !kfunc_uninit_dynptr_param(k, kp, n, i) && !kfunc_irq_flag_param(&kp[i]);
	return m;
}

/* with bpf_local_irq_save(): the flags live in a hidden local of the
 * probe (declared at its top, so the slot stays its own), passed by its
 * address to the opener (pushed onto call's arguments) and to the closer
 * (close: the release call at the block's end, whose sym it becomes) */
void kfunc_region_flags(Checker *c, Node *s, Node *call, Node *close)
{
	static int n;
	Node *flags = synth_node(ND_NAME, s);
	flags->name = xasprintf("__pyb_irq%d", ++n);
	flags->sym = declare_hidden_local(c, flags, ty_int);
	flags->type = ty_int;
	vec_push(&call->elts, flags);
	close->sym = flags->sym;
}

/* c = bpf_dynptr_clone(d): the call (e, checked) makes a Dynptr, which
 * lives in a new variable (dynptr_mark_assign marked e 'd' for that); its
 * source must not be a ring buffer reservation's, whose with block ends
 * (submits) it while a clone could live on */
Type *kfunc_dynptr_made(Checker *c, Node *e, bool assigned)
{
	Type *t;
	if (!assigned)
		error_at(node_loc(e), "%s() makes a Dynptr, which lives in a variable: write 'c = %s(...)' (a new name)",
			 e->lhs->name, e->lhs->name);
	for (int i = 0; i < e->elts.len; i++) {
		Node *a = VEC_AT(e->elts, i);
		if (a->kind == ND_NAME && a->sym && a->sym->type->kind == TY_DYNPTR && a->sym->ref)
			error_at(node_loc(a), "'%s' is a ring buffer reservation's Dynptr, which its with block submits: "
				 "pybpf cannot make a Dynptr from it yet (the new one would outlive the reservation)", a->name);
	}
	t = xcalloc(1, sizeof(*t));
	t->kind = TY_DYNPTR;
	return t;
}

/* For an arity error: "; pybpf passes dst__sz, the size of dst" (or "") */
const char *kfunc_sizes_note(KBtf *k, const KParam *kp, int n)
{
	Str s = {0};
	for (int i = 1; i < n; i++)
		if (kfunc_size_param(k, kp, n, i))
			str_printf(&s, "; pybpf passes %s, the size of %s", kp[i].name, kp[i - 1].name);
	return s.buf ? s.buf : "";
}

/* Argument a (of type got) for memory parameter p of kfunc f: a str[N] or
 * bytes[N] local, whose N pybpf passes as the size */
void check_kfunc_mem_arg(Checker *c, Node *a, Type *got, KBtf *k, const KParam *p, const char *f)
{
	Sym *y = a->kind == ND_NAME ? scope_find(c->scope, a->name) : NULL;
	if (got->kind != TY_STR && got->kind != TY_BYTES)
		error_at(node_loc(a), "argument '%s' of %s must be a str[N] or bytes[N] local, memory the kfunc reads or "
			 "writes (C %s, its size %s__sz passed by pybpf), not %s", p->name, f, kbtf_type_name(k, p->type),
			 p->name, ty_name(got));
	if (!y || y->kind != SYM_LOCAL)
		error_at(node_loc(a), "argument '%s' of %s is memory the kfunc reads or writes: pass a str[N] or bytes[N] "
			 "local variable", p->name, f);
}

/* The kfuncs whose negative return is an errno (OSError), besides the
 * string kfuncs: the ones with memory parameters, the xattr kfuncs (a
 * constant string's name) and bpf_dynptr_clone (-EINVAL) */
bool kfunc_returns_errno(const char *name)
{
	static const char *const errno_kfuncs[] = {
		"bpf_copy_from_user_str", "bpf_copy_from_user_task_str", "bpf_cpumask_populate", "bpf_path_d_path",
		"bpf_cgroup_read_xattr", "bpf_get_file_xattr", "bpf_get_dentry_xattr", "bpf_set_dentry_xattr",
		"bpf_remove_dentry_xattr", "bpf_dynptr_clone", NULL,
	};
	for (int i = 0; errno_kfuncs[i]; i++)
		if (!strcmp(errno_kfuncs[i], name))
			return true;
	return false;
}

/* A constant string the verifier reads (bpf_cgroup_read_xattr's name__str:
 * "__str", a pointer into a read-only map): a const char * */
bool kfunc_const_str_param(KBtf *k, const KParam *p)
{
	size_t n = p->name ? strlen(p->name) : 0;
	return n > 5 && !strcmp(p->name + n - 5, "__str") && !strcmp(kbtf_type_name(k, p->type), "const char *");
}

/* Its argument a: a str literal, which the program's read-only data holds */
void check_kfunc_const_str_arg(Checker *c, Node *a, const KParam *p, const char *f)
{
	if (a->kind != ND_STR || a->tok->is_bytes)
		error_at(node_loc(a), "argument '%s' of %s must be a str literal: the verifier reads it as a constant "
			 "string (%s), not %s", p->name, f, "__str", ty_name(check_expr(c, a)));
	check_expr(c, a);
}

/* `pybpf api`'s type of memory parameter p */
const char *kfunc_mem_py_type(void)
{
	return "str | bytes (local; its size passed by pybpf)";
}

/* Why a parameter cannot be passed because it is a socket or XDP
 * program's context (bpf_dynptr_from_skb's `struct __sk_buff *`), or NULL */
const char *kfunc_ctx_param_why(KBtf *k, const KParam *p)
{
	KInfo in, tg;
	kbtf_info(k, kbtf_skip(k, p->type), &in);
	if (in.kind != KK_PTR)
		return NULL;
	kbtf_info(k, kbtf_skip(k, in.target), &tg);
	if (tg.name && (!strcmp(tg.name, "__sk_buff") || !strcmp(tg.name, "xdp_md")))
		return xasprintf("its parameter '%s' (%s) is the context of a socket or XDP program, which pybpf has "
				 "no probe kind for", p->name, kbtf_type_name(k, p->type));
	return NULL;
}

/* f.f_path for a `struct path *` parameter (bpf_path_d_path(f.f_path, buf)):
 * a kernel struct embedded in one a trusted pointer points at is passed by
 * its address, which the verifier trusts as the pointer it is in (at an
 * offset); got is a's type (TY_KVAL), want_id the struct the kfunc takes */
void check_kfunc_embedded_arg(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype)
{
	Node *root = a;
	while (root->kind == ND_ATTR && root->type && root->type->kind == TY_KVAL)
		root = root->lhs;
	if (got->btf_id != want_id)
		error_at(node_loc(a), "%s must be %s, not %s", what, ctype, ty_name(got));
	if (a->kind != ND_ATTR || got->copy || got->user || !kptr_trusted(root))
		error_at(node_loc(a), "%s must be a kernel pointer the verifier trusts, and this %s lies in a struct "
			 "reached through a field of kernel memory, a plain number to it (pass a member of a probe's argument, "
			 "of current_task() or of a with block's reference)", what, ty_name(got));
	/* declared whole: an empty struct in the container's union is no lvalue clang can take */
	kemit_use_whole(c->prog->kemit, want_id);
}
