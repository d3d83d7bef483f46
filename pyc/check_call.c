/* check_call.c — calls: NAME(...), MODULE.NAME(...) and struct constructors.
 *
 * check_call dispatches on the callee: time.time_ns(), platform.release(),
 * socket.gethostname() (functions of the companion module, kfuncs/) and
 * bpf.NAME(...) (a BPF helper, check_helpers.c); any other X.name(...) is
 * a method call (check_method.c). A bare name is a helper function the
 * program defines (its arguments stored into the typed parameters), a
 * Struct's constructor, a Python builtin (len, abs, min, max, int, bool,
 * u8..i64), one of the names `from pybpf import` brings (print, printk,
 * user_str, show, pid, ...), or else a kernel function that BTF marks as a
 * kfunc.
 */
#include "check_int.h"
#include "../helpers/helpers_gen.h"

#include <linux/btf.h>

#include <string.h>

static void no_args(Node *e)
{
	if (e->elts.len || e->vals.len)
		error_at(node_loc(e), "%s() takes no arguments", e->lhs->name);
}

static void check_print_arg(Checker *c, PrintSite *p, Node *a, int *off)
{
	Type *t = check_addr_value(c, a, check_expr(c, a));
	PrintSeg *s = xcalloc(1, sizeof(*s));
	if (t->kind == TY_FIXED)
		t = ty_int;
	if (t->kind != TY_INT && t->kind != TY_BOOL && t->kind != TY_STR && t->kind != TY_BYTES)
		error_at(node_loc(a), "print() cannot show a value of type %s", ty_name(t));
	s->is_arg = true;
	s->type = t;
	s->offset = *off;
	*off += t->kind == TY_STR || t->kind == TY_BYTES ? (t->size + 7) / 8 * 8 : 8;
	a->rec_off = s->offset;
	vec_push(&p->segs, s);
}

static void add_text(PrintSite *p, const char *text, int len)
{
	PrintSeg *s;
	if (!len)
		return;
	s = xcalloc(1, sizeof(*s));
	s->text = text;
	s->text_len = len;
	vec_push(&p->segs, s);
}

/* print(*args, sep=' ', end='\n'): one ring buffer record per call. */
static Type *check_print(Checker *c, Node *e)
{
	PrintSite *p = xcalloc(1, sizeof(*p));
	const char *sep = " ", *end = "\n";
	int seplen = 1, endlen = 1, off = 8;

	for (int i = 0; i < e->vals.len; i++) {
		Node *kw = VEC_AT(e->vals, i);
		if (!kw->name || (strcmp(kw->name, "sep") && strcmp(kw->name, "end")))
			error_at(node_loc(kw), "print() in pybpf supports only the keyword arguments sep= and end=");
		if (kw->lhs->kind != ND_STR)
			error_at(node_loc(kw->lhs), "print()'s %s= must be a string literal", kw->name);
		if (!strcmp(kw->name, "sep"))
			sep = kw->lhs->tok->str, seplen = kw->lhs->tok->slen;
		else
			end = kw->lhs->tok->str, endlen = kw->lhs->tok->slen;
	}
	p->id = c->prog->prints.len;
	p->loc = node_loc(e);
	for (int i = 0; i < e->elts.len; i++) {
		Node *a = VEC_AT(e->elts, i);
		if (i)
			add_text(p, sep, seplen);
		if (a->kind == ND_STARRED)
			error_at(node_loc(a), "print(*args) is not supported in pybpf");
		if (a->kind == ND_STR && !a->tok->is_bytes) {
			a->type = ty_str(a->tok->slen + 1);
			add_text(p, a->tok->str, a->tok->slen);
			continue;
		}
		if (a->kind != ND_FSTR) {
			check_print_arg(c, p, a, &off);
			continue;
		}
		a->type = ty_none;
		for (int j = 0; j < a->nfparts; j++) {
			FPart *fp = &a->fparts[j];
			if (!fp->is_expr) {
				add_text(p, fp->text, fp->text_len);
				continue;
			}
			/* f"{x = }": the lexer gave "x = " as text of its own */
			check_print_arg(c, p, fp->expr, &off);
			PrintSeg *s = VEC_AT(p->segs, p->segs.len - 1);
			s->conv = fp->conv;
			if (fp->self_doc && !fp->conv && !fp->spec)
				s->conv = 'r';
			if (s->conv == 'a')
				error_at(fp->expr_loc, "the !a conversion is not supported in pybpf; use !r");
			if (fp->spec && *fp->spec && s->type->kind == TY_BYTES && !s->conv && strcmp(fp->spec, "ip"))
				error_at(fp->spec_loc.file ? fp->spec_loc : fp->expr_loc, "bytes take no format spec in Python "
					 "(TypeError: unsupported format string passed to bytes.__format__); use !r first");
			if (fp->spec && *fp->spec) {
				enum fmt_kind k = s->type->kind == TY_STR && s->conv != 'r' ? FMT_STR : FMT_INT;
				const char *msg;
				if (s->conv == 'r' || s->conv == 's')
					k = FMT_STR;
				msg = !strcmp(fp->spec, "ip") ? uptr_ip_spec_error(s->type, s->conv) : time_spec_ok(s, fp->spec, k) ? NULL : fmt_check(fp->spec, k);
				if (msg)
					error_at(fp->spec_loc.file ? fp->spec_loc : fp->expr_loc, "%s", msg);
				s->spec = fp->spec;
			}
		}
	}
	add_text(p, end, endlen);
	p->size = off;
	if (off > 4096)
		error_at(node_loc(e), "this print() record is %d bytes; pybpf allows 4096 per print", off);
	vec_push(&c->prog->prints, p);
	e->id = p->id;
	return ty_none;
}

