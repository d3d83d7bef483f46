/* check_percpu.c — the kernel's per-CPU variables (issue 13):
 *
 *   rq = bpf.this_cpu_ptr(ksym("runqueues"))     # this CPU's struct rq
 *   rq0 = bpf.per_cpu_ptr(ksym("runqueues"), 0)  # CPU 0's; IndexError past the last CPU
 *
 * ksym("NAME") names a variable of the kernel's per-CPU section
 * (.data..percpu in its BTF), declared to the program as a typed __ksym
 * that libbpf resolves at load; it is nothing else (only the argument of
 * these two helpers). The result is a kernel pointer of the variable's
 * struct or union type, whose fields read as any kernel struct's do.
 * bpf_per_cpu_ptr gives NULL for a CPU the machine has not: IndexError,
 * as a list index past its end. */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

/* The variable ksym("NAME") at k names, checked: its type's BTF id */
static int percpu_var(Checker *c, Node *k, const char *helper)
{
	Node *s = k->elts.len == 1 ? VEC_AT(k->elts, 0) : NULL;
	KBtf *b;
	KInfo ti;
	int type, pc;
	const char *name;
	if (k->kind != ND_CALL || k->lhs->kind != ND_NAME || strcmp(k->lhs->name, "ksym") || !s || s->kind != ND_STR ||
	    s->tok->is_bytes || k->vals.len)
		error_at(node_loc(k), "the first argument of bpf.%s() is a per-CPU kernel variable, named as ksym(\"runqueues\")",
			 helper);
	name = xstrndup(s->tok->str, s->tok->slen);
	b = need_btf(c, k);
	pc = kbtf_percpu_var(b, name, &type);
	if (pc < 0)
		error_at(node_loc(s), "the kernel's BTF has no variable '%s'", name);
	if (!pc)
		error_at(node_loc(s), "'%s' is not a per-CPU variable of the kernel (it is not in .data..percpu)", name);
	kbtf_info(b, type, &ti);
	if (ti.kind != KK_STRUCT && ti.kind != KK_UNION)
		error_at(node_loc(s), "'%s' is %s: pybpf reads per-CPU structs and unions only yet", name,
			 kbtf_type_name(b, type));
	kemit_use_type(c->prog->kemit, ti.id);
	for (int i = 0; i < c->prog->ksyms.len; i++)
		if (!strcmp(VEC_AT(c->prog->ksyms, i), name))
			goto known;
	vec_push(&c->prog->ksyms, (void *)name);
known:
	k->name = name;
	k->cval = type;
	return ti.id;
}

Type *check_percpu_call(Checker *c, Node *e)
{
	const char *h = e->lhs->name;
	bool per = !strcmp(h, "per_cpu_ptr");
	int id;
	if (e->vals.len || e->elts.len != 1 + per)
		error_at(node_loc(e), "bpf.%s() takes %s", h,
			 per ? "a per-CPU variable and a CPU: bpf.per_cpu_ptr(ksym(\"runqueues\"), 0)"
			     : "a per-CPU variable: bpf.this_cpu_ptr(ksym(\"runqueues\"))");
	id = percpu_var(c, VEC_AT(e->elts, 0), h);
	if (per) {
		Node *cpu = VEC_AT(e->elts, 1);
		Type *t = check_expr(c, cpu);
		if (!is_intlike(t))
			error_at(node_loc(cpu), "the CPU of bpf.per_cpu_ptr() must be an int, not %s", ty_name(t));
		check_store(c, cpu, t, ty_fixed(4, false), "the CPU of bpf.per_cpu_ptr()");
		e->raise = new_raise(c, e, "IndexError");   /* NULL: no such CPU */
	}
	e->op = 'G';
	e->cval = pyb_helper_find(xasprintf("bpf_%s", h)) - pyb_helpers;
	use_helper(c, e);
	return ty_kernel(TY_KPTR, id);
}
