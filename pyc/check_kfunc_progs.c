/* check_kfunc_progs.c — which probe kinds may call each kfunc (issue 13).
 *
 * The kernel's kfunc sets are not in BTF; helpers/kfunc_progs_gen.c holds
 * the running kernel's verifier's answer per program type, asked by
 * build/kfunc-probe (helpers/gen_kfunc_progs.py). A probe kind whose
 * program type was asked, and whose bit is clear, is refused here at the
 * call. The others are left to the verifier at load: kinds of a type not
 * asked (struct_ops; lsm where this machine does not load it), @fentry,
 * @fexit and @iter (tracing was asked as @tp_btf, and some kfunc filters
 * look at the attach type), and kfuncs not in the table (a module's, or a
 * newer kernel's).
 */
#include "check_int.h"

#include <stdio.h>
#include <string.h>

#include "../helpers/kfunc_progs_gen.h"

/* The bit of kind's program type in the table, or -1: not asked. */
static int kind_bit(const char *kind)
{
	const char *prog = helper_prog_type(kind);
	if (!strcmp(prog, "tracing") && strcmp(kind, "tp_btf"))
		return -1;
	for (int i = 0; i < PYB_KFUNC_NPROBED; i++)
		if (!strcmp(pyb_kfunc_probed_prog_types[i], prog))
			return i;
	return -1;
}

/* Whether the verifier refuses kfunc name in programs of type prog (a
 * sleepable uprobe's: "kprobe.s", a kprobe program to these rules) for a
 * reason the prober's bare call does not meet: the map a work queue or a
 * resilient lock lives in, or its sleepable callback (check_wq.c,
 * check_lock.c), a kernel context that is no struct (check_kcast.c) */
static bool refused_by_rules(const char *prog, const char *name)
{
	const char *base = strcmp(prog, "kprobe.s") ? prog : "kprobe";
	return (wq_kfunc(name) && wq_refused_in(base, name)) || kcast_refused_in(base, name) ||
	       (lock_kfunc(name) && async_refused_in(base));
}

/* kinds_line()'s verdict for kfunc `name` (const char *) */
static int kfunc_verdict(const char *kind, const void *name)
{
	const struct pyb_kfunc_progs *k = pyb_kfunc_progs_find(name);
	int bit = kind_bit(kind);
	if (refused_by_rules(strcmp(kind, "kprobe.s") ? helper_prog_type(kind) : kind, name))
		return 0;
	if (task_work_refused_kind(kind, name))
		return 0;   /* sleepable probes only (check_task_work.c) */
	if (!k || bit < 0)
		return 2;
	return (k->mask >> bit) & 1;
}

/* The kind whose program type answers for probe p: a sleepable @uprobe is
 * a sleepable kprobe program, asked as "kprobe.s" (kfunc_probe.c) */
static const char *probe_kind(const Probe *p)
{
	bool up = !strcmp(p->kind, "uprobe") || !strcmp(p->kind, "uretprobe");
	return up && p->sleepable && kind_bit("kprobe.s") >= 0 ? "kprobe.s" : p->kind;
}

/* Whether only a sleepable probe (and maybe @begin/@end) may call kfunc name:
 * a KF_SLEEPABLE kfunc */
static bool only_sleepable(const char *name)
{
	return kind_bit("kprobe.s") >= 0 && kfunc_verdict("kprobe.s", name) == 1 && !kfunc_verdict("kprobe", name);
}

char *kfunc_kinds(const char *name)
{
	if (only_sleepable(name))
		return xasprintf("%s, %s", sleepable_uprobes_line(), kinds_line(kfunc_verdict, name));
	return kinds_line(kfunc_verdict, name);
}

/* Error unless probe p may call kfunc `name` (at: the call's function
 * name; via: the probe's call that reaches it through helpers, or NULL). */
void kfunc_prog_allowed(const Probe *p, const char *name, Node *at, Node *via)
{
	const char *kind = p->kind;
	if (kfunc_verdict(probe_kind(p), name))
		return;
	if (wq_kfunc(name))
		error_begin(node_loc(at), "%s() cannot be called from a @%s probe: %s; it may be called from %s",
			    strcmp(name, "bpf_wq_set_callback_impl") ? name : "bpf_wq_set_callback", kind,
			    wq_why_refused(helper_prog_type(kind)), kfunc_kinds(name));
	else if (only_sleepable(name) && (!strcmp(kind, "uprobe") || !strcmp(kind, "uretprobe")))
		error_begin(node_loc(at), "kfunc %s may sleep (KF_SLEEPABLE), so only a sleepable probe may call it, and "
			    "this @%s probe is not; make it @%s(\"%s\", sleepable=True)", name, kind, kind, p->target);
	else
		error_begin(node_loc(at), "kfunc %s cannot be called from a @%s probe: the kernel does not allow it in BPF %s "
		    "programs; it may be called from %s", name, kind, helper_prog_type(kind), kfunc_kinds(name));
	if (via)
		note_at(node_loc(via), "the @%s probe calls it through this call", kind);
	diag_exit();
}