/* f(a, b): arguments are stored into the parameters (typed), left to right */
static Type *check_func_call(Checker *c, Node *e, FuncDecl *fd)
{
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "keyword arguments are not supported yet; pass '%s' its arguments by position", fd->name);
	if (e->elts.len != fd->ptypes.len)
		error_at(node_loc(e), "%s() takes %d argument%s but %d %s given", fd->name, fd->ptypes.len,
			 fd->ptypes.len == 1 ? "" : "s", e->elts.len, e->elts.len == 1 ? "was" : "were");
	for (int i = 0; i < e->elts.len; i++) {
		Node *a = VEC_AT(e->elts, i);
		Node *p = VEC_AT(fd->def->params, i);
		Type *t;
		if (a->kind == ND_STARRED)
			error_at(node_loc(a), "*args is not supported in pybpf");
		t = check_expr(c, a);
		check_store(c, a, t, VEC_AT(fd->ptypes, i), xasprintf("parameter '%s' of %s()", p->name, fd->name));
		if (t->kind == TY_KPTR)   /* the body takes its kernel pointer parameters as trusted (check_kptr.c) */
			check_kptr_arg(c, a, t, t->btf_id, xasprintf("parameter '%s' of %s() (a def's kernel pointer, which its "
				       "body may pass on)", p->name, fd->name), ty_name(t));
	}
	note_func_call(c, e, fd);
	return fd->ret;
}

/* e calls helper function fd: for the recursion check, and for the probe
 * kinds its kfuncs and helpers must allow */
void note_func_call(Checker *c, Node *e, FuncDecl *fd)
{
	e->sym = scope_find(&c->module, fd->name);
	if (c->func) {
		vec_push(&c->func->calls, fd);
		vec_push(&c->func->call_sites, e);
	} else if (c->probe) {
		ProbeCall *pc = xcalloc(1, sizeof(*pc));
		pc->probe = c->probe;
		pc->fd = fd;
		pc->at = e;
		vec_push(&c->probe_calls, pc);
	}
}

/* The kernel's word for the program type a probe kind becomes (the words
 * of the companion module's "progs:" notes). */
static const char *prog_word(Probe *p)
{
	static const char *const map[][2] = {
		{"tracepoint", "tracing"}, {"tp_btf", "tracing"}, {"fentry", "tracing"}, {"fexit", "tracing"},
		{"lsm", "tracing"}, {"profile", "tracing"}, {"interval", "tracing"}, {"raw_tp", "raw_tracepoint"},
		{"uprobe", "kprobe"}, {"uretprobe", "kprobe"}, {"usdt", "kprobe"}, {"kprobe", "kprobe"}, {"kretprobe", "kprobe"},
		{"begin", "syscall"}, {"end", "syscall"}, {"iter", "tracing"}, {"struct_ops", "struct_ops"},
		{"xdp", "xdp"}, {"tc", "sched_cls"}, {"cgroup_skb", "cgroup_skb"}, {"cgroup_sock_addr", "cgroup_sock_addr"},
		{"socket_filter", "socket_filter"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], p->kind))
			return map[i][1];
	return p->kind;
}

/* Whether probe p (a program of its kind) may call the module's kfunc at
 * `at`: an error if not. via: the probe's call that reaches `at` through
 * helper functions, or NULL when `at` is in the probe itself. */
