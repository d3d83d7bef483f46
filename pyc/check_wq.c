/* check_wq.c — BPF work queues from Python: Wq, bpf_wq_init(),
 * bpf_wq_set_callback(), bpf_wq_start() (issue 13).
 *
 *     wqs: Array[Wq] = Array(1)             # values: struct bpf_wq in a struct
 *
 *     def work(key: int) -> None:           # a kernel worker thread calls it with the key
 *         ...
 *
 *     @tp_btf("sys_enter")
 *     def arm(regs: ptr, id: int) -> None:
 *         bpf_wq_init(wqs[0], 0)
 *         bpf_wq_set_callback(wqs[0], work, 0)
 *         bpf_wq_start(wqs[0], 0)
 *
 * A work queue is the kernel's struct bpf_wq: like a Timer (check_timer.c,
 * which holds the logic both share) it lives only in an Array's or a
 * Hash's values, is named as wqs[k] (IndexError / KeyError), a Hash's are
 * made with wqs[k] = Wq(), and its callback is a plain def taking the key.
 * The three are kfuncs: bpf_wq_init(wq, p__map, flags) gets the map itself,
 * which Python leaves out; bpf_wq_set_callback(wq, f, flags) is libbpf's
 * macro over bpf_wq_set_callback_impl(wq, f, flags, aux__prog), whose last
 * argument the verifier fills in. Each returns -errno on failure, which
 * raises OSError: init of a work queue already initialised (-EBUSY), flags
 * other than 0, start of one without a callback (-EINVAL). bpf_wq_start
 * schedules the work: a start while the work is still pending is the same
 * work, run once (the kernel's schedule_work).
 *
 * The callback runs later in a kernel worker thread (a sleepable context),
 * with (map, &key, &value) and no caller to hand an exception to: an
 * exception it does not catch is counted at its raise site, and it has no
 * probe context (ctx(), kstack(), ustack() are refused there).
 *
 * The verifier refuses every map holding a bpf_wq in kprobe, tracepoint,
 * raw_tracepoint and perf_event programs ("tracing progs cannot use bpf_wq
 * yet", measured on 6.18, as for timers): the three kfuncs are refused at
 * compile time in @tracepoint, @kprobe, @kretprobe, @uprobe, @uretprobe,
 * @usdt, @raw_tp, @profile and @interval probes (check_kfunc_progs.c);
 * @tp_btf, @begin and @end, and the kinds left to the verifier, may.
 */
#include "check_int.h"
#include "btf.h"

#include <linux/btf.h>

#include <string.h>

Type ty_wq = {.kind = TY_TIMER, .size = 16, .sname = "Wq"};

/* The work queue kfuncs pybpf calls for bpf_wq_init(), bpf_wq_set_callback(), bpf_wq_start() */
bool wq_kfunc(const char *name)
{
	return !strcmp(name, "bpf_wq_init") || !strcmp(name, "bpf_wq_set_callback_impl") || !strcmp(name, "bpf_wq_start");
}

/* Whether programs of type prog may not call work queue kfunc name: no
 * map holding a bpf_wq in the tracing types, and no callback set but from a
 * sleepable program (the syscall programs of @begin and @end: the kfunc
 * sets let @tp_btf call bpf_wq_set_callback_impl, but its verifier says
 * "sleepable callback in a program that is not sleepable", measured on 6.18) */
bool wq_refused_in(const char *prog, const char *name)
{
	return async_refused_in(prog) || (!strcmp(name, "bpf_wq_set_callback_impl") && strcmp(prog, "syscall"));
}

/* Why wq_refused_in(prog, ...) */
const char *wq_why_refused(const char *prog)
{
	if (async_refused_in(prog))
		return xasprintf("the kernel refuses a map holding a Wq in BPF %s programs (\"tracing progs cannot use "
				 "bpf_wq yet\")", prog);
	return xasprintf("the kernel runs a work queue's callback as sleepable, and sets one only from a sleepable "
			 "program (\"sleepable callback in a program that is not sleepable\" in BPF %s programs): set it in "
			 "a @begin probe, then start the work queue from any probe kind that may", prog);
}

/* pybpf api's line for a work queue kfunc */
const char *wq_api_sig(const char *name)
{
	if (!strcmp(name, "bpf_wq_init"))
		return "bpf_wq_init(wq: Wq (wqs[k] of an Array[Wq] or Hash[K, Wq]), flags: int (u32)) -> int  raises OSError";
	if (!strcmp(name, "bpf_wq_start"))
		return "bpf_wq_start(wq: Wq (wqs[k]), flags: int (u32)) -> int  raises OSError";
	return "bpf_wq_set_callback_impl(wq: Wq (wqs[k]), callback_fn: def (key: int) -> None, flags: int (u32)) -> int  "
	       "raises OSError";
}

/* pybpf api's "reached:" line for a work queue kfunc, or NULL */
const char *wq_api_reached(const char *name)
{
	return strcmp(name, "bpf_wq_set_callback_impl") ? NULL
		: "bpf_wq_set_callback(wqs[k], f, flags) calls it, as libbpf's macro does (the verifier fills in aux__prog)";
}

/* bpf_wq_init(wqs[k], flags), bpf_wq_set_callback(wqs[k], f, flags), bpf_wq_start(wqs[k], flags) */
Type *check_wq_call(Checker *c, Node *e)
{
	const char *name = e->lhs->name, *pyname = xasprintf("%s()", name);
	bool cb = !strcmp(name, "bpf_wq_set_callback");
	const char *kname = cb ? "bpf_wq_set_callback_impl" : name;
	int want = cb ? 3 : 2, fid;
	KBtf *k = need_btf(c, e->lhs);
	Node *flags;
	MapDecl *m;

	if (!strcmp(name, "bpf_wq_set_callback_impl"))
		error_at(node_loc(e->lhs), "set a work queue's callback with bpf_wq_set_callback(wqs[k], function, 0), "
			 "libbpf's macro over bpf_wq_set_callback_impl (whose last argument the verifier fills in)");
	if ((fid = kbtf_find(k, kname, BTF_KIND_FUNC)) <= 0)
		error_at(node_loc(e->lhs), "this kernel has no work queues (no kfunc %s)", kname);
	if (e->vals.len || e->elts.len != want)
		error_at(node_loc(e), "%s takes %d arguments: %s", pyname, want,
			 cb ? "bpf_wq_set_callback(wqs[k], function, flags)" : xasprintf("%s(wqs[k], flags)", name));
	m = timer_arg(c, VEC_AT(e->elts, 0), pyname, async_obj(&ty_wq, NULL));
	e->raise = new_raise(c, e, "OSError");   /* the errno rule: each returns -errno */
	if (cb) {
		timer_callback(c, e, VEC_AT(e->elts, 1), pyname, "a work queue", "a kernel worker thread");
		new_raise(c, e, "OverflowError");      /* e->raise + 1: in the callback, a u64 key above 2**63-1 */
	}
	flags = VEC_AT(e->elts, want - 1);
	check_store(c, flags, need_int(c, flags, xasprintf("argument 'flags' of %s", pyname)), ty_fixed(4, false),
		    xasprintf("argument 'flags' of %s", pyname));
	kfunc_prog_use(c, e->lhs, kname);
	use_kfunc(c, kname, fid);
	e->sym = scope_find(&c->module, m->name);
	e->cval = fid;
	e->op = 'q';
	return ty_int;
}
