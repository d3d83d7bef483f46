/* load.c — pybpf load: compile, load, attach, stream print() records, and
 * show maps and counters at exit.
 *
 * Nothing is left behind: every kernel object belongs to the bpf_object and
 * its links, and one cleanup path destroys them whether the run ends with
 * Ctrl-C, SIGTERM, --duration, or an error. Unpinned links die with the
 * process even on SIGKILL (their file descriptors close).
 */
#include "loader.h"
#include "support.h"
#include "output.h"
#include "probes.h"
#include "symbols.h"
#include "pin.h"
#include "prepare.h"
#include "explain.h"
#include "wallclock.h"
#include "perfbuf.h"
#include "userrb.h"
#include "net.h"
#include "metrics.h"
#include "mapread.h"
#include "session.h"
#include "scx.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/perf_event.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static const char *current_pin;   /* a pinned instance: its pins are what is current */
static bool timestamps;            /* --timestamps: each print line starts with the time */
static bool at_line_start = true;  /* the last print ended its line */

/* ---- tracepoints ----------------------------------------------------------- */

/* Is tracepoint cat/name there? If not: an error at the decorator naming
 * the nearest tracepoints. */
static void check_tracepoint(Probe *p)
{
	const char *tfs = sys_tracefs();
	char *path = xasprintf("%s/events/%s/id", tfs, p->target);
	const char *slash = strchr(p->target, '/');
	char *cat = xstrndup(p->target, slash - p->target);
	char *dir;
	DIR *d;
	struct dirent *de;
	const char *best[3] = {0};
	int bestd[3] = {INT_MAX, INT_MAX, INT_MAX};
	bool cat_exists;

	if (access(path, F_OK) == 0)
		return;
	dir = xasprintf("%s/events/%s", tfs, cat);
	cat_exists = access(dir, F_OK) == 0;
	if (!cat_exists)
		dir = xasprintf("%s/events", tfs);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		const char *nm = de->d_name;
		int dist;
		if (nm[0] == '.' || !strcmp(nm, "enable") || !strcmp(nm, "filter") || !strcmp(nm, "header_page") ||
		    !strcmp(nm, "header_event"))
			continue;
		dist = edit_distance(cat_exists ? slash + 1 : cat, nm);
		for (int i = 0; i < 3; i++)
			if (dist < bestd[i] || (dist == bestd[i] && best[i] && strcmp(nm, best[i]) < 0)) {
				for (int j = 2; j > i; j--)
					best[j] = best[j - 1], bestd[j] = bestd[j - 1];
				best[i] = xstrdup(nm);
				bestd[i] = dist;
				break;
			}
	}
	if (d)
		closedir(d);
	if (!cat_exists)
		error_begin(p->target_loc, "no tracepoint category '%s' on this kernel (%s/events/%s does not exist)", cat,
			    tfs, cat);
	else
		error_begin(p->target_loc, "no tracepoint '%s' on this kernel", p->target);
	if (best[0]) {
		Str s = {0};
		for (int i = 0; i < 3 && best[i]; i++)
			str_printf(&s, "%s'%s%s%s'", i ? ", " : "", cat_exists ? cat : "", cat_exists ? "/" : "", best[i]);
		fprintf(stderr, "note: the nearest %s: %s; 'pybpf probes' lists them all\n",
			cat_exists ? "tracepoints" : "categories", s.buf);
	}
	diag_exit();
}

/* ---- print records ------------------------------------------------------------- */

/* {a:ip}: 4 bytes as a dotted quad, 16 as an IPv6 address, the text of
 * inet_ntop(3) (what the CPython shim's socket.inet_ntop gives: RFC 5952
 * zero compression, IPv4-mapped and -compatible addresses end dotted). */
static void format_ip(Str *o, const void *addr, int n)
{
	char b[INET6_ADDRSTRLEN];
	if (!inet_ntop(n == 16 ? AF_INET6 : AF_INET, addr, b, sizeof b))
		str_puts(o, "<ip: format error>");
	else
		str_puts(o, b);
}

static void format_value(Str *o, PrintSeg *s, const char *rec)
{
	int64_t v;
	Str tmp = {0};
	const char *txt;
	size_t len;

	if (s->type->kind == TY_BYTES && s->spec && !strcmp(s->spec, "ip")) {   /* the checker saw the 4 or 16 bytes */
		format_ip(o, rec + s->offset, s->type->size);
		return;
	}
	if (s->type->kind == TY_BYTES) {   /* print(b) shows repr(b), as Python does */
		fmt_repr_bytes(&tmp, (const unsigned char *)rec + s->offset, s->type->size);
		if (s->spec)
			fmt_str(o, tmp.buf, tmp.len, s->spec);
		else
			str_add(o, tmp.buf, tmp.len);
		free(tmp.buf);
		return;
	}
	if (s->type->kind == TY_STR) {
		txt = rec + s->offset;
		len = strnlen(txt, s->type->size);
		if (s->conv == 'r') {
			fmt_repr_str(&tmp, txt, len);
			txt = tmp.buf, len = tmp.len;
		}
		if (s->spec)
			fmt_str(o, txt, len, s->spec);
		else
			str_add(o, txt, len);
		free(tmp.buf);
		return;
	}
	memcpy(&v, rec + s->offset, 8);
	if (s->type->kind == TY_BOOL && (!s->spec || s->conv)) {
		txt = v ? "True" : "False";
		if (s->spec)
			fmt_str(o, txt, strlen(txt), s->spec);
		else
			str_puts(o, txt);
		return;
	}
	if (s->conv) {       /* str(int) / repr(int), then the spec applies to that string */
		fmt_int(&tmp, (uint64_t)v, false, NULL);
		if (s->spec)
			fmt_str(o, tmp.buf, tmp.len, s->spec);
		else
			str_add(o, tmp.buf, tmp.len);
		free(tmp.buf);
		return;
	}
	if (s->spec && !strcmp(s->spec, "ip")) {   /* {a.sin_addr.s_addr:ip}: an IPv4 address as read (network order) */
		uint32_t a = (uint32_t)v;   /* the low 32 bits, in memory order on little-endian x86_64 */
		format_ip(o, &a, 4);
		return;
	}
	if (s->spec && fmt_is_strftime(s->spec)) {   /* {t:%H:%M:%S}: t is ns since the epoch (wallclock_ns()) */
		char b[256];
		format_wallclock(b, sizeof b, s->spec, v);
		str_puts(o, b);
		return;
	}
	if (fmt_int(o, (uint64_t)v, false, s->spec) < 0)
		str_printf(o, "<%s: format error>", "int");
}

