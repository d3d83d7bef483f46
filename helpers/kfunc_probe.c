/* kfunc_probe.c — which BPF program types the running kernel's verifier
 * lets call each kfunc (build/kfunc-probe; helpers/gen_kfunc_progs.py),
 * and, with --helpers, each helper where bpftool cannot ask.
 *
 * The kernel's kfunc sets are not in BTF, so ask the verifier: for every
 * kfunc of vmlinux's BTF (a FUNC that a "bpf_kfunc" DECL_TAG points at) and
 * every program type below, load
 *
 *	r1 = 0 ... r5 = 0; call NAME (BPF_PSEUDO_KFUNC_CALL); r0 = 0; exit
 *
 * The verifier reaches the call first thing and, when the kfunc is in no set
 * this program may use, says "calling kernel function NAME is not allowed"
 * (or, for a KF_SLEEPABLE kfunc in a program that is not sleepable,
 * "program must be sleepable to call sleepable kfunc NAME").
 * The XDP metadata kfuncs are refused before that, in every program that is
 * not device-bound: they count as XDP's only. Any other outcome (the load
 * succeeds, or fails later on an argument) means the type is allowed -- also
 * a refusal before the call that is not about the type: the checker then
 * leaves it to the verifier, the safe way to be wrong. Every fd is closed
 * at once.
 *
 * --helpers asks the same of every helper (the call's imm its id), for the
 * tracing and struct_ops programs bpftool's feature probe cannot load
 * (helper_targets);
 * "unknown func", "program of this type cannot use helper", "helper call is
 * not allowed in probe" and "helper call might sleep in a non-sleepable
 * prog" are its refusals (helpers/gen_helper_progs.py).
 *
 * Output: "# probed: T1,T2,..." then "# unprobed: ..." then one line per
 * kfunc, in the BTF order of their decl tags (per helper, in id order):
 * "NAME T1,T3" (the probed types that may call it, "-" for none). -v prints
 * each refusal's log to stderr. Needs root. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <linux/btf.h>

/* A program type, and what a load of it needs to reach the kfunc call. */
struct target {
	const char *name;              /* bpftool's word for the program type */
	enum bpf_prog_type type;
	enum bpf_attach_type attach;   /* expected_attach_type */
	const char *btf_name;          /* attach_btf_id: this vmlinux type ... */
	int btf_kind;                  /* ... of this kind (0: none) */
	unsigned flags;                /* prog_flags */
	const char *member;            /* struct_ops: the member implemented (its index: expected_attach_type) */
	int btf_id;                    /* resolved at start */
	bool probed;                   /* such a program loads here */
};

