/* check_kcast.c — the kernel's cast kfuncs from Python (issue 13):
 * bpf_rdonly_cast(addr, task_struct), bpf_cast_to_kern_ctx(ctx()).
 *
 *     t = bpf_rdonly_cast(bpf.get_current_task(), task_struct)
 *     print(t.pid, t.comm)
 *
 * bpftrace's `((struct task_struct *)arg0)->pid`: the first argument is an
 * address (an int, or any pointer), the second the name of a struct in the
 * kernel's BTF. The result is a kernel pointer of that struct whose fields
 * read as any kernel pointer's (bpf_probe_read_kernel: a fault raises
 * FaultError). The kfunc is libbpf's bpf_rdonly_cast(obj__ign, btf_id__k),
 * its second argument the struct's BTF id in the running kernel, a CO-RE
 * relocation (__builtin_btf_type_id(*(struct T *)0, 1), which is libbpf's
 * bpf_core_type_id_kernel). The verifier types the result PTR_TO_BTF_ID |
 * PTR_UNTRUSTED: a pointer it does not trust, which it refuses as a kfunc's
 * or helper's argument and as a storage key; so does pybpf, at compile
 * time, as for a pointer read from a field (check_kptr.c).
 *
 *     k = bpf_cast_to_kern_ctx(ctx())        # @profile: bpf_perf_event_data_kern
 *     print(k.event.attr.sample_freq)
 *
 * bpf_cast_to_kern_ctx(ctx()) is the probe's context as the kernel's own
 * struct, a pointer the verifier trusts. Which struct is the kernel's
 * answer: the type of member BPF_PROG_TYPE_<TYPE>_kern of its struct
 * bpf_ctx_convert (the verifier's get_kern_ctx_btf_id), read from BTF for
 * the probe's program type: struct pt_regs for kprobe programs (@kprobe,
 * @uprobe, @usdt ...), struct bpf_perf_event_data_kern for perf_event ones
 * (@profile, @interval). Where it is not a struct (u64 for tracepoint and
 * raw_tracepoint programs, void * for tracing, syscall, struct_ops, lsm)
 * there is nothing pybpf can read, and the call is refused. It is called
 * in a probe's own body: a def may be reached from probes of other kinds.
 */
#include "check_int.h"
#include "btf.h"

#include <linux/btf.h>

#include <ctype.h>
#include <string.h>

/* The cast kfuncs check_kcast.c calls */
bool kcast_kfunc(const char *name)
{
	return !strcmp(name, "bpf_rdonly_cast") || !strcmp(name, "bpf_cast_to_kern_ctx");
}

/* pybpf api's line for a cast kfunc */
const char *kcast_api_sig(const char *name)
{
	if (!strcmp(name, "bpf_cast_to_kern_ctx"))
		return "bpf_cast_to_kern_ctx(obj: ctx()) -> the probe's context as the kernel's struct (pt_regs in "
		       "@kprobe, @kretprobe, @uprobe, @uretprobe, @usdt; bpf_perf_event_data_kern in @profile, @interval)";
	return "bpf_rdonly_cast(obj__ign: int | pointer (an address), btf_id__k: a kernel struct's name (task_struct)) "
	       "-> task_struct (that struct; read-only: the verifier does not trust it)";
}

/* The locals first assigned a bpf_rdonly_cast() result (Sym*), for errors */
static Vec cast_locals;

/* Is a (checked) a call of bpf_rdonly_cast()? */
bool kcast_untrusted(Node *a)
{
	return a->kind == ND_CALL && a->op == 'C' && a->lhs->kind == ND_NAME && !strcmp(a->lhs->name, "bpf_rdonly_cast");
}

/* Local y is first assigned value: remember a cast's result */
void kcast_assigned(Sym *y, Node *value)
{
	if (kcast_untrusted(value))
		vec_push(&cast_locals, y);
}

static bool cast_local(Node *a)
{
	for (int i = 0; a->kind == ND_NAME && i < cast_locals.len; i++)
		if (VEC_AT(cast_locals, i) == a->sym)
			return true;
	return false;
}

/* a (a kernel pointer the verifier does not trust) is passed as what:
 * the error, when a is bpf_rdonly_cast()'s result */
void kcast_refuse_arg(Node *a, const char *what)
{
	if (kcast_untrusted(a) || cast_local(a))
		error_at(node_loc(a), "%s must be a kernel pointer the verifier trusts (current_task(), a probe's argument, "
			 "a with block's reference), not %sthe result of bpf_rdonly_cast(), which it reads but does not trust "
			 "(PTR_UNTRUSTED)", what, a->kind == ND_NAME ? xasprintf("'%s', ", a->name) : "");
}