static void dump_map(struct bpf_object *obj, MapDecl *m);
static void clear_map(struct bpf_object *obj, MapDecl *m);

static Prog *run_version_prog(Run *r, uint64_t version)
{
	if (version >= (uint64_t)r->versions.len)
		return NULL;
	return VEC_AT(r->versions, version);
}

/* print() text not written yet goes out before anything else is shown */
static void flush_pending(Run *r)
{
	if (!r->out.len)
		return;
	if (r->sink.text)
		r->sink.text(r->sink.ctx, r->out.buf, r->out.len);
	else
		fwrite(r->out.buf, 1, r->out.len, stdout);
	r->out.len = 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	Run *r = ctx;
	uint64_t id;
	uint32_t site, probe;
	PrintSite *p;
	size_t start = r->out.len;

	if (size < 8)
		return 0;
	memcpy(&id, data, 8);
	site = (uint32_t)id;
	probe = (uint32_t)(id >> 32) & 0xffff;
	if (current_pin && (id >> 48) && !run_version_prog(r, id >> 48)) {
		/* a version this process has not seen yet (just reloaded): read its source now */
		char *vp = xasprintf("/run/pybpf/%s/v%d.py", current_pin, (int)(id >> 48));
		if (access(vp, R_OK) == 0) {
			while (r->versions.len <= (int)(id >> 48))
				vec_push(&r->versions, NULL);
			r->versions.data[id >> 48] = compile_file(vp);
		}
	}
	if (run_version_prog(r, id >> 48))   /* a pinned program reloaded: that version's formats */
		r->prog = run_version_prog(r, id >> 48);
	if (probe == 0xffff && (site >> 1) < (uint32_t)r->prog->maps.len) {
		/* show(m) or m.clear(), asked for by a probe */
		MapDecl *m = VEC_AT(r->prog->maps, site >> 1);
		flush_pending(r);
		if (site & 1)
			clear_map(r->obj, m);
		else
			dump_map(r->obj, m);
		return 0;
	}
	if (site >= (uint32_t)r->prog->prints.len || probe >= (uint32_t)r->prog->probes.len)
		return 0;
	p = VEC_AT(r->prog->prints, site);
	if ((size_t)p->size > size)
		return 0;
	if (timestamps && at_line_start)
		timestamp_prefix(&r->out);
	for (int i = 0; i < p->segs.len; i++) {
		PrintSeg *s = VEC_AT(p->segs, i);
		if (s->is_arg)
			format_value(&r->out, s, data);
		else
			str_add(&r->out, s->text, s->text_len);
	}
	r->records++;
	if (r->out.len > start)
		at_line_start = r->out.buf[r->out.len - 1] == '\n';
	if (out_format() == OUT_JSON) {
		out_print(((Probe *)VEC_AT(r->prog->probes, probe))->name, r->out.buf + start, r->out.len - start);
		r->out.len = start;
	}
	return 0;
}

/* Empty map m (mapread.c). */
static void clear_map(struct bpf_object *obj, MapDecl *m)
{
	map_clear(bpf_map__fd(bpf_object__find_map_by_name(obj, m->cname)), m);
}

/* A Struct record from one of the program's RingBuf maps. The text of
 * print() records waiting in the run's buffer goes out first, so the order
 * of the two kinds of records is kept (they come from different buffers,
 * so only each buffer's own order is guaranteed). */
static Run *event_run;
static int on_event(void *ctx, void *data, size_t size)
{
	MapDecl *m = ctx;
	if (size < (size_t)ty_size(m->type->val))
		return 0;
	if (event_run)
		flush_pending(event_run);
	if (event_run && event_run->sink.event)
		event_run->sink.event(event_run->sink.ctx, m, data);
	else
		out_event(m, data);
	return 0;
}

static void flush_out(Run *r)
{
	if (r->out.len) {
		flush_pending(r);
		fflush(stdout);
	}
}

/* pybpf test-run: a run's print() records go out before its verdict */
typedef struct Drain {
	struct ring_buffer *rb;
	Run *run;
} Drain;

static void drain_prints(void *arg)
{
	Drain *d = arg;
	ring_buffer__consume(d->rb);
	flush_out(d->run);
}

/* ---- maps at exit ----------------------------------------------------------------- */

