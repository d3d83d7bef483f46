/* check_sched.c — CPU schedulers: @struct_ops("sched_ext_ops") classes and
 * their dispatch queues (issue 17).
 *
 *   SHARED = DSQ(0)                      a dispatch queue of the scheduler's own
 *
 *   @struct_ops("sched_ext_ops", name="pyfifo")
 *   class Fifo:
 *       timeout_ms = 5000                an integer member of the ops struct
 *       def enqueue(self, p: task_struct, enq_flags: u64) -> None:
 *           scx_bpf_dispatch(p, SHARED, SCX_SLICE_DFL, enq_flags)
 *       def dispatch(self, cpu: i32, prev: task_struct) -> None:
 *           scx_bpf_consume(SHARED)
 *
 * A DSQ(id) is an int constant (the id scx kfuncs take as their u64
 * dsq_id) that the scheduler's init creates before the user's code runs:
 * the emitter puts scx_bpf_create_dsq(id, -1) at the top of init (which
 * is sleepable, as the kernel's scx_bpf_create_dsq requires), or writes an
 * init of its own when the class has none. The exit callback records the
 * kernel's exit info (kind, exit code, reason, message) in __pyb_scx_exit
 * for the loader (loader/scx.c), before the user's exit body runs; a
 * class without exit gets one that only records. The scx kfuncs
 * themselves are the kernel's, called by name and checked from their BTF
 * prototypes (check_kfunc.c); the ones the kernel allows in a callback
 * are the verifier's to decide.
 */
#include "check_int.h"

#include <linux/btf.h>
#include <string.h>

/* SHARED = DSQ(0), or SHARED: DSQ = DSQ(0) */
bool is_dsq_decl(Node *s)
{
	Node *v = s->value;
	return v && v->kind == ND_CALL && v->lhs->kind == ND_NAME && !strcmp(v->lhs->name, "DSQ");
}

void declare_dsq(Checker *c, Node *s)
{
	Node *t = s->kind == ND_ASSIGN ? (s->targets.len == 1 ? VEC_AT(s->targets, 0) : NULL) : s->target;
	Node *call = s->value;
	ConstDecl *k;
	int64_t id;
	Sym *y;

	if (!t || t->kind != ND_NAME)
		error_at(node_loc(s), "a dispatch queue is declared one name at a time: SHARED = DSQ(0)");
	if (s->kind == ND_ANNASSIGN && (s->annotation->kind != ND_NAME || strcmp(s->annotation->name, "DSQ")))
		error_at(node_loc(s->annotation), "'%s' holds a DSQ: annotate it as DSQ, or leave the annotation out", t->name);
	if (!is_imported(c, "DSQ"))
		unknown_name(c, call->lhs);
	if (call->elts.len != 1 || call->vals.len)
		error_at(node_loc(call), "DSQ() takes the queue's id, a constant int: DSQ(0)");
	if (!const_int(c, VEC_AT(call->elts, 0), &id) || id < 0)
		error_at(node_loc(VEC_AT(call->elts, 0)), "a DSQ's id is a constant int from 0 to 2**63 - 1 (the kernel keeps the "
			 "ids with the top bit set for its built-in queues, SCX_DSQ_GLOBAL and SCX_DSQ_LOCAL)");
	for (int i = 0; i < c->prog->dsqs.len; i++) {
		ConstDecl *o = VEC_AT(c->prog->dsqs, i);
		if (o->value == id) {
			error_begin(node_loc(VEC_AT(call->elts, 0)), "'%s' and '%s' would be the same dispatch queue (id %lld)",
				    t->name, o->name, (long long)id);
			note_at(node_loc(o->decl), "'%s' is declared here", o->name);
			diag_exit();
		}
	}
	check_name_free(c, t, t->name);
	k = xcalloc(1, sizeof(*k));
	k->name = t->name;
	k->type = ty_int;
	k->value = k->src_value = id;
	k->decl = t;
	k->cname = xasprintf("((__s64)%lldLL)", (long long)id);
	y = scope_add(&c->module, SYM_CONST, k->name, t);
	y->type = ty_int;
	y->data = k;
	y->cname = k->cname;
	vec_push(&c->prog->dsqs, k);
}

static Probe *sops_method(StructOps *so, const char *member)
{
	for (int i = 0; i < so->methods.len; i++) {
		Probe *p = VEC_AT(so->methods, i);
		if (!strcmp(p->member, member))
			return p;
	}
	return NULL;
}

/* the generated C names this member of struct T: declare it (its type id) */
static int use_member(Checker *c, int struct_id, const char *sname, const char *member)
{
	KField kf;
	if (kbtf_member(c->prog->btf, struct_id, member, &kf) < 0)
		error_at(node_loc(c->prog->module), "this kernel's struct %s has no member '%s' (a sched_ext of another "
			 "version?)", sname, member);
	kemit_use_member(c->prog->kemit, struct_id, &kf);
	return kf.type;
}

static void need_kfunc(Checker *c, StructOps *so, const char *name)
{
	int fid = kbtf_find(c->prog->btf, name, BTF_KIND_FUNC);
	if (fid <= 0 || !kbtf_is_kfunc(c->prog->btf, fid))
		error_at(node_loc(so->decl), "this kernel has no kfunc %s, which a scheduler's DSQ needs", name);
	use_kfunc(c, name, fid);
}

/* after check_struct_ops: init sleepable and creating the DSQs, exit
 * recording the exit info (the emitter writes what the class lacks) */
void check_sched_ops(Checker *c, StructOps *so)
{
	KBtf *k = c->prog->btf;
	Probe *init = sops_method(so, "init");
	int ei = kbtf_find_struct(k, "scx_exit_info");

	so->sched = true;
	if (init) {
		init->sleepable = true;   /* the kernel allows it, and scx_bpf_create_dsq needs it */
		init->sec = xasprintf("struct_ops.s/%s", init->cname);
	} else if (c->prog->dsqs.len) {
		so->synth_init = true;
		use_member(c, so->type_id, so->type, "init");
	}
	if (c->prog->dsqs.len)
		need_kfunc(c, so, "scx_bpf_create_dsq");
	if (!sops_method(so, "exit")) {
		so->synth_exit = true;
		use_member(c, so->type_id, so->type, "exit");
	}
	if (ei < 0)
		error_at(node_loc(so->decl), "this kernel's BTF has no struct scx_exit_info");
	kemit_use_type(c->prog->kemit, ei);
	/* enum scx_exit_kind kind: spelled as that enum, which CO-RE requires of an enum field */
	kemit_use_type(c->prog->kemit, use_member(c, ei, "scx_exit_info", "kind"));
	use_member(c, ei, "scx_exit_info", "exit_code");
	use_member(c, ei, "scx_exit_info", "reason");
	use_member(c, ei, "scx_exit_info", "msg");
}

/* after every class: a DSQ needs a scheduler to create it */
void check_dsqs_have_scheduler(Checker *c)
{
	if (c->prog->dsqs.len && !prog_sched_ops(c->prog)) {
		ConstDecl *k = VEC_AT(c->prog->dsqs, 0);
		error_at(node_loc(k->decl), "'%s' is a dispatch queue, which a sched_ext scheduler's init creates, but no "
			 "@struct_ops(\"sched_ext_ops\") class is defined", k->name);
	}
}

/* DSQ(id) outside a module-level declaration */
_Noreturn void dsq_call_refused(Node *e)
{
	error_at(node_loc(e), "DSQ(id) declares a dispatch queue at module level (SHARED = DSQ(0)); pass the "
		 "queue's name where a kfunc takes a dsq_id");
}