/* bpf_rdonly_cast(addr, task_struct) */
static Type *check_rdonly_cast(Checker *c, Node *e, KBtf *k)
{
	Node *addr = VEC_AT(e->elts, 0), *sn = VEC_AT(e->elts, 1);
	Type *got = check_expr(c, addr);
	int id;
	if (got->kind != TY_PTR && got->kind != TY_KPTR && got->kind != TY_INT && got->kind != TY_FIXED)
		error_at(node_loc(addr), "the first argument of bpf_rdonly_cast() must be an address (an int, or a pointer), "
			 "not %s", ty_name(got));
	if (sn->kind != ND_NAME)
		error_at(node_loc(sn), "the second argument of bpf_rdonly_cast() must be the name of a kernel struct, as "
			 "bpf_rdonly_cast(addr, task_struct)");
	if ((id = kbtf_find_struct(k, sn->name)) < 0)
		error_at(node_loc(sn), "the kernel's types have no struct %s", sn->name);
	kemit_use_type(c->prog->kemit, id);
	sn->cval = id;
	return ty_kernel(TY_KPTR, id);
}

/* The kernel's own context struct of BPF programs of type prog ("kprobe"):
 * the type of bpf_ctx_convert's member BPF_PROG_TYPE_<PROG>_kern; -1 when
 * it is not a struct (*what: what it is) */
static int kern_ctx_struct(KBtf *k, const char *prog, const char **what)
{
	char *up = xstrdup(prog), *m;
	int cc = kbtf_find_struct(k, "bpf_ctx_convert"), t;
	KField f;
	KInfo in;
	up[strcspn(up, ":")] = 0;   /* "struct_ops:tcp_congestion_ops": its program type */
	for (char *p = up; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	m = xasprintf("BPF_PROG_TYPE_%s_kern", up);
	if (cc < 0 || kbtf_member(k, cc, m, &f) < 0) {
		*what = xasprintf("not in the kernel's struct bpf_ctx_convert (no member %s)", m);
		return -1;
	}
	t = kbtf_skip(k, f.type);
	kbtf_info(k, t, &in);
	*what = xasprintf("%s (bpf_ctx_convert's %s)", kbtf_type_name(k, f.type), m);
	return in.kind == KK_STRUCT ? t : -1;
}

/* Whether programs of type prog may not call cast kfunc name: for
 * bpf_cast_to_kern_ctx, those whose kernel context is not a struct (the
 * probes: lines and the coverage counts; the kernel's types read once) */
bool kcast_refused_in(const char *prog, const char *name)
{
	static KBtf *k;
	const char *err, *what;
	if (strcmp(name, "bpf_cast_to_kern_ctx"))
		return false;
	if (!k && !(k = kbtf_load(pyc_btf_path, &err)))
		return false;   /* no kernel types: the call's check says so */
	return kern_ctx_struct(k, prog, &what) < 0;
}

static bool is_ctx_call(Checker *c, Node *a)
{
	return a->kind == ND_CALL && a->lhs->kind == ND_NAME && !strcmp(a->lhs->name, "ctx") && !a->elts.len &&
	       !a->vals.len && !scope_find(c->scope ? c->scope : &c->module, "ctx") && is_imported(c, "ctx");
}

/* bpf_cast_to_kern_ctx(ctx()) */
static Type *check_kern_ctx(Checker *c, Node *e, KBtf *k)
{
	Node *a = VEC_AT(e->elts, 0);
	const char *prog, *what;
	int id;
	if (!is_ctx_call(c, a))
		error_at(node_loc(a), "the argument of bpf_cast_to_kern_ctx() is ctx(), the probe's context");
	if (!c->probe)
		error_at(node_loc(e), "bpf_cast_to_kern_ctx(ctx()) is called in a probe's own body: the probe's kind says "
			 "which struct the kernel's context is, and a def may be reached from probes of other kinds");
	prog = helper_prog_type(c->probe->kind);
	if ((id = kern_ctx_struct(k, prog, &what)) < 0)
		error_at(node_loc(e), "in a @%s probe the kernel's own context (of BPF %s programs) is %s, not a struct "
			 "pybpf can read", c->probe->kind, prog, what);
	kemit_use_type(c->prog->kemit, id);
	return ty_kernel(TY_KPTR, id);
}

/* bpf_rdonly_cast(addr, S), bpf_cast_to_kern_ctx(ctx()) */
Type *check_kcast_call(Checker *c, Node *e)
{
	const char *name = e->lhs->name;
	KBtf *k = need_btf(c, e->lhs);
	int fid = kbtf_find(k, name, BTF_KIND_FUNC);
	Type *t;
	if (fid <= 0 || !kbtf_is_kfunc(k, fid))
		error_at(node_loc(e->lhs), "this kernel has no kfunc %s", name);
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "kfuncs take positional arguments only");
	if (!strcmp(name, "bpf_cast_to_kern_ctx") && e->elts.len != 1)
		error_at(node_loc(e), "bpf_cast_to_kern_ctx() takes 1 argument (ctx()) but %d were given", e->elts.len);
	if (!strcmp(name, "bpf_rdonly_cast") && e->elts.len != 2)
		error_at(node_loc(e), "bpf_rdonly_cast() takes 2 arguments (an address and a kernel struct's name, as "
			 "bpf_rdonly_cast(addr, task_struct)) but %d %s given", e->elts.len, e->elts.len == 1 ? "was" : "were");
	t = e->elts.len == 1 ? check_kern_ctx(c, e, k) : check_rdonly_cast(c, e, k);
	kfunc_prog_use(c, e->lhs, name);
	use_kfunc(c, name, fid);
	e->op = 'C';
	e->cval = fid;
	return t;
}