void kfunc_allowed(Probe *p, Node *at, const char *kfunc, const char *pyname, Node *via)
{
	const struct pyb_kfunc *k = pyb_kfunc_find(kfunc);
	const char *w = prog_word(p);
	if (!k)
		ICE("kfunc %s missing from helpers/helpers_gen.c", kfunc);
	if (strcmp(k->prog_types, "any")) {
		char *list = xasprintf(",%s,", k->prog_types), *words = xstrdup(k->prog_types), *last;
		/* "tracing,kprobe,syscall" -> "tracing, kprobe and syscall" */
		Str nice = {0};
		for (char *p = words; *p; p++)
			if (*p == ',')
				*p = ' ';
		last = strrchr(words, ' ');
		for (char *p = words; *p; p++) {
			if (*p == ' ' && p == last)
				str_puts(&nice, " and ");
			else if (*p == ' ')
				str_puts(&nice, ", ");
			else
				str_add(&nice, p, 1);
		}
		if (!strstr(list, xasprintf(",%s,", w)))
			error_at(node_loc(at), "%s calls the kernel's %s, which the kernel allows only in %s programs; "
				 "this is %s @%s probe%s%s (a BPF %s program)%s", pyname, kfunc, nice.buf,
				 via ? "called from the" : "a", p->kind, via ? xasprintf(" '%s'", p->name) : "",
				 via ? xasprintf(" at line %d", node_loc(via).line) : "", w,
				 !strcmp(k->prog_types, "syscall") ? " -- use it in @begin or @end, or in a script run with pybpf run" : "");
	}
}

/* A kfunc of the companion module (kfuncs/pybpf_kfuncs.h, through the
 * generated table): this kind of probe must be allowed to call it; in a
 * helper function, each probe that calls the helper is checked at the end
 * (check_helper_kfuncs). */
void use_module_kfunc(Checker *c, Node *at, const char *kfunc, const char *pyname)
{
	if (c->probe) {
		kfunc_allowed(c->probe, at, kfunc, pyname, NULL);
	} else if (c->func) {
		KfuncUse *u = xcalloc(1, sizeof(*u));
		u->at = at;
		u->kfunc = kfunc;
		u->pyname = pyname;
		vec_push(&c->func->kfuncs, u);
	} else {
		ICE("kfunc outside a probe or function");
	}
	for (int i = 0; i < c->prog->mkfuncs.len; i++)
		if (!strcmp(VEC_AT(c->prog->mkfuncs, i), kfunc))
			return;
	vec_push(&c->prog->mkfuncs, (void *)kfunc);
}

/* time.time_ns(), time.monotonic_ns(), platform.release(), socket.gethostname() */
static Type *check_pseudo_module(Checker *c, Node *e)
{
	Node *f = e->lhs;
	const char *mod = f->lhs->name, *fn = f->name;
	if (e->elts.len || e->vals.len)
		error_at(node_loc(e), "%s.%s() takes no arguments", mod, fn);
	e->op = 'M';
	if (!strcmp(mod, "time") && !strcmp(fn, "time_ns")) {
		use_module_kfunc(c, e, "pybpf_time_ns", "time.time_ns()");
		e->cval = 0;
		return ty_int;
	}
	if (!strcmp(mod, "time") && !strcmp(fn, "monotonic_ns")) {
		e->cval = 1;
		return ty_int;
	}
	if (!strcmp(mod, "platform") && !strcmp(fn, "release")) {
		use_module_kfunc(c, e, "pybpf_uname_release", "platform.release()");
		e->cval = 2;
		return ty_str(65);
	}
	if (!strcmp(mod, "socket") && !strcmp(fn, "gethostname")) {
		use_module_kfunc(c, e, "pybpf_uname_nodename", "socket.gethostname()");
		e->cval = 3;
		return ty_str(65);
	}
	error_at(node_loc(f), "pybpf's %s has no %s() (it has %s)", mod, fn,
		 !strcmp(mod, "time") ? "time_ns() and monotonic_ns()" : !strcmp(mod, "platform") ? "release()" : "gethostname()");
}

/* bpf.NAME(...): a BPF helper (pyc/check_helpers.c), through these hooks */
static Type *hk_expr(void *c, Node *e)
{
	return check_expr(c, e);
}

static void hk_store(void *c, Node *v, Type *from, Type *to, const char *what)
{
	check_store(c, v, from, to, what);
}

static RaiseSite *hk_raise(void *c, Node *at, const char *exc)
{
	return new_raise(c, at, exc);
}

static Sym *hk_lookup(void *c, const char *name)
{
	Checker *k = c;
	return k->scope ? scope_find(k->scope, name) : scope_find(&k->module, name);
}

static bool hk_imported(void *c, const char *name)
{
	return is_imported(c, name);
}