static struct target kfunc_targets[] = {
	{"kprobe", BPF_PROG_TYPE_KPROBE},
	{"tracepoint", BPF_PROG_TYPE_TRACEPOINT},
	{"raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT},
	{"perf_event", BPF_PROG_TYPE_PERF_EVENT},
	/* the kernel loads syscall programs only sleepable */
	{"syscall", BPF_PROG_TYPE_SYSCALL, 0, NULL, 0, BPF_F_SLEEPABLE},
	/* as @tp_btf: the kfunc filters of some kfuncs look at the attach type,
	 * so this answers for tp_btf only, not fentry/fexit/iter */
	{"tracing", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "btf_trace_sys_enter", BTF_KIND_TYPEDEF},
	{"lsm", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open", BTF_KIND_FUNC},
	/* as a TCP congestion control's ssthresh: pybpf's own struct_ops use;
	 * other ops structs (sched_ext's, bpf_qdisc's) filter their kfuncs by
	 * struct and member, so this answers for tcp_congestion_ops only */
	{"struct_ops:tcp_congestion_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, "tcp_congestion_ops", BTF_KIND_STRUCT, 0, "ssthresh"},
	/* the packet path (@xdp, @tc, @cgroup_skb, @socket_filter,
	 * @cgroup_sock_addr; sock_ops has no probe kind yet): also tells the kfuncs only it may call from those of
	 * tracing, syscall and struct_ops */
	{"xdp", BPF_PROG_TYPE_XDP},
	{"sched_cls", BPF_PROG_TYPE_SCHED_CLS},
	{"cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS},
	{"socket_filter", BPF_PROG_TYPE_SOCKET_FILTER},
	{"cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT},
	{"sock_ops", BPF_PROG_TYPE_SOCK_OPS},
	/* a sleepable kprobe program, as @uprobe(..., sleepable=True) loads:
	 * the KF_SLEEPABLE kfuncs (bpf_copy_from_user_str) it may call */
	{"kprobe.s", BPF_PROG_TYPE_KPROBE, 0, NULL, 0, BPF_F_SLEEPABLE},
};

/* @struct_ops of any other ops struct: some kfunc filters (sched_ext's,
 * bpf_qdisc's) look at which struct and which member the program
 * implements, so one load cannot answer for the probe kind. */
static const char unprobed[] = "struct_ops";

/* --helpers: the tracing programs bpftool's feature probe cannot ask (they
 * need an attach target), one per attach type whose helpers differ:
 * tracing_prog_func_proto looks at it (the seq_* helpers are @iter's only;
 * get_func_arg/ret/ip and the rest want a trampoline: @fentry/@fexit, which
 * this machine does not load, stay with the helpers' docs). */
static struct target helper_targets[] = {
	{"tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "btf_trace_sys_enter", BTF_KIND_TYPEDEF},
	{"iter", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, "bpf_iter_task", BTF_KIND_FUNC},
	/* as a TCP congestion control's ssthresh (its get_func_proto is bpf_tcp_ca's) */
	{"struct_ops", BPF_PROG_TYPE_STRUCT_OPS, 0, "tcp_congestion_ops", BTF_KIND_STRUCT, 0, "ssthresh"},
};

/* the helpers by id, from the uapi header's list */
#define HELPER_NAME(name, id, ...) [id] = "bpf_" #name,
static const char *const helper_names[] = {___BPF_FUNC_MAPPER(HELPER_NAME)};
#define NHELPER_IDS (int)(sizeof(helper_names) / sizeof(helper_names[0]))

static struct target *targets = kfunc_targets;
static int NTARGETS = sizeof(kfunc_targets) / sizeof(kfunc_targets[0]);
static bool helpers_mode;

static char log_buf[65536];
static int verbose;

static bool is_kfunc_tag(const struct btf *btf, const struct btf_type *t)
{
	return btf_is_decl_tag(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc");
}

/* Whether the verifier's log says a program of type tg may not call the
 * helper or kfunc `name` */
static bool refused(const char *name)
{
	char refusal[256];
	if (helpers_mode)
		/* no proto for this type; one whose allowed() says no for this
		 * attach target (d_path's list); one that sleeps, in a program
		 * that does not */
		return strstr(log_buf, "unknown func ") || strstr(log_buf, "program of this type cannot use helper") ||
		       strstr(log_buf, "helper call is not allowed in probe") ||
		       strstr(log_buf, "helper call might sleep in a non-sleepable prog");
	snprintf(refusal, sizeof(refusal), "calling kernel function %s is not allowed\n", name);
	/* a sleepable kfunc (KF_SLEEPABLE) in a program that is not: refused too */
	return strstr(log_buf, refusal) || strstr(log_buf, "program must be sleepable to call sleepable kfunc");
}

/* 1: a program of type tg may call kfunc (or, --helpers, helper) id, named
 * name; 0: it may not; <0: -errno */
static int may_call(const struct target *tg, int id, const char *name)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_5},
		{.code = BPF_JMP | BPF_CALL, .src_reg = helpers_mode ? 0 : BPF_PSEUDO_KFUNC_CALL, .imm = id},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf), .log_level = 1,
		    .expected_attach_type = tg->attach, .attach_btf_id = tg->btf_id, .prog_flags = tg->flags);
	int fd;

	log_buf[0] = 0;
	fd = bpf_prog_load(tg->type, "kfunc_probe", "GPL", insns, sizeof(insns) / sizeof(insns[0]), &o);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (refused(name)) {
		if (verbose)
			fprintf(stderr, "%s %s: %s", name, tg->name, log_buf);
		return 0;
	}
	/* the XDP metadata kfuncs: only a device-bound XDP program may call them */
	if (strstr(log_buf, "metadata kfuncs require device-bound program"))
		return tg->type == BPF_PROG_TYPE_XDP;
	if (fd == -ENOSPC)
		return fd;   /* the log was cut: it cannot say */
	return 1;
}

/* Whether a program of type tg that calls no kfunc loads: 0, or -errno
 * (then tg is listed as unprobed). */
static int loads(const struct target *tg)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = tg->attach, .attach_btf_id = tg->btf_id,
		    .prog_flags = tg->flags);
	int fd = bpf_prog_load(tg->type, "kfunc_probe", "GPL", insns, 2, &o);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* A struct_ops target: its member's index becomes the expected_attach_type. */
static int member_index(const struct btf *btf, struct target *tg)
{
	const struct btf_type *t = btf__type_by_id(btf, tg->btf_id);
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), tg->member)) {
			tg->attach = i;
			return 0;
		}
	return -ENOENT;
}