/* Read every entry of map m and show it (output.c). */
static void dump_map(struct bpf_object *obj, MapDecl *m)
{
	struct bpf_map *bm = bpf_object__find_map_by_name(obj, m->cname);
	int pfd = current_pin ? pin_get(current_pin, xasprintf("map_%s", m->cname)) : -1;
	int fd = pfd >= 0 ? pfd : bm ? bpf_map__fd(bm) : -1;   /* a reloaded instance's map may be newer than obj's */
	MapKind k = m->type->map_kind;
	MapRows rows;

	if (k == MAP_SORTEDLIST) {
		/* user space cannot walk a BPF red-black tree: show its length */
		int64_t len = 0;
		if (read_global(obj, xasprintf(".data.sl_%s", m->cname), xasprintf("__pyb_sl_len_%s", m->cname), 0, &len,
				sizeof(len)) == 0)
			out_global(xasprintf("len(%s)", m->name), ty_int, (unsigned char *)&len);
		return;
	}
	if (fd < 0)
		return;
	if (k == MAP_QUEUE || k == MAP_STACK) {
		map_pop_all(fd, m, &rows);
		out_list(m, rows.vals, rows.n);
	} else if (!map_walkable(m) || map_read_rows(fd, m, &rows) < 0) {
		return;   /* a bloom filter's bits cannot be listed, nor a task's or cgroup's storage (no keys to walk);
			    * a timer, a program or a perf event (PerfBuf, PerfCounters) has no value to show */
	} else if (m->unkeyed) {
		/* an unused aggregation (all zero) shows nothing, like an empty map */
		bool used = false;
		for (int i = 0; rows.n && i < ty_size(m->type->val); i++)
			used |= rows.vals[0][i] != 0;
		if (used)
			out_agg(m->name, m->type->val, rows.vals[0]);
	} else {
		out_map(m, rows.keys, rows.vals, rows.n);
	}
	map_rows_free(&rows);
}

/* ---- stacks ------------------------------------------------------------------------ */

static int stacks_fd = -1;

/* The frames of a KStack/UStack value, symbolized (output.c prints them). */
static int stack_frames(uint64_t v, bool user, const char ***frames)
{
	int32_t id = (int32_t)(uint32_t)v;
	int pid = (int)(v >> 32);
	uint64_t ips[127] = {0};
	const char **f = xcalloc(128, sizeof(*f));
	int n = 0;

	*frames = f;
	if (id < 0) {
		f[0] = xasprintf("[stack unavailable: %s]", id == -EEXIST ? "another stack had the same hash (the stack map "
					"keeps the first)" : strerror(-id));
		return 1;
	}
	if (stacks_fd < 0 || bpf_map_lookup_elem(stacks_fd, &id, ips)) {
		f[0] = xasprintf("[stack %d is no longer in the stack map]", id);
		return 1;
	}
	for (int i = 0; i < 127 && ips[i]; i++) {
		const char *s = user ? sym_user(pid, ips[i]) : sym_kernel(ips[i]);
		f[n++] = s ? s : xasprintf("0x%llx", (unsigned long long)ips[i]);
	}
	return n;
}

/* User stacks are symbolized at exit, when their processes may be gone:
 * note each process's mappings while it runs. Maps with a UStack in the
 * key are scanned for new pids at every poll. */
static bool has_ustack(Type *t)
{
	if (t->kind == TY_STACK)
		return t->user;
	if (t->kind == TY_TUPLE)
		for (int i = 0; i < t->elems.len; i++)
			if (has_ustack(VEC_AT(t->elems, i)))
				return true;
	return false;
}

static void prefetch_ustacks(struct bpf_object *obj, Prog *prog)
{
	static Vec seen;
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		Type *kt = m->type->key;
		struct bpf_map *bm;
		unsigned char key[512], next[512];
		void *prev = NULL;
		int fd;
		if (m->type->map_kind >= MAP_ARRAY || !has_ustack(kt) || ty_size(kt) > (int)sizeof(key))
			continue;
		bm = bpf_object__find_map_by_name(obj, m->cname);
		fd = bpf_map__fd(bm);
		while (bpf_map_get_next_key(fd, prev, next) == 0) {
			memcpy(key, next, ty_size(kt));
			prev = key;
			for (int e = 0; e < (kt->kind == TY_TUPLE ? kt->elems.len : 1); e++) {
				Type *et = kt->kind == TY_TUPLE ? VEC_AT(kt->elems, e) : kt;
				uint64_t v;
				intptr_t pid;
				bool known = false;
				if (et->kind != TY_STACK || !et->user)
					continue;
				memcpy(&v, key + (kt->kind == TY_TUPLE ? kt->offsets[e] : 0), 8);
				pid = (intptr_t)(v >> 32);
				for (int j = 0; j < seen.len && !known; j++)
					known = (intptr_t)VEC_AT(seen, j) == pid;
				if (!known) {
					sym_prefetch((int)pid);
					vec_push(&seen, (void *)pid);
				}
			}
		}
	}
}

/* ---- counters: lost records and uncaught exceptions ------------------------------ */

static int counters_fd(struct bpf_object *obj)
{
	if (current_pin) {
		static int fd = -1;
		if (fd >= 0)
			close(fd);
		fd = pin_get(current_pin, "counters");   /* the newest version's */
		if (fd >= 0)
			return fd;
	}
	return counters_map_fd(obj);
}

/* Module-level variables at exit (output.c shows them). */
static void print_globals(struct bpf_object *obj, Prog *prog)
{
	for (int i = 0; i < prog->globals.len; i++) {
		GlobalDecl *g = VEC_AT(prog->globals, i);
		unsigned char buf[8] = {0};
		if (read_global(obj, ".data", g->cname, 0, buf, ty_size(g->type)) == 0)
			out_global(g->name, g->type, buf);
	}
}