/* bpf.map_lookup_elem(m, key) is m.get(key): the helper's NULL is None,
 * its value pointer the value (Optional, to be tested);
 * bpf.map_lookup_percpu_elem(m, key, cpu) the same on a per-CPU hash,
 * of CPU cpu's value (e->third: the CPU, for the emitter) */
static Type *check_map_lookup(Checker *c, Node *e, bool stmt)
{
	bool percpu = !strcmp(e->lhs->name, "map_lookup_percpu_elem");
	const char *h = percpu ? "bpf.map_lookup_percpu_elem()" : "bpf.map_lookup_elem()";
	Node *m, *get, *cpu = NULL;
	Sym *y;
	MapKind k;
	if (e->elts.len != 2 + percpu || e->vals.len)
		error_at(node_loc(e), "%s takes a map and a key%s: %s", h, percpu ? " and a CPU" : "",
			 percpu ? "bpf.map_lookup_percpu_elem(m, key, cpu)" : "bpf.map_lookup_elem(m, key), the same as m.get(key)");
	m = VEC_AT(e->elts, 0);
	y = m->kind == ND_NAME ? scope_find(c->scope ? c->scope : &c->module, m->name) : NULL;
	if (!y || y->kind != SYM_MAP)
		error_at(node_loc(m), "argument 'map' of %s must be a map, not %s", h,
			 m->kind == ND_NAME ? xasprintf("'%s'", m->name) : "an expression");
	k = ((MapDecl *)y->data)->type->map_kind;
	if (percpu && k != MAP_PERCPU_HASH && k != MAP_LRU_PERCPU_HASH)
		error_at(node_loc(m), "argument 'map' of %s must be a PerCPUHash or an LRUPerCPUHash, not %s", h,
			 ty_name(y->type));
	if (percpu) {
		Type *t;
		cpu = VEC_AT(e->elts, 2);
		t = check_expr(c, cpu);
		if (!is_intlike(t))
			error_at(node_loc(cpu), "the CPU of %s must be an int, not %s", h, ty_name(t));
		check_store(c, cpu, t, ty_fixed(4, false), xasprintf("the CPU of %s", h));
	}
	get = synth_node(ND_ATTR, e->lhs);
	get->lhs = m;
	get->name = "get";
	e->lhs = get;
	memmove(e->elts.data, e->elts.data + 1, sizeof(void *));   /* the key alone */
	e->elts.len = 1;
	e->third = cpu;
	return check_call(c, e, stmt);
}

static void hk_kptr_arg(void *c, Node *a, Type *got, const char *ctype, const char *what)
{
	int id = helper_kptr_type(c, a, ctype)->btf_id;
	if (got->kind == TY_KVAL)   /* d_path(f.f_path, buf): its address (check_kfunc_mem.c) */
		check_kfunc_embedded_arg(c, a, got, id, what, ctype);
	else
		check_kptr_arg(c, a, got, id, what, ctype);
}

static Type *hk_kptr_type(void *c, Node *at, const char *ctype)
{
	return helper_kptr_type(c, at, ctype);
}

Type *check_bpf_helper(Checker *c, Node *e, bool stmt)
{
	HelperHooks hk = {c, hk_expr, hk_store, hk_raise, hk_lookup, hk_imported, hk_kptr_arg, hk_kptr_type};
	Type *t;
	if (!strcmp(e->lhs->name, "loop"))
		return check_bpf_loop(c, e);
	if (!strcmp(e->lhs->name, "map_lookup_elem") || !strcmp(e->lhs->name, "map_lookup_percpu_elem"))
		return check_map_lookup(c, e, stmt);
	if (!strcmp(e->lhs->name, "this_cpu_ptr") || !strcmp(e->lhs->name, "per_cpu_ptr"))
		return check_percpu_call(c, e);   /* check_percpu.c */
	if (!strcmp(e->lhs->name, "for_each_map_elem"))
		return check_bpf_for_each(c, e);
	if (!strcmp(e->lhs->name, "find_vma"))
		return check_bpf_find_vma(c, e);   /* check_callback.c */
	if (!strcmp(e->lhs->name, "user_ringbuf_drain"))
		return check_user_ringbuf_drain(c, e);   /* check_userrb.c */
	if (dynptr_helper(e->lhs->name))   /* ring buffer reservations, dynptrs */
		return check_dynptr_call(c, e);
	if (!strcmp(e->lhs->name, "tail_call"))
		return check_tail_call(c, e);    /* check_tailcall.c */
	if (!strncmp(e->lhs->name, "timer_", 6) && pyb_helper_find(xasprintf("bpf_%s", e->lhs->name)))
		return check_timer_call(c, e);   /* check_timer.c */
	if (!strcmp(e->lhs->name, "spin_lock") || !strcmp(e->lhs->name, "spin_unlock"))
		lock_call_refused(e, xasprintf("bpf_%s", e->lhs->name));   /* check_lock.c */
	if (sock_helper(xasprintf("bpf_%s", e->lhs->name)))
		return check_sock_call(c, e);    /* check_sock.c */
	t = check_helper_call(&hk, e);
	if (!strcmp(e->lhs->name, "get_stackid"))
		c->prog->uses_stacks = true;   /* its map is kstack()'s */
	use_helper(c, e);
	packet_helper_called(c, e);   /* check_packet.c */
	return t;
}

