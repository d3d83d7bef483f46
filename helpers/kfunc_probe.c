/* kfunc_probe.c — which BPF program types the running kernel's verifier
 * lets call each kfunc (build/kfunc-probe; helpers/gen_kfunc_progs.py).
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
 * Output: "# probed: T1,T2,..." then "# unprobed: ..." then one line per
 * kfunc, in the BTF order of their decl tags: "NAME T1,T3" (the probed types that may call it,
 * "-" for none). -v prints each refusal's log to stderr. Needs root. */
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

static struct target targets[] = {
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
	/* the packet path: no probe kind yet, asked so that the kfuncs only
	 * it may call can be told from those of tracing, syscall and struct_ops */
	{"xdp", BPF_PROG_TYPE_XDP},
	{"sched_cls", BPF_PROG_TYPE_SCHED_CLS},
	{"cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT},
	{"sock_ops", BPF_PROG_TYPE_SOCK_OPS},
};

/* @struct_ops of any other ops struct: some kfunc filters (sched_ext's,
 * bpf_qdisc's) look at which struct and which member the program
 * implements, so one load cannot answer for the probe kind. */
static const char unprobed[] = "struct_ops";

#define NTARGETS (int)(sizeof(targets) / sizeof(targets[0]))

static char log_buf[65536];
static int verbose;

static bool is_kfunc_tag(const struct btf *btf, const struct btf_type *t)
{
	return btf_is_decl_tag(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc");
}

/* 1: a program of type tg may call kfunc id (named name), 0: it may not, <0: -errno */
static int may_call(const struct target *tg, int id, const char *name)
{
	struct bpf_insn insns[] = {
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_5},
		{.code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = id},
		{.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
		{.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log_buf, .log_size = sizeof(log_buf), .log_level = 1,
		    .expected_attach_type = tg->attach, .attach_btf_id = tg->btf_id, .prog_flags = tg->flags);
	char refusal[256];
	int fd;

	log_buf[0] = 0;
	fd = bpf_prog_load(tg->type, "kfunc_probe", "GPL", insns, sizeof(insns) / sizeof(insns[0]), &o);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	snprintf(refusal, sizeof(refusal), "calling kernel function %s is not allowed\n", name);
	/* a sleepable kfunc (KF_SLEEPABLE) in a program that is not: refused too */
	if (strstr(log_buf, refusal) || strstr(log_buf, "program must be sleepable to call sleepable kfunc")) {
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
	if (!probed)
		printf("%s%s", sep, unprobed);
	printf("\n");
}

static int probe_all(const struct btf *btf)
{
	int n = btf__type_cnt(btf);

	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_type *f;
		const char *name, *sep = "";

		if (!is_kfunc_tag(btf, t))
			continue;
		f = btf__type_by_id(btf, t->type);
		if (!f || !btf_is_func(f))
			continue;
		name = btf__name_by_offset(btf, f->name_off);
		printf("%s ", name);
		for (int i = 0; i < NTARGETS; i++) {
			int r = targets[i].probed ? may_call(&targets[i], t->type, name) : 0;
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
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* the running kernel's: the call's imm is an id in it */
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf *btf;
	int err;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-v"))) {
		fprintf(stderr, "usage: kfunc-probe [-v]\n");
		return 2;
	}
	verbose = argc == 2;
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
