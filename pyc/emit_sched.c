/* emit_sched.c — the C a sched_ext scheduler gets beyond its methods
 * (check_sched.c says what and why):
 *
 *   __pyb_scx_exit         a one-entry array the exit callback fills with the
 *                          kernel's exit info; loader/scx.c reads it
 *   init's first lines     scx_bpf_create_dsq(id, -1) for each DSQ(id)
 *   exit's first lines     the exit info recorded
 *   X_init, X_exit         written when the class has no such method
 */
#include "pyc.h"
#include "btf.h"

#include <string.h>

/* The exit record's layout; loader/scx.c reads the same. */
#define SCX_REASON_LEN 128
#define SCX_MSG_LEN 1024

static StructOps *sops_of(Prog *prog, Probe *p)
{
	for (int i = 0; i < prog->sops.len; i++) {
		StructOps *so = VEC_AT(prog->sops, i);
		for (int j = 0; j < so->methods.len; j++)
			if (VEC_AT(so->methods, j) == p)
				return so;
	}
	return NULL;
}

StructOps *prog_sched_ops(Prog *prog)
{
	for (int i = 0; i < prog->sops.len; i++)
		if (((StructOps *)VEC_AT(prog->sops, i))->sched)
			return VEC_AT(prog->sops, i);
	return NULL;
}

void emit_sched_decls(Prog *prog, Str *out)
{
	if (!prog_sched_ops(prog))
		return;
	str_printf(out, "\n/* the kernel's exit info, recorded by the scheduler's exit (loader/scx.c reads it) */\n"
			"struct __pyb_scx_exit_rec {\n\t__s64 kind;\n\t__s64 exit_code;\n\tchar reason[%d];\n\tchar msg[%d];\n};\n"
			"struct {\n\t__uint(type, 2);\n\t__uint(max_entries, 1);\n\t__type(key, __u32);\n"
			"\t__type(value, struct __pyb_scx_exit_rec);\n} __pyb_scx_exit SEC(\".maps\");\n",
		   SCX_REASON_LEN, SCX_MSG_LEN);
}

static void create_dsqs(Prog *prog, Str *out)
{
	for (int i = 0; i < prog->dsqs.len; i++) {
		ConstDecl *k = VEC_AT(prog->dsqs, i);
		str_printf(out, "\t{\n\t\t/* %s = DSQ(%lld) */\n\t\t__s32 __pyb_e = scx_bpf_create_dsq(%lldULL, -1);\n"
				"\t\tif (__pyb_e)\n\t\t\treturn __pyb_e;\n\t}\n",
			   k->name, (long long)k->value, (long long)k->value);
	}
}

static void record_exit(Prog *prog, Str *out)
{
	int ei = kbtf_find_struct(prog->btf, "scx_exit_info");
	str_printf(out, "\t{\n\t\t__u32 __pyb_z = 0;\n\t\tstruct __pyb_scx_exit_rec *__pyb_x = bpf_map_lookup_elem(&__pyb_scx_exit, &__pyb_z);\n"
			"\t\t%s *__pyb_ei = (%s *)ctx[0];\n"
			"\t\tif (__pyb_x) {\n"
			"\t\t\t__pyb_x->exit_code = __pyb_ei->exit_code;\n"
			"\t\t\tbpf_probe_read_kernel_str(__pyb_x->reason, sizeof(__pyb_x->reason), __pyb_ei->reason);\n"
			"\t\t\tbpf_probe_read_kernel_str(__pyb_x->msg, sizeof(__pyb_x->msg), __pyb_ei->msg);\n"
			"\t\t\t__sync_fetch_and_add(&__pyb_x->kind, (__s64)__pyb_ei->kind);   /* last: the loader's signal */\n"
			"\t\t}\n\t}\n",
		   kemit_c_type(prog->kemit, ei), kemit_c_type(prog->kemit, ei));
}

/* The lines a method of a scheduler starts with (NULL: none) */
const char *sched_method_prologue(Prog *prog, Probe *p)
{
	StructOps *so = sops_of(prog, p);
	Str s = {0};
	if (!so || !so->sched)
		return NULL;
	if (!strcmp(p->member, "init"))
		create_dsqs(prog, &s);
	if (!strcmp(p->member, "exit"))
		record_exit(prog, &s);
	return s.buf;
}

/* the init and exit the class lacks, before its struct */
void emit_sched_methods(Prog *prog, StructOps *so, Str *out)
{
	if (so->synth_init) {
		str_printf(out, "\n/* %s has no init: this one creates its DSQs */\nSEC(\"struct_ops.s/%s_init\")\n"
				"int %s_init(unsigned long long *ctx)\n{\n", so->type, so->cname, so->cname);
		create_dsqs(prog, out);
		str_puts(out, "\treturn 0;\n}\n");
	}
	if (so->synth_exit) {
		str_printf(out, "\n/* %s has no exit: this one records the exit info */\nSEC(\"struct_ops/%s_exit\")\n"
				"void %s_exit(unsigned long long *ctx)\n{\n", so->type, so->cname, so->cname);
		record_exit(prog, out);
		str_puts(out, "}\n");
	}
}

/* their members in the struct's initializer */
void emit_sched_members(StructOps *so, Str *out)
{
	if (so->synth_init)
		str_printf(out, "\t.init = (void *)%s_init,\n", so->cname);
	if (so->synth_exit)
		str_printf(out, "\t.exit = (void *)%s_exit,\n", so->cname);
}