/* bpf.NAME(...) at e calls helper e->cval: declare it, and check that the
 * probe (or each probe that calls this helper function) may call it */
void use_helper(Checker *c, Node *e)
{
	const char *helper = xasprintf("bpf_%s", e->lhs->name);
	int i;
	for (i = 0; i < c->prog->helpers.len; i++)
		if ((intptr_t)VEC_AT(c->prog->helpers, i) == e->cval)
			break;
	if (i == c->prog->helpers.len)
		vec_push(&c->prog->helpers, (void *)(intptr_t)e->cval);
	if (c->probe) {
		if (!sleepable_helper(c->probe, helper, e, NULL))   /* check_sleepable.c */
			helper_allowed(c->probe->kind, helper, e, NULL);
	} else if (c->func) {
		KfuncUse *u = xcalloc(1, sizeof(*u));
		u->at = e;
		u->kfunc = helper;
		u->pyname = xasprintf("bpf.%s()", e->lhs->name);
		vec_push(&c->func->kfuncs, u);
	}
}

/* len(s), abs(x), min(...), max(...), int(x), bool(x), u8(x) ... i64(x) */
static Type *check_pybuiltin(Checker *c, Node *e, const char *name)
{
	Type *ft;
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "%s() takes no keyword arguments in pybpf", name);
	e->op = 'b';
	if (!strcmp(name, "min") || !strcmp(name, "max")) {
		if (e->elts.len < 2)
			error_at(node_loc(e), "%s() takes two or more ints in pybpf (there are no iterables)", name);
		for (int i = 0; i < e->elts.len; i++)
			need_int(c, VEC_AT(e->elts, i), xasprintf("an argument of %s()", name));
		return ty_int;
	}
	if (e->elts.len != 1)
		error_at(node_loc(e), "%s() takes exactly one argument", name);
	Node *a = VEC_AT(e->elts, 0);
	if (!strcmp(name, "len")) {
		Sym *ms = a->kind == ND_NAME && c->scope ? scope_find(c->scope, a->name) : NULL;
		Type *t;
		if (final_tuple(c, a)) {
			e->op = 'L';   /* len of a Final tuple: a constant */
			e->cval = ((ConstDecl *)a->sym->data)->nitems;
			return ty_int;
		}
		if (ms && ms->kind == SYM_MAP && ((MapDecl *)ms->data)->type->map_kind == MAP_SORTEDLIST) {
			need_rbtree_probe(c, a, ms->data);
			a->sym = ms;
			e->op = 'r';
			e->cval = 3;
			e->sym = ms;
			return ty_int;
		}
		if (ms && ms->kind == SYM_MAP)
			error_at(node_loc(a), "len() of a map is not available in BPF (counting would walk the whole map)");
		t = check_expr(c, a);
		if (t->kind == TY_PACKET)
			return check_packet_len(c, e, a);   /* check_packet.c */
		if (t->kind != TY_STR && t->kind != TY_BYTES)
			error_at(node_loc(a), "object of type %s has no len()", ty_name(t));
		return ty_int;
	}
	if (!strcmp(name, "bool")) {
		Type *t = check_expr(c, a);
		if (t->kind != TY_STR && !is_intlike(t))
			error_at(node_loc(a), "bool() of %s is not supported", ty_name(t));
		return ty_bool;
	}
	need_int(c, a, xasprintf("the argument of %s()", name));
	if (!strcmp(name, "abs")) {
		e->raise = new_raise(c, e, "OverflowError");   /* abs(-2**63) */
		return ty_int;
	}
	if (!strcmp(name, "int"))
		return ty_int;
	/* u32(x): the value must fit, as when storing into a u32 */
	ft = fixed_by_name(name);
	check_store(c, a, a->type, ft, xasprintf("%s()", name));
	return ty_int;
}