/* Which targets can be asked: their attach target exists and a program
 * calling no kfunc loads. The others are listed as unprobed, with why. */
static int find_probed(const struct btf *btf)
{
	int n = 0;
	for (int i = 0; i < NTARGETS; i++) {
		struct target *tg = &targets[i];
		int err = 0;
		if (tg->btf_name && (tg->btf_id = btf__find_by_name_kind(btf, tg->btf_name, tg->btf_kind)) < 0)
			err = tg->btf_id;
		else if (tg->member && (err = member_index(btf, tg)) < 0)
			;
		else
			err = loads(tg);
		if (err)
			fprintf(stderr, "kfunc-probe: not probed: %s (%s%s): %s\n", tg->name, tg->btf_name ? "attached to " : "",
				tg->btf_name ? tg->btf_name : "no attach target", strerror(-err));
		tg->probed = !err;
		n += tg->probed;
	}
	return n;
}

/* "T1,T2" of the targets whose probed flag is `probed` */
static void print_targets(bool probed)
{
	const char *sep = "";
	for (int i = 0; i < NTARGETS; i++)
		if (targets[i].probed == probed) {
			printf("%s%s", sep, targets[i].name);
			sep = ",";
		}
	if (!probed && !helpers_mode)
		printf("%s%s", sep, unprobed);
	printf("\n");
}

/* One output line: "NAME T1,T3" (the probed targets that may call it, "-": none) */
static int probe_one(int id, const char *name)
{
	const char *sep = "";
	printf("%s ", name);
	for (int i = 0; i < NTARGETS; i++) {
		int r = targets[i].probed ? may_call(&targets[i], id, name) : 0;
		if (r < 0) {
			fprintf(stderr, "kfunc-probe: %s in %s: %s\n", name, targets[i].name, strerror(-r));
			return r;
		}
		if (r) {
			printf("%s%s", sep, targets[i].name);
			sep = ",";
		}
	}
	printf("%s\n", *sep ? "" : "-");
	return 0;
}

static int probe_all(const struct btf *btf)
{
	int n = btf__type_cnt(btf), err = 0;

	if (helpers_mode) {
		for (int id = 1; id < NHELPER_IDS && !err; id++)
			err = helper_names[id] ? probe_one(id, helper_names[id]) : 0;
		return err;
	}
	for (int id = 1; id < n && !err; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_type *f;

		if (!is_kfunc_tag(btf, t))
			continue;
		f = btf__type_by_id(btf, t->type);
		if (f && btf_is_func(f))
			err = probe_one(t->type, btf__name_by_offset(btf, f->name_off));
	}
	return err;
}

int main(int argc, char **argv)
{
	/* the running kernel's: the call's imm is an id in it */
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf *btf;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "--helpers"))
			helpers_mode = true;
		else {
			fprintf(stderr, "usage: kfunc-probe [--helpers] [-v]\n");
			return 2;
		}
	}
	if (helpers_mode) {
		targets = helper_targets;
		NTARGETS = sizeof(helper_targets) / sizeof(helper_targets[0]);
	}
	btf = btf__parse(path, NULL);
	if (!btf) {
		fprintf(stderr, "kfunc-probe: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!find_probed(btf)) {
		fprintf(stderr, "kfunc-probe: the kernel loads none of the programs here (root?)\n");
		err = -EPERM;
	} else {
		printf("# probed: ");
		print_targets(true);
		printf("# unprobed: ");
		print_targets(false);
		err = probe_all(btf);
	}
	btf__free(btf);
	return err ? 1 : 0;
}