static int slot_cmp(const void *a, const void *b, void *arg)
{
	Prog *prog = arg;
	ExcSlot *x = VEC_AT(prog->exc_slots, *(const int *)a), *y = VEC_AT(prog->exc_slots, *(const int *)b);
	if (x->probe != y->probe)
		return x->probe < y->probe ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

/* Uncaught exceptions, per probe and raise site: while running, the
 * counts that grew since last time (seen[] is updated); at exit, all. */
static void report_exceptions(struct bpf_object *obj, Prog *prog, uint64_t *seen, bool final)
{
	/* one read of the whole array (slot k is [1 + k]; a lookup per probe and
	 * site took a minute to report a file of 40 probes); the emitter numbers
	 * each probe's slots in the order its code raises, the report goes by
	 * probe and site */
	int nslots = prog->exc_slots.len, ncounters;
	uint64_t *all;
	if (!nslots || !(all = read_counters(counters_fd(obj), &ncounters)))
		return;
	int *order = xcalloc(nslots, sizeof(int));
	for (int k = 0; k < nslots; k++)
		order[k] = k;
	qsort_r(order, nslots, sizeof(int), slot_cmp, prog);
	for (int j = 0; j < nslots; j++) {
		int k = order[j];
		ExcSlot *sl = VEC_AT(prog->exc_slots, k);
		RaiseSite *r = VEC_AT(prog->raises, sl->site);
		Probe *pr = VEC_AT(prog->probes, sl->probe);
		uint64_t n = 1 + k < ncounters ? counter_value(all, 1 + k) : 0;
		if (n == seen[k])
			continue;
		out_exception(r->loc.file->name, r->loc.line, r->exc, r->msg, pr->name, n, final);
		if (!final)
			seen[k] = n;
	}
	free(order);
	free(all);
}

/* ---- attaching ---------------------------------------------------------------------- */

static Loc node_loc_of(Node *n)
{
	return n->loc.file ? n->loc : n->tok->loc;
}

/* A perf event for @profile (every CPU, freq Hz) and @interval (CPU 0, period). */
static int open_perf_event(int cpu, bool freq, uint64_t v)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(a),
		.freq = freq,
	};
	if (freq)
		a.sample_freq = v;
	else
		a.sample_period = v;
	return syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Why an attach failed, in the terms of what the user wrote. */
static const char *attach_hint(Probe *p, int err)
{
	if ((!strcmp(p->kind, "kprobe") || !strcmp(p->kind, "kretprobe")) &&
	    access("/sys/bus/event_source/devices/kprobe", F_OK) != 0)
		return "this kernel has no kprobes (it was built without CONFIG_KPROBES); use @tracepoint or @tp_btf "
		       "where the event has one, or @fentry on kernels that allow it";
	if ((!strcmp(p->kind, "uprobe") || !strcmp(p->kind, "uretprobe")) && err == -ENOENT)
		return "the binary or the symbol does not exist; 'pybpf probes uprobe:BINARY:*' lists the symbols";
	if (!strcmp(p->kind, "usdt") && p->pid && (err == -ESRCH || err == -ENOENT))
		return "is the process running? pid= names a process that must exist when the probe attaches";
	if (!strcmp(p->kind, "tracepoint") && err == -ENOENT)
		return "this kernel has no such tracepoint; 'pybpf probes' lists them";
	return NULL;
}

static int attach_probe_links(struct bpf_object *obj, Probe *p, Vec *links);

/* Attach probe p; who gets p's name for each link (pinning names them). A
 * pinned program's probe is a dispatcher: its slot gets the body first, so
 * no event ever finds it empty. */
static int attach_probe(struct bpf_object *obj, Prog *prog, Probe *p, Vec *links, Vec *who)
{
	int n = links->len, r;
	if (p->tail_only)
		return 0;   /* a ProgArray's handler: runs only when tail-called (libbpf filled the array); __pyb_init
			     * (items=): run once by store_items */
	if (prog->dispatch && probe_dispatchable(p->kind)) {
		struct bpf_map *jmp = bpf_object__find_map_by_name(obj, xasprintf("__pyb_jmp_%s", p->cname));
		struct bpf_program *body = bpf_object__find_program_by_name(obj, xasprintf("%s__impl", p->cname));
		int key = 0, fd = body ? bpf_program__fd(body) : -1;
		if (!jmp || fd < 0 || bpf_map_update_elem(bpf_map__fd(jmp), &key, &fd, 0))
			ICE("dispatcher of %s: %s", p->cname, strerror(errno));
	}
	r = attach_probe_links(obj, p, links);
	while (who->len < links->len)
		vec_push(who, (void *)p->cname);
	(void)n;
	return r;
}