/* Event(pid=..., comm=...): positional then keyword arguments, defaults
 * for the rest, as a dataclass would take them. e->targets gets one value
 * node per field (NULL: the default). */
static Type *check_struct_ctor(Checker *c, Node *e, Type *st)
{
	int nf = st->fnames.len;
	Node **given = xcalloc(nf, sizeof(Node *));
	lock_ctor_refused(e, st);   /* check_lock.c */
	if (e->elts.len > nf)
		error_at(node_loc(e), "%s() takes %d positional argument%s but %d were given", st->sname, nf, nf == 1 ? "" : "s",
			 e->elts.len);
	for (int i = 0; i < e->elts.len; i++)
		given[i] = VEC_AT(e->elts, i);
	for (int i = 0; i < e->vals.len; i++) {
		Node *kw = VEC_AT(e->vals, i);
		int f = -1;
		for (int j = 0; kw->name && j < nf; j++)
			if (!strcmp(VEC_AT(st->fnames, j), kw->name))
				f = j;
		if (f < 0) {
			Suggest sg = {.target = kw->name ? kw->name : ""};
			for (int j = 0; j < nf; j++)
				suggest_try(&sg, VEC_AT(st->fnames, j));
			error_at(node_loc(kw), "%s() got an unexpected keyword argument '%s'%s%s%s", st->sname, kw->name ? kw->name : "**",
				 sg.best ? "; did you mean '" : "", sg.best ? sg.best : "", sg.best ? "'?" : "");
		}
		if (given[f])
			error_at(node_loc(kw), "%s() got multiple values for argument '%s'", st->sname, kw->name);
		given[f] = kw->lhs;
	}
	e->targets = (Vec){0};
	for (int i = 0; i < nf; i++) {
		Node *v = given[i];
		if (!v && !VEC_AT(st->fdefaults, i) && !lock_field_implicit(st, i))
			error_at(node_loc(e), "%s() missing required argument: '%s'", st->sname, (char *)VEC_AT(st->fnames, i));
		if (v)
			check_store(c, v, check_expr(c, v), VEC_AT(st->elems, i),
				    xasprintf("field '%s' of %s", (char *)VEC_AT(st->fnames, i), st->sname));
		vec_push(&e->targets, v);
	}
	e->op = 'c';
	return st;
}

/* printk(msg, level=6): to the kernel log */
static Type *check_printk(Checker *c, Node *e, bool stmt)
{
	Node *m;
	Type *mt;
	int64_t level = 6;
	if (e->elts.len != 1)
		error_at(node_loc(e), "printk() takes the message, and optionally level=N (0 emergency .. 7 debug)");
	for (int i = 0; i < e->vals.len; i++) {
		Node *kw = VEC_AT(e->vals, i);
		if (!kw->name || strcmp(kw->name, "level") || !const_int(c, kw->lhs, &level) || level < 0 || level > 7)
			error_at(node_loc(kw), "printk() takes level=N, a constant from 0 (emergency) to 7 (debug)");
	}
	m = VEC_AT(e->elts, 0);
	mt = check_expr(c, m);
	if (mt->kind != TY_STR)
		error_at(node_loc(m), "printk() logs a str, not %s", ty_name(mt));
	use_module_kfunc(c, e, m->kind == ND_STR ? "pybpf_printk" : "pybpf_printk_buf", "printk()");
	e->op = 'K';
	e->cval = level;
	if (!stmt)
		error_at(node_loc(e), "printk() returns None; call it as a statement");
	return ty_none;
}

/* socket.ntohs() and friends: the low 16/32 bits, bytes swapped */
static Type *check_byteswap(Checker *c, Node *e, const char *name)
{
	if (e->elts.len != 1 || e->vals.len)
		error_at(node_loc(e), "%s() takes one int", name);
	need_int(c, VEC_AT(e->elts, 0), "its argument");
	e->op = 'N';
	e->cval = name[4] == 's' ? 16 : 32;
	return ty_int;
}

/* the kernel's tcp_sk(): a TCP socket's struct tcp_sock */
static Type *check_tcp_sk(Checker *c, Node *e)
{
	Type *t;
	int id;
	if (e->elts.len != 1 || e->vals.len)
		error_at(node_loc(e), "tcp_sk() takes one socket");
	t = check_expr(c, VEC_AT(e->elts, 0));
	id = kbtf_find_struct(need_btf(c, e), "sock");
	if (t->kind != TY_KPTR || t->btf_id != id)
		error_at(node_loc(VEC_AT(e->elts, 0)), "tcp_sk() takes a struct sock *, not %s", ty_name(t));
	id = kbtf_find_struct(c->prog->btf, "tcp_sock");
	kemit_use_type(c->prog->kemit, id);
	e->op = 't';
	return ty_kernel(TY_KPTR, id);
}

