/* scx.c — a sched_ext scheduler while pybpf load runs it (scx.h).
 *
 * Registering the ops struct (load.c) enables the scheduler: every task of
 * the fair class moves to it. The kernel can end it on its own -- its
 * watchdog when a runnable task waits too long, an error in what the
 * scheduler did, scx_bpf_exit(), sysrq-S -- and then calls its exit,
 * which records the kernel's exit info in __pyb_scx_exit
 * (pyc/emit_sched.c); sched_poll sees the record, and pybpf load ends
 * with the reason in Python's terms. The counts per callback are the
 * kernel's own (bpf_prog_info.run_cnt, with BPF run-time statistics
 * enabled while the scheduler runs).
 */
#include "scx.h"
#include "support.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SCX_DIR "/sys/kernel/sched_ext"

/* pyc/emit_sched.c's struct __pyb_scx_exit_rec */
struct exit_rec {
	int64_t kind;
	int64_t exit_code;
	char reason[128];
	char msg[1024];
};

struct SchedRun {
	struct bpf_object *obj;
	StructOps *so;
	int exit_fd, stats_fd;
	bool seen;            /* the exit record was read */
	bool ended;           /* the kernel ended it */
	struct exit_rec rec;
	Vec counts;           /* "name N" per callback, from sched_counts */
};

static const char *read_sysfs(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

const char *sched_state(void)
{
	return read_sysfs(SCX_DIR "/state");
}

const char *sched_ops_name(void)
{
	return read_sysfs(SCX_DIR "/root/ops");
}

SchedRun *sched_open(struct bpf_object *obj, Prog *prog)
{
	StructOps *so = prog_sched_ops(prog);   /* pyc/emit_sched.c */
	struct bpf_map *m;
	SchedRun *r;
	if (!so)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->obj = obj;
	r->so = so;
	m = bpf_object__find_map_by_name(obj, "__pyb_scx_exit");
	r->exit_fd = m ? bpf_map__fd(m) : -1;
	/* before it is registered: enabling it calls enqueue for every runnable task at once */
	r->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);   /* held while it runs; -1: no counts */
	return r;
}

void sched_started(SchedRun *r)
{
	char state[64];
	if (!r)
		return;
	snprintf(state, sizeof(state), "%s", sched_state());
	fprintf(stderr, "sched_ext: '%s' registered; %s/state: %s, root/ops: %s\n", r->so->name, SCX_DIR, state,
		sched_ops_name());
}

/* what each kind of exit means for the Python program */
static const struct {
	int64_t kind;
	const char *name, *why;
} kinds[] = {
	{1, "SCX_EXIT_DONE", "it ended normally"},
	{64, "SCX_EXIT_UNREG", "it was unregistered from user space"},
	{65, "SCX_EXIT_UNREG_BPF", "the scheduler asked to end (scx_bpf_exit)"},
	{66, "SCX_EXIT_UNREG_KERN", "the kernel unregistered it"},
	{67, "SCX_EXIT_SYSRQ", "sysrq-S switched the machine back to the kernel's scheduler"},
	{1024, "SCX_EXIT_ERROR", "the kernel found an error in what a callback did (the message says which)"},
	{1025, "SCX_EXIT_ERROR_BPF", "a callback called scx_bpf_error()"},
	{1026, "SCX_EXIT_ERROR_STALL", "the kernel's watchdog found a runnable task that had waited longer than "
				       "timeout_ms: every task enqueue() is given must reach a CPU, through a "
				       "dispatch queue that dispatch() consumes or a direct dispatch"},
};

static void report_exit(SchedRun *r)
{
	const char *name = "?", *why = "";
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == r->rec.kind)
			name = kinds[i].name, why = kinds[i].why;
	fprintf(stderr, "sched_ext: the kernel ended '%s': %s (%s, exit code %lld)%s%s\n", r->so->name,
		r->rec.reason[0] ? r->rec.reason : "no reason given", name, (long long)r->rec.exit_code,
		why[0] ? ": " : "", why);
	if (r->rec.msg[0])
		fprintf(stderr, "sched_ext: the kernel's message: %s\n", r->rec.msg);
	fprintf(stderr, "sched_ext: %s/state: %s; the kernel's own scheduler runs every task again\n", SCX_DIR,
		sched_state());
}

static bool read_exit(SchedRun *r)
{
	uint32_t zero = 0;
	if (r->exit_fd < 0 || bpf_map_lookup_elem(r->exit_fd, &zero, &r->rec) < 0)
		return false;
	return r->rec.kind != 0;
}

bool sched_poll(SchedRun *r)
{
	if (!r || r->seen)
		return r && r->ended;
	if (!read_exit(r))
		return false;
	r->seen = true;
	if (r->rec.kind == 64) {   /* SCX_EXIT_UNREG: by user space, a pybpf reload or unload of the pinned instance */
		fprintf(stderr, "sched_ext: '%s' was unregistered from user space (pybpf reload or unload)\n", r->so->name);
		return false;
	}
	r->ended = true;
	report_exit(r);
	return true;
}

int sched_status(SchedRun *r)
{
	return r && r->ended && r->rec.kind >= 1024 ? 1 : 0;
}

static uint64_t run_count(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_name);
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	if (!p || bpf_prog_get_info_by_fd(bpf_program__fd(p), &info, &len) < 0)
		return 0;
	return info.run_cnt;
}

void sched_counts(SchedRun *r)
{
	if (!r || r->stats_fd < 0)
		return;
	for (int i = 0; i < r->so->methods.len; i++) {
		Probe *p = VEC_AT(r->so->methods, i);
		vec_push(&r->counts, xasprintf("%s %llu", p->member, (unsigned long long)run_count(r->obj, p->cname)));
	}
}

void sched_end(SchedRun *r, const char *pin)
{
	if (!r)
		return;
	if (r->counts.len) {
		fprintf(stderr, "sched_ext: callbacks of '%s':", r->so->name);
		for (int i = 0; i < r->counts.len; i++)
			fprintf(stderr, "%s %s", i ? "," : "", (const char *)VEC_AT(r->counts, i));
		fputc('\n', stderr);
	}
	if (pin)
		fprintf(stderr, "sched_ext: '%s' stays registered, pinned as '%s' (pybpf unload %s ends it); %s/state: %s\n",
			r->so->name, pin, pin, SCX_DIR, sched_state());
	else if (!r->ended)
		fprintf(stderr, "sched_ext: '%s' unregistered; %s/state: %s\n", r->so->name, SCX_DIR, sched_state());
}

void sched_free(SchedRun *r)
{
	if (!r)
		return;
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	for (int i = 0; i < r->counts.len; i++)
		free(VEC_AT(r->counts, i));
	free(r->counts.data);
	free(r);
}