static int attach_probe_links(struct bpf_object *obj, Probe *p, Vec *links)
{
	struct bpf_program *bp = bpf_object__find_program_by_name(obj, p->cname);
	struct bpf_link *l;
	int err;
	if (!bp)
		ICE("program %s not in the object", p->cname);
	if (net_probe(p))
		return net_attach(bp, p, links);
	if (!strcmp(p->kind, "begin") || !strcmp(p->kind, "end") || !strcmp(p->kind, "struct_ops"))
		return 0;   /* run once / attached with their struct_ops map */
	if (!strcmp(p->kind, "profile") || !strcmp(p->kind, "interval")) {
		bool profile = !strcmp(p->kind, "profile");
		int ncpu = profile ? libbpf_num_possible_cpus() : 1;
		for (int cpu = 0; cpu < ncpu; cpu++) {
			int fd = open_perf_event(cpu, profile, profile ? (uint64_t)p->rate : (uint64_t)p->rate * 1000000);
			if (fd < 0) {
				if (errno == ENODEV)   /* a possible CPU that is not online */
					continue;
				error_begin(p->target_loc.file ? p->target_loc : p->def->tok->loc,
					    "cannot open a perf event for @%s on CPU %d: %s", p->kind, cpu, strerror(errno));
				return -1;
			}
			l = bpf_program__attach_perf_event(bp, fd);
			if (!l) {
				err = -errno;
				close(fd);
				error_begin(p->def->tok->loc, "cannot attach @%s: %s", p->kind, strerror(-err));
				return -1;
			}
			vec_push(links, l);
		}
		return 0;
	}
	if (p->wildcard) {
		/* one program, attached to every tracepoint the pattern matches */
		Vec names = {0};
		const char *nearest = NULL;
		int n = probes_match("tracepoint", p->target, &names, &nearest);
		if (n <= 0) {
			error_begin(p->target_loc, "no tracepoint matches '%s'", p->target);
			if (n < 0)
				fprintf(stderr, "note: %s\n", probes_error());
			else if (nearest && *nearest)
				fprintf(stderr, "note: the nearest tracepoints: %s\n", nearest);
			return -1;
		}
		for (int i = 0; i < names.len; i++) {
			char *cat = xstrdup(VEC_AT(names, i)), *name = strchr(cat, '/');
			*name++ = 0;
			l = bpf_program__attach_tracepoint(bp, cat, name);
			if (!l) {
				err = -errno;
				error_begin(p->target_loc, "cannot attach probe '%s' to tracepoint %s/%s (matched by '%s'): %s", p->name,
					    cat, name, p->target, strerror(-err));
				return -1;
			}
			vec_push(links, l);
		}
		return 0;
	}
	if (!strcmp(p->kind, "usdt"))   /* libbpf: every site of the note, its semaphore, its arg specs */
		l = bpf_program__attach_usdt(bp, p->pid ? (pid_t)p->pid : -1, p->usdt_path, p->usdt_provider, p->usdt_name, NULL);
	else
		l = bpf_program__attach(bp);
	if (!l) {
		const char *hint;
		err = -errno;
		error_begin(p->target_loc, "cannot attach probe '%s' to %s %s: %s", p->name, p->kind, p->target, strerror(-err));
		hint = attach_hint(p, err);
		if (hint)
			fprintf(stderr, "note: %s\n", hint);
		return -1;
	}
	vec_push(links, l);
	return 0;
}

/* Run the @begin or @end probes once (BPF_PROG_TEST_RUN of a syscall program). */
/* -v: how much work each program was for the verifier (the kernel's count
 * of the instructions it processed, as the log's "processed N insns"). */
static void show_verified_insns(struct bpf_object *obj)
{
	struct bpf_program *bp;
	bpf_object__for_each_program(bp, obj) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);
		if (bpf_program__fd(bp) < 0 || bpf_prog_get_info_by_fd(bpf_program__fd(bp), &info, &len) < 0)
			continue;
		fprintf(stderr, "pybpf: %s: the verifier processed %u instructions (%u in the program)\n",
			bpf_program__name(bp), info.verified_insns, (unsigned)bpf_program__insn_cnt(bp));
	}
}

/* The maps' first items (items={...}, pyc/check_map_items.c): the probe
 * that stores them runs once, before anything is attached */