/* show(m): print map m now, as pybpf load does at exit */
static Type *check_show(Checker *c, Node *e, bool stmt)
{
	Node *a;
	Sym *ms;
	if (e->elts.len != 1 || e->vals.len)
		error_at(node_loc(e), "show() takes one map: show(counts)");
	a = VEC_AT(e->elts, 0);
	ms = a->kind == ND_NAME && c->scope ? scope_find(c->scope, a->name) : NULL;
	if (!ms || ms->kind != SYM_MAP)
		error_at(node_loc(a), "show() prints a map as pybpf load does at exit; '%s' is not a map",
			 a->kind == ND_NAME ? a->name : "this");
	if (((MapDecl *)ms->data)->type->map_kind == MAP_RINGBUF)
		error_at(node_loc(a), "a RingBuf has nothing to show: its records are printed as they come");
	perf_map_refused(a, ms->data);   /* check_perf.c */
	user_ringbuf_refused(a, ms->data);   /* check_userrb.c */
	if (((MapDecl *)ms->data)->type->map_kind == MAP_BLOOM)
		error_at(node_loc(a), "a BloomFilter has nothing to show: its bits cannot be listed");
	if (MAP_IS_STORAGE(((MapDecl *)ms->data)->type->map_kind))
		error_at(node_loc(a), "a %s has nothing to show: the kernel cannot list its items (they hang off each %s); "
			 "copy what to show into a Hash", map_kind_names[((MapDecl *)ms->data)->type->map_kind],
			 storage_owner(((MapDecl *)ms->data)->type->map_kind));
	if (!stmt)
		error_at(node_loc(e), "show() returns None; call it as a statement");
	e->sym = ms;
	e->op = 'S';
	return ty_none;
}

/* pid(), tid(), comm(), ktime_ns(), kstack(), current_task(), ... (no_args checked) */
static Type *check_noarg_builtin(Checker *c, Node *e, const char *name)
{
	if (!strcmp(name, "kstack") || !strcmp(name, "ustack")) {
		if (c->probe && (!strcmp(c->probe->kind, "begin") || !strcmp(c->probe->kind, "end")))
			error_at(node_loc(e), "%s() has no stack to take in a @%s probe", name, c->probe->kind);
		if (c->probe && c->probe->sleepable)
			error_at(node_loc(e), "%s() keeps stacks in a stack trace map, which the kernel does not allow in a "
				 "sleepable probe (those may use only hash, array, queue, stack, ring buffer and local storage maps)",
				 name);
		c->prog->uses_stacks = true;
		return name[0] == 'u' ? &t_ustack : &t_kstack;
	}
	if (!strcmp(name, "current_task")) {
		int id = kbtf_find_struct(need_btf(c, e), "task_struct");
		if (id < 0)
			error_at(node_loc(e), "the kernel's types have no struct task_struct");
		kemit_use_type(c->prog->kemit, id);
		return ty_kernel(TY_KPTR, id);
	}
	if (!strcmp(name, "comm"))
		return ty_str(16);
	if (!strcmp(name, "wallclock_ns"))
		c->prog->uses_wallclock = true;
	return ty_int;  /* pid tid ktime_ns wallclock_ns cpu uid gid */
}

