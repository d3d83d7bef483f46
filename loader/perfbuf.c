/* perfbuf.c — PerfBuf and PerfCounters maps at run time (pyc/check_perf.c).
 *
 * A PerfBuf (BPF_MAP_TYPE_PERF_EVENT_ARRAY written by
 * bpf.perf_event_output) is read with a libbpf perf_buffer: one buffer per
 * CPU, woken by epoll. The loader's poll waits on one epoll set holding the
 * ring buffer's epoll fd and each perf buffer's, then drains them all, so
 * exit and --timeout work as with ring buffers only. A record is printed by
 * the same function as a RingBuf record of the same Struct; records the
 * kernel could not write (a full CPU buffer: the lost callback) are counted
 * and shown at exit.
 *
 * A PerfCounters (the same map type, read by bpf.perf_event_read) holds
 * for each possible CPU a counting perf event opened here on that CPU; the
 * events are closed at exit.
 */
#include "perfbuf.h"
#include "output.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PERF_PAGES 64   /* pages per CPU of a PerfBuf's buffer (a power of 2) */

typedef struct PerfReader {
	MapDecl *m;
	struct perf_buffer *pb;
	uint64_t lost;
	PerfBufs *all;
} PerfReader;

struct PerfBufs {
	Vec readers;   /* PerfReader* */
	Vec fds;       /* the PerfCounters' perf events, (void *)(intptr_t)fd */
	int (*on_event)(void *, void *, size_t);
	int epfd;      /* the ring buffer's and the perf buffers' epoll fds, or -1 until the first poll */
	int got;       /* records handled by the current poll */
};

static void on_sample(void *ctx, int cpu, void *data, __u32 size)
{
	PerfReader *r = ctx;
	(void)cpu;
	r->all->got++;
	r->all->on_event(r->m, data, size);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)cpu;
	((PerfReader *)ctx)->lost += n;
}

static Loc loc_of(Node *n)
{
	return n->loc.file ? n->loc : n->tok->loc;
}

static int open_reader(PerfBufs *p, struct bpf_object *obj, MapDecl *m)
{
	PerfReader *r = xcalloc(1, sizeof(*r));
	r->m = m;
	r->all = p;
	r->pb = perf_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, m->cname)), PERF_PAGES, on_sample, on_lost, r,
				 NULL);
	if (!r->pb) {
		fprintf(stderr, "pybpf: error: cannot read PerfBuf '%s': %s\n", m->name, strerror(errno));
		free(r);
		return -1;
	}
	vec_push(&p->readers, r);
	return 0;
}

/* Why event could not be opened, in terms of what to write instead */
static const char *open_hint(const PerfEvent *ev, int err)
{
	if (ev->type == PERF_TYPE_HARDWARE && (err == ENOENT || err == EOPNOTSUPP || err == ENODEV))
		return "this machine has no hardware counter for it (a virtual machine often has none): count a software "
		       "event instead, such as \"cpu-clock\", \"task-clock\", \"context-switches\" or \"page-faults\"";
	if (err == EACCES || err == EPERM)
		return "perf events need root (or CAP_PERFMON)";
	return NULL;
}

/* counters = PerfCounters("NAME"): the event opened on each possible CPU, its fd at the CPU's index */
static int open_counters(PerfBufs *p, struct bpf_object *obj, MapDecl *m)
{
	const PerfEvent *ev = perf_event_named(m->perf_event);
	int mfd = bpf_map__fd(bpf_object__find_map_by_name(obj, m->cname)), ncpu = libbpf_num_possible_cpus();
	Node *arg = VEC_AT(m->decl->value->elts, 0);
	for (int cpu = 0; cpu < ncpu; cpu++) {
		struct perf_event_attr a = {.type = ev->type, .config = ev->config, .size = sizeof(a)};
		int fd = syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC), err = errno;
		if (fd < 0 && err == ENODEV && ev->type == PERF_TYPE_SOFTWARE)
			continue;   /* a possible CPU that is not online */
		if (fd < 0) {
			error_begin(loc_of(arg), "cannot open the perf event '%s' of PerfCounters '%s' on CPU %d: %s", ev->name,
				    m->name, cpu, strerror(err));
			if (open_hint(ev, err))
				fprintf(stderr, "note: %s\n", open_hint(ev, err));
			return -1;
		}
		vec_push(&p->fds, (void *)(intptr_t)fd);
		if (bpf_map_update_elem(mfd, &cpu, &fd, BPF_ANY) < 0) {
			fprintf(stderr, "pybpf: error: cannot put the perf event of CPU %d into PerfCounters '%s': %s\n", cpu,
				m->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

PerfBufs *perf_open(struct bpf_object *obj, Prog *prog, const char *pin, int (*on_event)(void *, void *, size_t))
{
	PerfBufs *p = xcalloc(1, sizeof(*p));
	p->on_event = on_event;
	p->epfd = -1;
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		MapKind k = m->type->map_kind;
		int err = 0;
		if (k != MAP_PERF_BUF && k != MAP_PERF_COUNTERS)
			continue;
		if (pin) {
			fprintf(stderr, "pybpf: error: '%s' is a %s: its %s belong to the loading process, so pinned (--pin, "
				"--watch) programs cannot have one yet\n", m->name, map_kind_names[k],
				k == MAP_PERF_BUF ? "buffers" : "perf events");
			err = -1;
		} else
			err = k == MAP_PERF_BUF ? open_reader(p, obj, m) : open_counters(p, obj, m);
		if (err < 0) {
			perf_free(p);
			return NULL;
		}
	}
	return p;
}

/* The epoll set of the ring buffer and the perf buffers */
static int epoll_set(PerfBufs *p, struct ring_buffer *rb)
{
	struct epoll_event ev = {.events = EPOLLIN};
	if (p->epfd >= 0)
		return 0;
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0 || epoll_ctl(p->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(rb), &ev) < 0)
		return -errno;
	for (int i = 0; i < p->readers.len; i++)
		if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, perf_buffer__epoll_fd(((PerfReader *)VEC_AT(p->readers, i))->pb), &ev) < 0)
			return -errno;
	return 0;
}

int perf_poll(PerfBufs *p, struct ring_buffer *rb, int timeout_ms)
{
	struct epoll_event ev;
	int n, err;
	if (!p->readers.len)
		return ring_buffer__poll(rb, timeout_ms);
	if ((err = epoll_set(p, rb)) < 0)
		return err;
	if (epoll_wait(p->epfd, &ev, 1, timeout_ms) < 0)
		return -errno;
	n = ring_buffer__consume(rb);
	if (n < 0)
		return n;
	p->got = 0;
	perf_consume(p);
	return n + p->got;
}

void perf_consume(PerfBufs *p)
{
	for (int i = 0; p && i < p->readers.len; i++)
		perf_buffer__consume(((PerfReader *)VEC_AT(p->readers, i))->pb);
}

void perf_report_lost(PerfBufs *p)
{
	for (int i = 0; p && i < p->readers.len; i++) {
		PerfReader *r = VEC_AT(p->readers, i);
		if (r->lost)
			out_lost_in(r->m->name, r->lost);
	}
}

void perf_free(PerfBufs *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->readers.len; i++) {
		perf_buffer__free(((PerfReader *)VEC_AT(p->readers, i))->pb);
		free(VEC_AT(p->readers, i));
	}
	for (int i = 0; i < p->fds.len; i++)
		close((int)(intptr_t)VEC_AT(p->fds, i));
	if (p->epfd >= 0)
		close(p->epfd);
	free(p->readers.data);
	free(p->fds.data);
	free(p);
}
