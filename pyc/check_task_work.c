/* check_task_work.c — BPF task work from Python: TaskWork,
 * bpf_task_work_schedule_signal(), bpf_task_work_schedule_resume() (issue 13).
 *
 *     works: Array[TaskWork] = Array(1)     # values: struct bpf_task_work in a struct
 *
 *     def work(key: int) -> None:           # runs in the task's own context
 *         ...
 *
 *     @tracepoint("syscalls/sys_enter_getppid")
 *     def arm(args) -> None:
 *         bpf_task_work_schedule_signal(current_task(), works[0], work)
 *
 * A task work is the kernel's struct bpf_task_work (6.18): like a Timer
 * and a Wq (check_timer.c holds the logic the three share) it lives only in
 * an Array's or a Hash's values, is named as works[k] (IndexError /
 * KeyError), a Hash's are made with works[k] = TaskWork(), and its callback
 * is a plain def taking the key. The kernel runs the callback in the
 * context of the task it was scheduled for (task_work_add: _signal with
 * TWA_SIGNAL, which interrupts the task, _resume with TWA_RESUME, when it
 * next returns to user space), so pid() there is that task's. The two
 * kfuncs are bpf_task_work_schedule_signal_impl(task, tw, map__map,
 * callback, aux__prog) and _resume_impl; pybpf calls them as libbpf's
 * macros do, as bpf_task_work_schedule_signal(task, works[k], f): the map
 * is the work's own, and the verifier fills in aux__prog. task is a task
 * pointer the verifier trusts (check_kptr.c). Each returns -errno on
 * failure, which raises OSError: a work still pending (not yet run) is
 * -EBUSY. The callback has no probe context (ctx(), kstack(), ustack() are
 * refused there), and an exception it does not catch is counted at its
 * raise site.
 */
#include "check_int.h"
#include "btf.h"

#include <linux/btf.h>

#include <string.h>

Type ty_task_work = {.kind = TY_TIMER, .size = 8, .sname = "TaskWork"};

/* The task work kfuncs */
bool task_work_kfunc(const char *name)
{
	return !strcmp(name, "bpf_task_work_schedule_signal_impl") || !strcmp(name, "bpf_task_work_schedule_resume_impl");
}

/* The names Python calls them by, libbpf's macros' */
bool task_work_call_name(const char *name)
{
	return !strcmp(name, "bpf_task_work_schedule_signal") || !strcmp(name, "bpf_task_work_schedule_resume");
}

/* The kernel runs a task work's callback as sleepable, and lets only a
 * sleepable program schedule one ("sleepable callback in a program that
 * is not sleepable", measured on 6.18 from @tracepoint; a sleepable
 * @uprobe loads): the probe kinds that may be sleepable, @uprobe and
 * @uretprobe with sleepable=True, and @begin, @end (syscall programs).
 * Whether a @kind probe may not call task work kfunc name (`pybpf api`'s
 * probes: line; the call checks the probe's sleepable=True). */
bool task_work_refused_kind(const char *kind, const char *name)
{
	static const char *const kinds[] = {"uprobe", "uretprobe", "kprobe.s", "begin", "end", NULL};
	if (!task_work_kfunc(name))
		return false;
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return false;
	return true;
}

/* Whether the (not sleepable) programs of type prog that the kernel was
 * asked about may not call task work kfunc name: all but syscall programs */
bool task_work_refused_in(const char *prog, const char *name)
{
	return task_work_kfunc(name) && strcmp(prog, "syscall") && strcmp(prog, "kprobe.s");
}

