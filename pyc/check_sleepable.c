/*
 * Sleepable probes: @uprobe("libc:getppid", sleepable=True) and
 * @uretprobe(..., sleepable=True) compile to libbpf's SEC("uprobe.s/...")
 * and SEC("uretprobe.s/..."), @lsm("file_open", sleepable=True) to
 * SEC("lsm.s/file_open") (the kernel allows its sleepable hooks only, at
 * load): the kernel runs them where they may sleep,
 * so they may call the helpers that fault user pages in
 * (bpf.copy_from_user), which bpf.probe_read_user cannot.
 *
 * Measured on Linux 6.18 with real loads: a sleepable BPF kprobe program
 * loads, but the kernel attaches it only to a uprobe (a kprobe attach is
 * refused with EINVAL), and tracepoint, raw_tracepoint and perf_event
 * programs cannot be sleepable at all ("Only fentry/fexit/fmod_ret, lsm,
 * iter, uprobe, and struct_ops programs can be sleepable"). In a sleepable
 * program the verifier allows only hash, array, ring buffer and local
 * storage maps (need_nonsleepable, check_method.c).
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

static const char *const sleepable_kinds[] = {"uprobe", "uretprobe", "lsm", NULL};

/* Why a probe of this kind cannot be sleepable */
static const char *why_not_sleepable(const char *kind)
{
	if (!strcmp(kind, "kprobe") || !strcmp(kind, "kretprobe") || !strcmp(kind, "usdt"))
		return "the kernel attaches a sleepable kprobe program only to a uprobe, and pybpf's @usdt "
		       "is not sleepable yet";
	if (!strcmp(kind, "begin") || !strcmp(kind, "end"))
		return "it already runs as a sleepable (BPF syscall) program";
	if (!strcmp(kind, "fentry") || !strcmp(kind, "fexit") || !strcmp(kind, "iter"))
		return "pybpf does not make them sleepable yet";
	return "the kernel runs them where sleeping is not allowed (only fentry/fexit, lsm, iter, uprobe and "
	       "struct_ops programs can be sleepable)";
}

/* sleepable=True among the decorator's keywords: take it out of d->vals
 * (the kind's own parsing sees the rest) and set p->sleepable. */
void take_sleepable(Checker *c, Probe *p, Node *d)
{
	if (d->kind != ND_CALL)
		return;
	for (int i = 0; i < d->vals.len; i++) {
		Node *kw = VEC_AT(d->vals, i);
		if (!kw->name || strcmp(kw->name, "sleepable"))
			continue;
		if (kw->lhs->kind != ND_TRUE && kw->lhs->kind != ND_FALSE)
			error_at(node_loc(kw->lhs), "sleepable takes True or False");
		p->sleepable = kw->lhs->kind == ND_TRUE;
		if (p->sleepable) {
			bool ok = false;
			for (int k = 0; sleepable_kinds[k]; k++)
				ok |= !strcmp(sleepable_kinds[k], p->kind);
			if (!ok)
				error_at(node_loc(kw), "a @%s probe cannot be sleepable: %s; sleepable probes are "
					 "@uprobe(..., sleepable=True), @uretprobe(..., sleepable=True) and @lsm(..., sleepable=True)", p->kind,
					 why_not_sleepable(p->kind));
		}
		for (int j = i + 1; j < d->vals.len; j++)
			d->vals.data[j - 1] = d->vals.data[j];
		d->vals.len--;
		return;
	}
	(void)c;
}

/* "uprobe/libc.so.6:getppid" -> "uprobe.s/libc.so.6:getppid" */
void sleepable_sec(Probe *p)
{
	const char *slash = strchr(p->sec, '/');
	if (p->sleepable && slash)
		p->sec = xasprintf("%.*s.s%s", (int)(slash - p->sec), p->sec, slash);
}

/* The probe kinds that may call a helper that may sleep, for messages and `pybpf api` */
const char *sleepable_probes_line(void)
{
	return "@uprobe(sleepable=True), @uretprobe(sleepable=True), @lsm(sleepable=True)";
}

/* The sleepable probes that are BPF kprobe programs (asked as kprobe.s) */
const char *sleepable_uprobes_line(void)
{
	return "@uprobe(sleepable=True), @uretprobe(sleepable=True)";
}

/* A helper that may sleep (PYB_HF_SLEEPABLE): a sleepable probe may call
 * it (true: nothing more to check); any other probe kind but @begin/@end
 * (sleepable BPF syscall programs, which helper_allowed decides) is refused
 * here, naming the kind. false: not such a helper, helper_allowed decides. */
bool sleepable_helper(Probe *p, const char *helper, Node *at, Node *via)
{
	const struct pyb_helper *h = pyb_helper_find(helper);
	if (!h || !helper_sleeps(h))
		return false;
	if (p->sleepable)
		return true;
	if (!strcmp(p->kind, "begin") || !strcmp(p->kind, "end"))
		return false;
	if (!strcmp(p->kind, "uprobe") || !strcmp(p->kind, "uretprobe") || !strcmp(p->kind, "lsm"))
		error_begin(at->loc.file ? at->loc : at->tok->loc,
			    "bpf.%s() may sleep (it faults user pages in), so only a sleepable probe may call it, and this "
			    "@%s probe is not; make it @%s(\"%s\", sleepable=True)", helper + 4, p->kind, p->kind, p->target);
	else
		error_begin(at->loc.file ? at->loc : at->tok->loc,
			    "bpf.%s() may sleep (it faults user pages in), so only a sleepable probe may call it, and a @%s "
			    "probe cannot be sleepable (%s); it may be called from %s", helper + 4, p->kind,
			    why_not_sleepable(p->kind), sleepable_probes_line());
	if (via)
		note_at(via->loc.file ? via->loc : via->tok->loc, "the @%s probe calls it through this call", p->kind);
	diag_exit();
}