/* A name of builtin_funcs (imported): print(...), user_str(p, N), printk(msg), show(m), pid(), ... */
static Type *check_builtin_call(Checker *c, Node *e, const char *name, bool stmt)
{
	if (!strcmp(name, "print")) {
		if (!stmt)
			error_at(node_loc(e), "print() returns None; call it as a statement");
		return check_print(c, e);
	}
	if (!strcmp(name, "tracepoint"))
		error_at(node_loc(e), "tracepoint(...) is a decorator: write @tracepoint(\"category/name\") above a def");
	if (in_list(probe_kinds, name))
		error_at(node_loc(e), "%s is a decorator: write @%s(...) above a def", name, name);
	if (!strcmp(name, "user_bytes") || !strcmp(name, "kernel_bytes"))
		return ty_bytes(check_mem_read(c, e, name, "bytes", "length"));
	if (!strcmp(name, "user_str") || !strcmp(name, "kernel_str"))
		return ty_str(check_mem_read(c, e, name, "a string", "capacity"));
	if (!strcmp(name, "open"))
		error_at(node_loc(e), "open() is used as 'with open(\"/path\") as f:', so that the file is always closed");
	if (!strcmp(name, "printk"))
		return check_printk(c, e, stmt);
	if (!strcmp(name, "user_read"))
		return check_user_read(c, e);
	if (!strcmp(name, "ntohs") || !strcmp(name, "ntohl") || !strcmp(name, "htons") || !strcmp(name, "htonl"))
		return check_byteswap(c, e, name);
	if (!strcmp(name, "tcp_sk"))
		return check_tcp_sk(c, e);
	if (!strcmp(name, "ip4"))
		return check_ip4(c, e);   /* check_packet.c */
	if (!strcmp(name, "ip6"))
		return check_ip6(c, e);
	if (!strcmp(name, "show"))
		return check_show(c, e, stmt);
	if (!strcmp(name, "ksym"))
		error_at(node_loc(e), "ksym(\"NAME\") names a per-CPU kernel variable: it is only the argument of "
			 "bpf.this_cpu_ptr() and bpf.per_cpu_ptr(), as in bpf.this_cpu_ptr(ksym(\"runqueues\"))");
	if (!strcmp(name, "ctx"))
		error_at(node_loc(e), "ctx() is the probe's context as the kernel passes it: it is only an argument of the "
			 "helpers that take it, as in bpf.get_stackid(ctx(), 0)");
	no_args(e);
	return check_noarg_builtin(c, e, name);
}

/* NAME(...): a helper function, a Struct, a Python builtin, a pybpf builtin or a kfunc */
static Type *check_named_call(Checker *c, Node *e, bool stmt)
{
	Node *f = e->lhs;
	const char *name = f->name;
	Sym *y = c->scope ? scope_find(c->scope, name) : scope_find(&c->module, name);

	if (y && y->kind == SYM_FUNC) {
		if (c->iterating.len)
			error_at(node_loc(e), "calling '%s' inside a loop over a map is not supported yet (pybpf cannot yet "
				 "tell whether it changes the map); inline its code", name);
		return check_func_call(c, e, y->data);
	}
	if (y && y->kind == SYM_TYPE)
		return check_struct_ctor(c, e, y->type);
	if (y && y->kind == SYM_PROBE)
		error_at(node_loc(f), "'%s' is a probe: the kernel calls it; move the shared code into a helper function", name);
	if (y && y->kind != SYM_BUILTIN)
		error_at(node_loc(f), "'%s' is not callable", name);
	if (!y && (!strcmp(name, "len") || !strcmp(name, "abs") || !strcmp(name, "min") || !strcmp(name, "max") ||
		   !strcmp(name, "int") || !strcmp(name, "bool") || fixed_by_name(name)))
		return check_pybuiltin(c, e, name);
	if (!y && (!strcmp(name, "Timer") || !strcmp(name, "Wq") || !strcmp(name, "TaskWork")) && is_imported(c, name))
		timer_ctor_refused(e);   /* check_timer.c */
	if (!y && !strcmp(name, "DSQ") && is_imported(c, name))
		dsq_call_refused(e);   /* check_sched.c */
	if (!in_list(builtin_funcs, name)) {
		if (!strcmp(name, "str"))
			error_at(node_loc(f), "str() is not supported: strings have a fixed capacity in pybpf; use an f-string in print()");
		if (!y && c->scope)
			return check_kfunc_call(c, e);
		unknown_name(c, f);
	}
	if (!is_imported(c, name))
		unknown_name(c, f);
	return check_builtin_call(c, e, name, stmt);
}

/* MODULE.NAME(...) for the modules pybpf provides (unless a local hides
 * the name), else a method call */
static Type *check_attr_call(Checker *c, Node *e, bool stmt)
{
	Node *f = e->lhs;
	const char *mod = f->lhs->kind == ND_NAME && c->scope && !scope_find(c->scope, f->lhs->name) ? f->lhs->name : NULL;

	if (mod && (!strcmp(mod, "time") || !strcmp(mod, "platform") || !strcmp(mod, "socket"))) {
		if (!is_imported(c, mod))
			unknown_name(c, f->lhs);
		return check_pseudo_module(c, e);
	}
	if (mod && !strcmp(mod, "bpf")) {
		if (!is_imported(c, "bpf"))
			unknown_name(c, f->lhs);
		return check_bpf_helper(c, e, stmt);
	}
	return check_method_call(c, e, stmt);
}

Type *check_call(Checker *c, Node *e, bool stmt)
{
	Node *f = e->lhs;
	if (f->kind == ND_ATTR)
		return check_attr_call(c, e, stmt);
	if (f->kind != ND_NAME)
		error_at(node_loc(f), "only named functions can be called in pybpf");
	return check_named_call(c, e, stmt);
}
