/* emit_helpers.c — the C of a bpf.NAME(...) call (pyc/check_helpers.c
 * checked it): the helper's own call, with the sizes of memory arguments
 * filled in, and its return value turned into a Python int (OSError for an
 * errno, OverflowError for a u64 above 2**63-1). */
#include "pyc.h"

#include <stdint.h>
#include <string.h>

#include "../helpers/helpers_gen.h"

/* "__pyb_h_NAME(args...)": sizes of memory arguments filled in, the out
 * parameter (strtol's res) pointing at out */
/* An @iter program's seq_file, from its context ctx (ctx()): the first
 * field of the struct bpf_iter_meta its first argument points at; the
 * verifier follows both loads through BTF to a seq_file pointer. */
static char *seq_file(const char *ctx)
{
	return xasprintf("(void *)*(void **)(*(void **)(%s))", ctx);
}

static char *call_text(Node *n, char **argv, const char *out)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	Str s = {0};
	int k = 0;
	Node *prev = NULL;
	str_printf(&s, "__pyb_h_%s(", h->name + 4);
	for (int i = 0; i < h->nargs; i++) {
		const struct pyb_htype *p = &h->args[i];
		if (i)
			str_puts(&s, ", ");
		if (helper_size_param(h, i) && helper_writes_out(h) && prev->type->kind == TY_STR) {
			/* what is written out is the str, as file.write(s) does: up to its NUL */
			str_printf(&s, "(%s)__pyb_strlen(%s, %d)", p->c, argv[k - 1], ty_size(prev->type));
			continue;
		}
		if (perf_value_param(h, i)) {   /* perf_event_read_value's buf, buf_size: emit_helper_triple's __hv */
			str_puts(&s, i == 2 ? "(void *)&__hv" : "(__u32)sizeof(__hv)");
			continue;
		}
		if (helper_size_param(h, i)) {
			/* the capacity of the str[N] / bytes[N] just passed */
			str_printf(&s, "(%s)%d", p->c, ty_size(prev->type));
			continue;
		}
		if (helper_out_param(h, i)) {
			str_printf(&s, "(void *)&%s", out);
			continue;
		}
		if (helper_stack_map(h, i)) {
			str_puts(&s, "(void *)&__pyb_stacks");
			continue;
		}
		prev = VEC_AT(n->elts, k);
		if (helper_seq_file(h, i))
			str_puts(&s, seq_file(argv[k]));
		else if (prev->type && prev->type->kind == TY_STRUCT && p->cls == PYB_HC_PTR_MEM)
			str_printf(&s, "(void *)&(%s)", argv[k]);   /* a Struct local: its address */
		else
			str_printf(&s, "(%s)(%s)", p->cls == PYB_HC_INT ? p->c : "void *", argv[k]);
		k++;
	}
	str_puts(&s, ")");
	return s.buf;
}

/* The out parameter's value as a Python int: OverflowError (ovf_raise)
 * above 2**63-1 when it is unsigned */
static char *out_value(const char *out, const char *ovf_raise)
{
	if (!ovf_raise)
		return xasprintf("(__s64)%s", out);
	return xasprintf("({ if (%s > 9223372036854775807ULL) %s (__s64)%s; })", out, ovf_raise, out);
}

/* The out parameter of h as a C declaration initialised to 0 */
static char *out_decl(const struct pyb_helper *h, const char *name)
{
	const char *c = h->args[h->nargs - 1].c;
	return xasprintf("%.*s %s = 0;", (int)(strlen(c) - 2), c, name);
}