static int store_items(struct bpf_object *obj, Prog *prog)
{
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		char frame[64] = {0};   /* an XDP test run wants an Ethernet header's worth */
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame), .repeat = 1);
		if (!is_init_probe(p))
			continue;
		/* never a dispatcher, pinned or not: it is never attached (tail_only) */
		if (bpf_prog_test_run_opts(bpf_program__fd(bpf_object__find_program_by_name(obj, p->cname)), &opts) < 0) {
			error_begin(p->def->tok->loc, "cannot store the maps' items=: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int run_once(struct bpf_object *obj, Prog *prog, const char *kind)
{
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		struct bpf_program *bp;
		LIBBPF_OPTS(bpf_test_run_opts, opts);
		if (strcmp(p->kind, kind))
			continue;
		bp = bpf_object__find_program_by_name(obj, p->cname);
		if (bpf_prog_test_run_opts(bpf_program__fd(bp), &opts) < 0) {
			error_begin(p->def->tok->loc, "cannot run @%s probe '%s': %s", kind, p->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Run each @iter probe over its objects once: reading the iterator's file
 * walks them, calling the program for each. What the program writes to
 * that file (bpf.seq_write, bpf.seq_printf) is copied to stdout as it is
 * read; its prints go through the ring buffer like any print, after it.
 * links[i] belongs to the probe named who[i]. */
static int run_iters(Prog *prog, Vec *links, Vec *who)
{
	for (int i = 0; i < links->len; i++) {
		Probe *p = NULL;
		char buf[4096];
		ssize_t n;
		int fd;
		for (int j = 0; j < prog->probes.len; j++)
			if (!strcmp(((Probe *)VEC_AT(prog->probes, j))->cname, VEC_AT(*who, i)))
				p = VEC_AT(prog->probes, j);
		if (!p || strcmp(p->kind, "iter"))
			continue;
		fd = bpf_iter_create(bpf_link__fd(VEC_AT(*links, i)));
		if (fd < 0) {
			error_begin(p->def->tok->loc, "cannot start @iter(\"%s\") probe '%s': %s", p->target, p->name, strerror(errno));
			return -1;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0)
				fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
		if (n < 0) {
			error_begin(p->def->tok->loc, "@iter(\"%s\") probe '%s' stopped: %s", p->target, p->name, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* ---- the run ---------------------------------------------------------------------- */

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	stop = 1;
}

/* Empty each ProgArray before the object closes: a handler tail-calling
 * through the array that holds it is a reference cycle that only emptying
 * it breaks (the kernel does it when the last user reference goes, but a
 * map lister's reference by id meanwhile was seen to leave it for good) */
static void clear_prog_arrays(struct bpf_object *obj, Prog *prog)
{
	for (int i = 0; obj && prog && i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		struct bpf_map *bm = m->type->map_kind == MAP_PROG_ARRAY ? bpf_object__find_map_by_name(obj, m->cname) : NULL;
		for (uint32_t k = 0; bm && bpf_map__fd(bm) >= 0 && k < m->max_entries; k++)
			bpf_map_delete_elem(bpf_map__fd(bm), &k);
	}
}

/* ---- a session: open, poll, finish, close ------------------------------------------ */

/* Before anything is compiled: privileges, mounts, the pin's name. */
static int open_checks(Session *s, const char *path, LoadOpts *o)
{
	if (sys_check_privileges() < 0 || sys_ensure_mounts() < 0)
		return -1;
	pyc_tracefs = sys_tracefs();
	if (o->watch && !s->pin) {
		/* --watch alone: pinned under a name of its own, unloaded at exit */
		s->pin = xasprintf("watch-%d", (int)getpid());
		s->auto_pin = true;
	}
	if (s->pin && !pin_valid_name(s->pin))
		fatal("--pin %s: an instance name is letters, digits, '_', '-' and '.'", s->pin);
	if (s->pin && pin_exists(s->pin))
		fatal("an instance named '%s' is already loaded (pybpf ls; pybpf reload %s FILE; pybpf unload %s)", s->pin,
		      s->pin, s->pin);
	stat(path, &s->st0);
	o->src_path = path;
	set_const_overrides(o);
	return 0;
}

/* Compile the file and check it against what this run allows. */
static void open_compile(Session *s, const char *path, LoadOpts *o)
{
	Prog *prog = s->pin ? compile_for_pin(path, &s->c) : compile_to_c(path, &s->c);
	s->prog = s->run.prog = prog;
	for (int i = 0; s->pin && i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		if (m->type->map_kind == MAP_SORTEDLIST)
			fatal("'%s' is a SortedList: its items live in the loaded program and a reload would lose them, so "
			      "pinned (--pin, --watch) programs cannot have one yet", m->name);
	}
	if (s->pin) {
		vec_push(&s->run.versions, NULL);
		vec_push(&s->run.versions, prog);
	}
	check_defines(prog, o);
	net_prepare(prog, o);   /* --iface, --cgroup, test-run */
	for (int i = 0; o->once && !o->test_run && i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		if (strcmp(p->kind, "begin") && strcmp(p->kind, "end") && strcmp(p->kind, "iter") && !is_init_probe(p))
			error_at(p->def->tok->loc, "pybpf run runs a script's @begin, @iter and @end probes once; '%s' is a @%s probe, "
				 "which needs pybpf load", p->name, p->kind);
	}
	for (int i = 0; i < prog->probes.len; i++)
		if (!strcmp(((Probe *)VEC_AT(prog->probes, i))->kind, "tracepoint") &&
		    !((Probe *)VEC_AT(prog->probes, i))->wildcard)
			check_tracepoint(VEC_AT(prog->probes, i));
	sys_bump_memlock();
}

/* --object X.o: its programs and maps are the ones this file's C makes */
static int object_matches(Session *s)
{
	for (int i = 0; i < s->prog->probes.len; i++) {
		Probe *p = VEC_AT(s->prog->probes, i);
		if (!bpf_object__find_program_by_name(s->obj, p->cname)) {
			fprintf(stderr, "pybpf: error: %s was not built from %s: it has no program for %s (build it with "
				"pybpf compile %s -o %s)\n", s->o->object, s->path, p->name, s->path, s->o->object);
			return -1;
		}
	}
	for (int i = 0; i < s->prog->maps.len; i++) {
		MapDecl *m = VEC_AT(s->prog->maps, i);
		if (!bpf_object__find_map_by_name(s->obj, m->cname)) {
			fprintf(stderr, "pybpf: error: %s was not built from %s: it has no map '%s' (build it with pybpf "
				"compile %s -o %s)\n", s->o->object, s->path, m->name, s->path, s->o->object);
			return -1;
		}
	}
	return 0;
}

/* clang, then libbpf's open and the verifier. */
static int open_object(Session *s, LoadOpts *o)
{
	if (o->object)   /* --object: built by pybpf compile -o (a machine without clang) */
		s->cc.obj_path = xstrdup(o->object);
	else if (bpfcc_compile(s->c.buf, s->c.len, !o->no_cache, &s->cc) < 0) {
		s->status = explain_clang_failure(s->prog, s->cc.diagnostics);
		return -1;
	}
	if (o->verbose)
		fprintf(stderr, "pybpf: %s %s in %.1f ms\n", s->cc.cache_hit ? "cached object" : "compiled", s->cc.obj_path,
			(sys_now_ns() - s->t0) / 1e6);
	explain_capture_libbpf(o->verbose);
	s->obj = bpf_object__open_file(s->cc.obj_path, NULL);
	if (!s->obj) {
		fprintf(stderr, "pybpf: error: cannot open %s: %s\n", s->cc.obj_path, strerror(errno));
		return -1;
	}
	if (o->object && object_matches(s) < 0)
		return -1;
	apply_defines(s->obj, s->prog, o);
	set_wallclock_offset(s->obj);
	if (s->pin)
		set_version(s->obj, 1);
	current_pin = s->pin;
	int err = bpf_object__load(s->obj);
	if (err) {
		explain_failure(s->prog, s->obj, s->cc.obj_path, err, o->verbose);
		return -1;
	}
	s->run.obj = s->obj;
	if (o->verbose)
		show_verified_insns(s->obj);
	return 0;
}

/* registering an ops struct makes it usable (e.g. a congestion control by name) */
static int register_struct_ops(Session *s)
{
	for (int i = 0; i < s->prog->sops.len; i++) {
		StructOps *so = VEC_AT(s->prog->sops, i);
		struct bpf_map *m = bpf_object__find_map_by_name(s->obj, so->cname);
		struct bpf_link *l = m ? bpf_map__attach_struct_ops(m) : NULL;
		if (!l) {
			int err = -errno;
			error_begin(node_loc_of(so->decl), "cannot register %s '%s': %s", so->type, so->name, strerror(-err));
			if (err == -EEXIST)
				fprintf(stderr, "note: the kernel already has a %s named '%s'; choose another name=\n", so->type,
					so->name);
			return -1;
		}
		vec_push(&s->linkv, l);
		vec_push(&s->who, xasprintf("sops:%s", so->cname));
	}
	return 0;
}

/* Every probe attached, struct_ops registered, pinned when asked. */
static int open_attach(Session *s, const char *path, LoadOpts *o)
{
	if (!(s->perf = perf_open(s->obj, s->prog, s->pin, on_event)))
		return -1;
	if (s->pin && user_ringbuf_pin_refused(s->prog, "pinned (--pin, --watch)") < 0)
		return -1;
	if (s->prog->uses_stacks) {
		stacks_fd = bpf_map__fd(bpf_object__find_map_by_name(s->obj, "__pyb_stacks"));
		out_set_stack_fn(stack_frames);
	}
	if (store_items(s->obj, s->prog) < 0)
		return -1;
	for (int i = 0; i < s->prog->probes.len; i++) {
		if (attach_probe(s->obj, s->prog, VEC_AT(s->prog->probes, i), &s->linkv, &s->who) < 0)
			return -1;
	}
	s->sched = sched_open(s->obj, s->prog);   /* scx.c: a sched_ext scheduler's state */
	if (register_struct_ops(s) < 0)
		return -1;
	if (s->pin) {
		/* from here the kernel objects belong to the pins, not to this process */
		if (pin_instance(s->obj, s->prog, &s->linkv, &s->who, s->pin, read_file(path, NULL), o) < 0) {
			pin_unload(s->pin);
			return -1;
		}
		for (int i = 0; i < s->linkv.len; i++)
			bpf_link__disconnect(VEC_AT(s->linkv, i));
	}
	return 0;
}

/* The ring buffers: print() records and every RingBuf map. */
static int open_ring_buffers(Session *s)
{
	struct bpf_map *events = bpf_object__find_map_by_name(s->obj, "__pyb_events");
	s->rb = ring_buffer__new(bpf_map__fd(events), on_record, &s->run, NULL);
	if (!s->rb) {
		fprintf(stderr, "pybpf: error: cannot set up the ring buffer: %s\n", strerror(errno));
		return -1;
	}
	for (int i = 0; i < s->prog->maps.len; i++) {
		MapDecl *m = VEC_AT(s->prog->maps, i);
		if (m->type->map_kind == MAP_RINGBUF &&
		    ring_buffer__add(s->rb, bpf_map__fd(bpf_object__find_map_by_name(s->obj, m->cname)), on_event, m) < 0) {
			fprintf(stderr, "pybpf: error: cannot read ring buffer '%s': %s\n", m->name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int session_open(Session *s, const char *path, LoadOpts *o)
{
	Sink sink = s->run.sink;
	bool quiet = s->quiet;

	memset(s, 0, sizeof(*s));
	s->run.sink = sink;
	s->quiet = quiet;
	s->o = o;
	s->path = path;
	s->pin = o->pin_name;
	s->version = 1;
	s->t0 = sys_now_ns();
	s->status = 1;
	timestamps = o->timestamps;
	event_run = &s->run;
	s->phase = "setup";
	if (open_checks(s, path, o) < 0)
		return -1;
	s->phase = "compile";
	open_compile(s, path, o);
	s->phase = "load";
	if (open_object(s, o) < 0 || open_attach(s, path, o) < 0)
		return -1;
	sched_started(s->sched);   /* scx.c */
	/* standard input, written to the program's UserRingBuf (userrb.c) */
	if (user_ringbuf_feed(s->obj, s->prog) < 0)
		return -1;
	/* @begin runs once, now that everything else is attached */
	if (run_once(s->obj, s->prog, "begin") < 0)
		return -1;
	/* @iter probes walk their objects once, after @begin */
	if (run_iters(s->prog, &s->linkv, &s->who) < 0)
		return -1;
	if (open_ring_buffers(s) < 0)
		return -1;
	if (o->test_run && net_test_run(s->obj, s->prog, o, drain_prints, &(Drain){s->rb, &s->run}) < 0)
		return -1;
	s->seen = xcalloc(s->prog->exc_slots.len + 1, sizeof(uint64_t));
	s->zero = xcalloc(s->prog->exc_slots.len + 1, sizeof(uint64_t));
	if (o->metrics && !(s->metrics = metrics_start(o->metrics, s->obj, s->prog)))   /* loader/metrics.c */
		return -1;
	s->next_report = sys_now_ns() + 1000000000ull;
	return 0;
}

/* --watch: reload when the file changed */
static void watch_file(Session *s)
{
	struct stat st;
	ReloadResult rr = {0};
	if (stat(s->path, &st) != 0 || (st.st_mtim.tv_sec == s->st0.st_mtim.tv_sec &&
					st.st_mtim.tv_nsec == s->st0.st_mtim.tv_nsec && st.st_size == s->st0.st_size))
		return;
	s->st0 = st;
	flush_out(&s->run);
	if (pin_reload(s->pin, s->path, s->o, &rr) == 0)
		fprintf(stderr, "pybpf: reloaded %s (version %d)\n", s->path, rr.version);
}

/* reloaded (by pybpf reload or --watch): its records use the new formats */
static void follow_version(Session *s)
{
	int version = pin_version(s->pin);
	if (version == s->version || version <= 0)
		return;
	s->version = version;
	while (s->run.versions.len <= version)
		vec_push(&s->run.versions, NULL);
	if (!s->run.versions.data[version])
		s->run.versions.data[version] = compile_file(xasprintf("/run/pybpf/%s/v%d.py", s->pin, version));
	s->prog = s->run.versions.data[version];
	if (!s->prog->exc_slots.len) {   /* the counters' layout is the emitter's */
		Str c = {0};
		emit_program(s->prog, &c);
		free(c.buf);
	}
	s->seen = xcalloc(s->prog->exc_slots.len + 1, sizeof(uint64_t));
	s->zero = xcalloc(s->prog->exc_slots.len + 1, sizeof(uint64_t));
}

int session_poll(Session *s, int timeout_ms)
{
	uint64_t before = s->run.records;
	int err;

	event_run = &s->run;
	timestamps = s->o->timestamps;
	err = perf_poll(s->perf, s->rb, timeout_ms);   /* the ring buffers and any PerfBuf */
	flush_out(&s->run);
	if (sched_poll(s->sched))
		s->ended = true;
	if (err > 0) {
		/* records came: let more gather before the next poll, so a
		 * busy probe wakes us about once a millisecond, not once per
		 * record (the wakeups, not the formatting, were what limited
		 * throughput; bench/throughput.py) */
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	if (s->prog->uses_stacks)
		prefetch_ustacks(s->obj, s->prog);
	if (err < 0 && err != -EINTR)
		return err;
	if (s->pin && s->o->watch)
		watch_file(s);
	if (s->pin)
		follow_version(s);
	if (!s->quiet && sys_now_ns() >= s->next_report) {   /* rate-limited: once a second */
		report_exceptions(s->obj, s->prog, s->seen, false);
		s->next_report = sys_now_ns() + 1000000000ull;
	}
	return err > 0 ? err : (int)(s->run.records - before);
}

void session_finish(Session *s, bool dump)
{
	if (s->finished || !s->rb)
		return;
	s->finished = true;
	event_run = &s->run;
	/* detach first so the counts are final, run @end, then drain what is buffered
	 * (a pinned instance goes on: its links are the pins') */
	sched_counts(s->sched);
	for (int i = 0; i < s->linkv.len; i++)
		bpf_link__destroy(VEC_AT(s->linkv, i));
	s->linkv.len = 0;
	sched_end(s->sched, s->pin && !s->auto_pin ? s->pin : NULL);
	net_report();   /* and the socket filters' sockets closed */
	if (!s->pin)
		run_once(s->obj, s->prog, "end");
	ring_buffer__consume(s->rb);
	perf_consume(s->perf);
	flush_out(&s->run);
	if (!dump)
		return;
	for (int i = 0; i < s->prog->maps.len; i++)
		dump_map(s->obj, VEC_AT(s->prog->maps, i));
	print_globals(s->obj, s->prog);
	out_flush();
	fflush(stdout);
	report_exceptions(s->obj, s->prog, s->zero, true);
	if (s->auto_pin)
		pin_unload(s->pin);
	uint64_t lost = read_counter(counters_fd(s->obj), 0);
	if (lost)
		out_lost(lost);
	perf_report_lost(s->perf);
}

void session_close(Session *s)
{
	metrics_stop(s->metrics);   /* before the maps go */
	s->metrics = NULL;
	sched_free(s->sched);
	s->sched = NULL;
	for (int i = 0; i < s->linkv.len; i++)
		bpf_link__destroy(VEC_AT(s->linkv, i));
	s->linkv.len = 0;
	ring_buffer__free(s->rb);
	s->rb = NULL;
	perf_free(s->perf);
	s->perf = NULL;
	if (!s->pin || s->auto_pin)
		clear_prog_arrays(s->obj, s->prog);
	bpf_object__close(s->obj);
	s->obj = NULL;
	if (event_run == &s->run)
		event_run = NULL;
	fflush(stdout);
}

/* pybpf load and pybpf run: a session until a signal, --duration, or the end of @begin */
int load_main(const char *path, LoadOpts *o)
{
	Session s = {0};
	uint64_t deadline = 0;
	int status = 1, nprobes;
	/* SA_RESTART: a write to stdout blocked on a full pipe goes on after
	 * Ctrl-C; interrupted (EINTR), stdio dropped the buffer it was writing,
	 * up to 4 KiB of records, silently. The poll loop still wakes:
	 * epoll_wait and nanosleep are never restarted. */
	struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};

	out_init(stdout, o->json ? OUT_JSON : OUT_TEXT);
	if (session_open(&s, path, o) < 0) {
		status = s.status;
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	nprobes = s.linkv.len + net_sockets();
	if (!o->once)
		fprintf(stderr, "Attached %d probe%s. Ctrl-C to end.\n", nprobes, nprobes == 1 ? "" : "s");
	if (o->verbose)
		fprintf(stderr, "pybpf: ready %.1f ms after start\n", (sys_now_ns() - s.t0) / 1e6);
	if (o->duration > 0)
		deadline = sys_now_ns() + (uint64_t)(o->duration * 1e9);
	while (!stop && !o->once && !s.ended) {
		int timeout = 100, err;
		uint64_t now = sys_now_ns();
		if (deadline) {
			if (now >= deadline)
				break;
			if ((deadline - now) / 1000000 < (uint64_t)timeout)
				timeout = (deadline - now) / 1000000 + 1;
		}
		err = session_poll(&s, timeout);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "pybpf: error: polling the ring buffer: %s\n", strerror(-err));
			break;
		}
	}
	session_finish(&s, true);
	status = sched_status(s.sched);
cleanup:
	session_close(&s);
	return status;
}
