/* emit_helpers.c — the C of a bpf.NAME(...) call (pyc/check_helpers.c
 * checked it): the helper's own call, with the sizes of memory arguments
 * filled in, and its return value turned into a Python int (OSError for an
 * errno, OverflowError for a u64 above 2**63-1). */
#include "pyc.h"

#include <stdint.h>
#include <string.h>

#include "../helpers/helpers_gen.h"

char *emit_helper_call(Node *n, char **argv, const char *os_raise, const char *ovf_raise)
{
	const struct pyb_helper *h = &pyb_helpers[n->cval];
	Str s = {0};
	int k = 0;
	Node *prev = NULL;

	if (!strcmp(h->name, "bpf_snprintf")) {
		/* the values as the u64 array the kernel takes */
		int nv = n->elts.len - 2;
		Str d = {0};
		for (int i = 0; i < nv; i++)
			str_printf(&d, "%s(__u64)(%s)", i ? ", " : "", argv[i + 2]);
		return xasprintf("({ __u64 __sd[%d] = {%s}; __s64 __hr = (__s64)__pyb_h_snprintf((void *)(%s), (__u32)%d, %s, %s, (__u32)%d); "
				 "if (__hr < 0) %s __hr; })", nv ? nv : 1, nv ? d.buf : "0", argv[0],
				 ((Node *)VEC_AT(n->elts, 0))->type->size, argv[1], nv ? "__sd" : "(void *)0", nv * 8, os_raise);
	}
	str_printf(&s, "__pyb_h_%s(", h->name + 4);
	for (int i = 0; i < h->nargs; i++) {
		const struct pyb_htype *p = &h->args[i];
		if (i)
			str_puts(&s, ", ");
		if (helper_size_param(h, i)) {
			/* the capacity of the str[N] / bytes[N] just passed */
			str_printf(&s, "(%s)%d", p->c, ty_size(prev->type));
			continue;
		}
		prev = VEC_AT(n->elts, k);
		if (prev->type && prev->type->kind == TY_STRUCT && p->cls == PYB_HC_PTR_MEM)
			str_printf(&s, "(void *)&(%s)", argv[k]);   /* a Struct local: its address */
		else
			str_printf(&s, "(%s)(%s)", p->cls == PYB_HC_INT ? p->c : "void *", argv[k]);
		k++;
	}
	str_puts(&s, ")");
	if (h->ret.cls == PYB_HC_VOID)
		return xasprintf("((void)%s)", s.buf);
	if (h->ret.cls == PYB_HC_PTR_KERNEL)   /* a void *: the caller casts it to the kernel struct's pointer */
		return s.buf;
	if (os_raise)   /* a negative return is an errno: OSError */
		return xasprintf("({ __s64 __hr = (__s64)%s; if (__hr < 0) %s __hr; })", s.buf, os_raise);
	if (ovf_raise)
		return xasprintf("({ __u64 __hr = (__u64)%s; if (__hr > 9223372036854775807ULL) %s (__s64)__hr; })", s.buf,
				 ovf_raise);
	return xasprintf("((__s64)(%s)%s)", h->ret.c, s.buf);
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