char *emit_helper_call(Node *n, char **argv, const char *os_raise, const char *ovf_raise)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	char *call;

	if (helper_packs_values(h)) {
		/* the values as the u64 array the kernel takes */
		int nv = n->elts.len - 2;
		bool seq = !strcmp(h->name, "bpf_seq_printf");
		Str d = {0};
		for (int i = 0; i < nv; i++)
			str_printf(&d, "%s(__u64)(%s)", i ? ", " : "", argv[i + 2]);
		/* seq_printf(m, fmt, sizeof fmt, ...); snprintf(out, sizeof out, fmt, ...) */
		const char *head = seq ? xasprintf("%s, %s, (__u32)sizeof(%s)", seq_file(argv[0]), argv[1], argv[1])
				       : xasprintf("(void *)(%s), (__u32)%d, %s", argv[0],
						   ((Node *)VEC_AT(n->elts, 0))->type->size, argv[1]);
		return xasprintf("({ __u64 __sd[%d] = {%s}; __s64 __hr = (__s64)__pyb_h_%s(%s, %s, (__u32)%d); "
				 "if (__hr < 0) %s __hr; })", nv ? nv : 1, nv ? d.buf : "0", h->name + 4, head,
				 nv ? "__sd" : "(void *)0", nv * 8, os_raise);
	}
	if (h->nargs && helper_out_param(h, h->nargs - 1)) {
		/* kallsyms_lookup_name(name, 0): 0 or an errno; the value is what it wrote */
		call = call_text(n, argv, "__ho");
		return xasprintf("({ %s __s64 __hr = (__s64)%s; if (__hr < 0) %s __hr; %s; })", out_decl(h, "__ho"), call,
				 os_raise, out_value("__ho", ovf_raise));
	}
	call = call_text(n, argv, NULL);
	if (h->ret.cls == PYB_HC_VOID)
		return xasprintf("((void)%s)", call);
	if (h->ret.cls == PYB_HC_PTR_KERNEL)   /* a void *: the caller casts it to the kernel struct's pointer */
		return call;
	if (os_raise)   /* a negative return is an errno: OSError */
		return xasprintf("({ __s64 __hr = (__s64)%s; if (__hr < 0) %s __hr; })", call, os_raise);
	if (ovf_raise)
		return xasprintf("({ __u64 __hr = (__u64)%s; if (__hr > 9223372036854775807ULL) %s (__s64)__hr; })", call,
				 ovf_raise);
	return xasprintf("((__s64)(%s)%s)", h->ret.c, call);
}

/* v, n = bpf.strtol(buf, 0): a statement setting the C lvalues val (what
 * the helper wrote) and cnt (its return) */
char *emit_helper_pair(Node *n, char **argv, const char *os_raise, const char *ovf_raise, const char *val,
		       const char *cnt)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	return xasprintf("{ %s __s64 __hr = (__s64)%s; if (__hr < 0) %s; %s = %s; %s = __hr; }", out_decl(h, "__ho"),
			 call_text(n, argv, "__ho"), os_raise, val, out_value("__ho", ovf_raise), cnt);
}

/* counter, enabled, running = bpf.perf_event_read_value(counters, flags):
 * the struct bpf_perf_event_value it fills, its three u64 set to names[]
 * (OverflowError above 2**63-1, as every u64 read) */
char *emit_helper_triple(Node *n, char **argv, const char *os_raise, const char *ovf_raise, const char **names)
{
	return xasprintf("{ struct { __u64 v[3]; } __hv = {}; __s64 __hr = (__s64)%s; if (__hr < 0) %s; %s = %s; %s = %s; "
			 "%s = %s; }", call_text(n, argv, NULL), os_raise, names[0], out_value("__hv.v[0]", ovf_raise), names[1],
			 out_value("__hv.v[1]", ovf_raise), names[2], out_value("__hv.v[2]", ovf_raise));
}

/* static long (*__pyb_h_send_signal)(__u32 sig) = (void *)109; -- under its
 * own name, as the runtime header declares some helpers itself; pointer
 * parameters as void * (the verifier checks what they point to) */
void emit_helper_decls(Prog *prog, Str *out)
{
	for (int i = 0; i < prog->helpers.len; i++) {
		const struct pyb_helper *h = &pyb_helpers[(intptr_t)VEC_AT(prog->helpers, i)];
		if (!i)
			str_puts(out, "/* the BPF helpers bpf.NAME() calls (helpers/helpers_gen.c) */\n");
		str_printf(out, "static %s (*__pyb_h_%s)(", h->ret.cls == PYB_HC_VOID ? "void" :
			   h->ret.cls == PYB_HC_PTR_KERNEL ? "void *" : h->ret.c, h->name + 4);
		for (int j = 0; j < h->nargs; j++)
			str_printf(out, "%s%s %s", j ? ", " : "", h->args[j].cls == PYB_HC_INT ? h->args[j].c : "void *",
				   h->args[j].name);
		str_printf(out, "%s) = (void *)%d;\n", h->nargs ? "" : "void", h->id);
	}
}