/* A call of kfunc `name` at `at`: checked now in a probe; in a helper
 * function, for each probe that reaches it (helper_kfuncs in check.c). */
void kfunc_prog_use(Checker *c, Node *at, const char *name)
{
	KfuncUse *u;
	if (c->probe) {
		kfunc_prog_allowed(c->probe, name, at, NULL);
		return;
	}
	if (!c->func)
		return;
	u = xcalloc(1, sizeof(*u));
	u->at = at;
	u->kfunc = name;
	u->pyname = name;
	u->vmlinux = true;
	vec_push(&c->func->kfuncs, u);
}

/* kinds_line()'s verdict: 1 for the kinds of bit *want (-1: of no bit) */
static int has_bit(const char *kind, const void *want)
{
	return kind_bit(kind) == *(const int *)want;
}

/* Whether some probe kind's program type is bit's */
static bool kind_bit_used(int bit)
{
	return strcmp(kinds_line(has_bit, &bit), NO_KIND_ASKED) != 0;
}

/* The packet path's program types (@xdp, @tc, @cgroup_skb, @socket_filter,
 * @cgroup_sock_addr; sock_ops no probe kind yet): their kfuncs are told
 * from those of tracing, syscall and struct_ops. */
static const char *const packet_types[] = {"xdp", "sched_cls", "cgroup_skb", "socket_filter", "cgroup_sock_addr", "sock_ops"};

static bool is_packet_type(const char *prog)
{
	for (size_t i = 0; i < sizeof(packet_types) / sizeof(packet_types[0]); i++)
		if (!strcmp(packet_types[i], prog))
			return true;
	return false;
}

/* Whether only packet-path programs may call kfunc k (NULL: not in the table). */
static bool packet_only(const struct pyb_kfunc_progs *k)
{
	if (!k || !k->mask)
		return false;
	for (int bit = 0; bit < PYB_KFUNC_NPROBED; bit++)
		if ((k->mask >> bit) & 1 && !is_packet_type(pyb_kfunc_probed_prog_types[bit]))
			return false;
	return true;
}

/* One asked program type's row: the probe kinds it answers for (or the
 * program type alone, when no kind has it), N of M kfuncs callable. */
static void prog_type_row(Vec *v, int bit)
{
	const char *prog = pyb_kfunc_probed_prog_types[bit];
	int allowed = 0, n = 0;
	for (int i = 0; i < v->len; i++) {
		ApiKfunc *a = VEC_AT(*v, i);
		const struct pyb_kfunc_progs *k = pyb_kfunc_progs_find(a->name);
		if (!k || (k->mask >> bit) & 1) {
			allowed++;
			n += !a->why && !refused_by_rules(prog, a->name) && !task_work_refused_in(prog, a->name);
		}
	}
	if (!strcmp(prog, "kprobe.s"))   /* the sleepable uprobes' (probe_kind) */
		printf("%s (sleepable BPF kprobe programs)", sleepable_uprobes_line());
	else if (kind_bit_used(bit))
		printf("%s (BPF %s programs)", kinds_line(has_bit, &bit), prog);
	else if (!strncmp(prog, "struct_ops:", 11))
		printf("@struct_ops(\"%s\") (BPF struct_ops programs)", prog + 11);
	else
		printf("BPF %s programs (no probe kind yet)", prog);
	printf(": %d of %d kfuncs callable (the kernel was asked which it allows)\n", n, allowed);
}

/* The target: of the kfuncs tracing, syscall and struct_ops
 * programs may use -- all but those only the packet path may call, which
 * includes the ones no asked type may call (lsm's, other ops structs') --
 * how many pybpf can call. */
static void target_row(Vec *v)
{
	int usable = 0, n = 0, packet = 0;
	for (int i = 0; i < v->len; i++) {
		ApiKfunc *a = VEC_AT(*v, i);
		if (packet_only(pyb_kfunc_progs_find(a->name))) {
			packet++;
			continue;
		}
		usable++;
		n += !a->why;
	}
	printf("kfuncs usable by tracing, syscall and struct_ops programs: %d of %d callable (%.1f%%; "
	       "%d more only the packet path may call)\n", n, usable, usable ? 100.0 * n / usable : 0.0, packet);
}

/* pybpf api --coverage: per asked program type (the probe kinds it answers
 * for), N of M kfuncs callable -- M the kernel allows there, N of them
 * pybpf can call; then the kinds not asked, where M is every kfunc; then
 * the target row. v: the kfuncs (ApiKfunc*). */
void kfuncs_prog_coverage(Vec *v)
{
	int none = -1, callable = 0;
	for (int bit = 0; bit < PYB_KFUNC_NPROBED; bit++)
		prog_type_row(v, bit);
	for (int i = 0; i < v->len; i++)
		callable += !((ApiKfunc *)VEC_AT(*v, i))->why;
	printf("%s (not probed): %d of %d kfuncs callable (the verifier decides at load which it allows)\n",
	       kinds_line(has_bit, &none), callable, v->len);
	target_row(v);
}