/* A call in probe p (NULL: in a def): refused unless p is sleepable */
static void need_sleepable(Node *e, Probe *p, const char *pyname)
{
	const char *why = "a callback the kernel runs as sleepable, which only a sleepable program may schedule "
			  "(\"sleepable callback in a program that is not sleepable\")";
	if (!p)
		error_at(node_loc(e), "%s must be called in a probe's own body: it schedules %s, and a def may be reached "
			 "from probes that are not sleepable", pyname, why);
	if (p->sleepable || !strcmp(p->kind, "begin") || !strcmp(p->kind, "end"))
		return;
	if (!strcmp(p->kind, "uprobe") || !strcmp(p->kind, "uretprobe"))
		error_at(node_loc(e), "%s schedules %s, and this @%s probe is not sleepable: make it @%s(\"%s\", "
			 "sleepable=True)", pyname, why, p->kind, p->kind, p->target);
	error_at(node_loc(e), "%s schedules %s, and a @%s probe is not one: call it from @uprobe(..., sleepable=True), "
		 "@uretprobe(..., sleepable=True), @begin or @end", pyname, why, p->kind);
}

/* pybpf api's line for a task work kfunc */
const char *task_work_api_sig(const char *name)
{
	return xasprintf("%s(task: task_struct, tw: TaskWork (works[k] of an Array[TaskWork] or Hash[K, TaskWork]), "
			 "callback: def (key: int) -> None) -> int  raises OSError", name);
}

/* pybpf api's "reached:" line for a task work kfunc, or NULL */
const char *task_work_api_reached(const char *name)
{
	return task_work_kfunc(name) ? xasprintf("%.*s(task, works[k], f) calls it, as libbpf's macro does (the map is "
						 "the work's own; the verifier fills in aux__prog), from a sleepable probe only: "
						 "@uprobe(..., sleepable=True), @uretprobe(..., sleepable=True), @begin, @end",
						 (int)strlen(name) - 5, name)
				     : NULL;
}

/* bpf_task_work_schedule_signal(task, works[k], f), bpf_task_work_schedule_resume(...) */
Type *check_task_work_call(Checker *c, Node *e)
{
	const char *name = e->lhs->name, *pyname = xasprintf("%s()", name), *kname = xasprintf("%s_impl", name);
	KBtf *k = need_btf(c, e->lhs);
	int fid, tid;
	Node *task;
	MapDecl *m;

	if (task_work_kfunc(name))
		error_at(node_loc(e->lhs), "schedule a task work with %.*s(task, works[k], function), libbpf's macro over %s "
			 "(the map is the work's own, and the verifier fills in aux__prog)", (int)strlen(name) - 5, name, name);
	if ((fid = kbtf_find(k, kname, BTF_KIND_FUNC)) <= 0)
		error_at(node_loc(e->lhs), "this kernel has no task work (no kfunc %s)", kname);
	if (e->vals.len || e->elts.len != 3)
		error_at(node_loc(e), "%s takes 3 arguments: %s(task, works[k], function)", pyname, name);
	need_sleepable(e->lhs, c->probe, pyname);
	task = VEC_AT(e->elts, 0);
	tid = kbtf_find_struct(k, "task_struct");
	check_kptr_arg(c, task, check_expr(c, task), tid, xasprintf("argument 'task' of %s", pyname), "struct task_struct *");
	m = timer_arg(c, VEC_AT(e->elts, 1), pyname, async_obj(&ty_task_work, NULL));
	e->raise = new_raise(c, e, "OSError");   /* the errno rule: -EBUSY while pending, ... */
	timer_callback(c, e, VEC_AT(e->elts, 2), pyname, "a task work", "the task's own context");
	new_raise(c, e, "OverflowError");        /* e->raise + 1: in the callback, a u64 key above 2**63-1 */
	kfunc_prog_use(c, e->lhs, kname);
	use_kfunc(c, kname, fid);
	/* the callback's struct bpf_map * declared whole: libbpf matches the extern's prototype with the
	 * kernel's, and a forward-declared struct is not the kernel's struct to it */
	kemit_use_whole(c->prog->kemit, kbtf_find_struct(k, "bpf_map"));
	e->sym = scope_find(&c->module, m->name);
	e->cval = fid;
	e->op = 'W';
	return ty_int;
}
