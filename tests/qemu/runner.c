/* runner.c — the QEMU guest's test program (tests/qemu/README.md).
 *
 *   runner DIR     load DIR/{kfuncs,neg,probes,hello,core_pid,exe_file,percpu,d_path,file_xattr,inode_storage,bprm_opts}.bpf.o and test
 *
 * Linked statically with libbpf: the guest has only busybox. Prints one line
 * per test, `PASS name` or `FAIL name: why`, then `runner: N passed, M failed`.
 * Globals of the BPF objects are found by name through the object's BTF
 * (no skeletons): written before load through bpf_map__initial_value(), read
 * and written after load with map lookups/updates of the whole section.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static const char *dir = ".";
static int npass, nfail;

/* ---- results -------------------------------------------------------------- */

static void result(const char *name, bool ok, const char *fmt, ...)
{
	if (ok) {
		printf("PASS %s\n", name);
		npass++;
	} else {
		va_list ap;

		printf("FAIL %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		nfail++;
	}
	fflush(stdout);
}

/* ---- libbpf's messages (the verifier log among them) ---------------------- */

static char logbuf[1 << 20];
static size_t loglen;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	if (loglen < sizeof(logbuf) - 1) {
		int n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
		if (n > 0)
			loglen += (size_t)n < sizeof(logbuf) - loglen ? (size_t)n : sizeof(logbuf) - 1 - loglen;
	}
	return 0;
}

static void log_reset(void)
{
	loglen = 0;
	logbuf[0] = 0;
}

/* the last line of the log that is not empty, for a FAIL line */
static const char *log_tail(void)
{
	static char line[512];
	char *end = logbuf + loglen, *p;

	while (end > logbuf && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	p = end;
	while (p > logbuf && p[-1] != '\n')
		p--;
	snprintf(line, sizeof(line), "%.*s", (int)(end - p), p);
	return line;
}

/* ---- objects and their globals -------------------------------------------- */

static struct bpf_object *open_obj(const char *file, const char *only)
{
	char path[512];
	struct bpf_object *obj;
	struct bpf_program *p;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return NULL;
	if (only)
		bpf_object__for_each_program(p, obj)
			bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), only));
	return obj;
}

/* offset of global NAME in section SEC, from the object's BTF; -1 if absent */
static long var_off(struct bpf_object *obj, const char *sec, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int id, i;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);
		if (!strcmp(btf__name_by_offset(btf, v->name_off), name))
			return vs->offset;
	}
	return -1;
}

/* set a .bss global before load */
static void set_bss(struct bpf_object *obj, const char *name, const void *val, size_t n)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, ".bss");
	long off = var_off(obj, ".bss", name);
	size_t sz = 0;
	char *data;

	if (!m || off < 0 || !(data = bpf_map__initial_value(m, &sz)) || off + n > sz) {
		fprintf(stderr, "runner: cannot set %s\n", name);
		return;
	}
	memcpy(data + off, val, n);
}

/* the whole .bss after load */
struct section {
	struct bpf_object *obj;
	struct bpf_map *map;
	char *data;
	size_t size;
};

static bool bss_read(struct bpf_object *obj, struct section *s)
{
	int zero = 0;

	s->obj = obj;
	s->map = bpf_object__find_map_by_name(obj, ".bss");
	if (!s->map)
		return false;
	s->size = bpf_map__value_size(s->map);
	free(s->data);
	s->data = calloc(1, s->size);
	return bpf_map__lookup_elem(s->map, &zero, sizeof(zero), s->data, s->size, 0) == 0;
}

static bool bss_write(struct section *s)
{
	int zero = 0;

	return bpf_map__update_elem(s->map, &zero, sizeof(zero), s->data, s->size, 0) == 0;
}

static void *var(struct section *s, const char *name)
{
	static char dummy[256];
	long off = var_off(s->obj, ".bss", name);

	if (off < 0) {
		fprintf(stderr, "runner: no global %s\n", name);
		memset(dummy, 0, sizeof(dummy));
		return dummy;
	}
	return s->data + off;
}

#define V(s, type, name) (*(type *)var(s, name))

static int run_syscall_prog(struct bpf_object *obj, const char *name, int *retval)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	if (!p)
		return -ENOENT;
	err = bpf_prog_test_run_opts(bpf_program__fd(p), &opts);
	if (retval)
		*retval = opts.retval;
	return err;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long getpgid0(void)
{
	return syscall(SYS_getpgid, 0);
}

static char hostname_file[128];      /* /etc/hostname's content */
static struct utsname uts;

/* ---- /dev/kmsg ------------------------------------------------------------ */

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* a record "PRIO,SEQ,TS,FLAGS;TEXT" with TEXT == text; its level or -1 */
static int kmsg_find(int fd, const char *text)
{
	char rec[2048];
	int level = -1;
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *semi, *nl;

		if (n <= 0)
			continue;
		rec[n] = 0;
		semi = strchr(rec, ';');
		if (!semi)
			continue;
		nl = strchr(semi + 1, '\n');
		if (nl)
			*nl = 0;
		if (!strcmp(semi + 1, text) && level < 0)
			level = atoi(rec) & 7;
	}
	return level;
}

/* ---- kfunc/...: the module's kfuncs ----------------------------------------- */

static void test_kfuncs(void)
{
	struct bpf_object *obj = open_obj("kfuncs.bpf.o", NULL);
	struct section s = { 0 };
	unsigned int tgid = getpid();
	int err, rv, kfd, level;
	unsigned long long t0, t1, t;
	const int N = 5;

	log_reset();
	if (!obj || (set_bss(obj, "target_tgid", &tgid, sizeof(tgid)), bpf_object__load(obj))) {
		result("kfunc/load", false, "%s", log_tail());
		return;
	}
	result("kfunc/load", true, "");

	/* printk at a level: the record is in the kernel log with that level */
	kfd = kmsg_open();
	err = run_syscall_prog(obj, "hello", NULL);
	level = kmsg_find(kfd, "Hello, World!");
	bss_read(obj, &s);
	result("kfunc/printk", !err && level == 6 && V(&s, int, "hello_rc") > 0,
	       "run %d, level in /dev/kmsg %d (want 6), rc %d", err, level, V(&s, int, "hello_rc"));

	err = run_syscall_prog(obj, "printk_dyn", NULL);
	level = kmsg_find(kfd, "pybpf dynamic 42");
	bss_read(obj, &s);
	result("kfunc/printk_buf", !err && level == 4 && V(&s, int, "printk_buf_rc") > 0,
	       "run %d, level %d (want 4), rc %d", err, level, V(&s, int, "printk_buf_rc"));
	close(kfd);

	/* time.time_ns(): between two clock_gettime(CLOCK_REALTIME) */
	t0 = now_ns();
	err = run_syscall_prog(obj, "now", NULL);
	t1 = now_ns();
	bss_read(obj, &s);
	t = V(&s, unsigned long long, "time_ns");
	result("kfunc/time_ns", !err && t >= t0 && t <= t1,
	       "run %d, %llu not in [%llu, %llu]", err, t, t0, t1);

	/* open/read/close /etc/hostname */
	err = run_syscall_prog(obj, "read_hostname", &rv);
	bss_read(obj, &s);
	{
		int len = strlen(hostname_file), rc = V(&s, int, "file_rc"), rc2 = V(&s, int, "file_rc2");
		int eof = V(&s, int, "file_eof");
		char *buf = var(&s, "file_buf");

		result("kfunc/file_read", !err && rv == 0 && rc == 8 && rc2 == len - 8 && eof == 0 &&
		       !memcmp(buf, hostname_file, len),
		       "run %d ret %d, reads %d %d %d (want 8 %d 0), got '%.*s'", err, rv, rc, rc2, eof,
		       len - 8, len, buf);
	}
	err = run_syscall_prog(obj, "open_missing", NULL);
	bss_read(obj, &s);
	result("kfunc/file_open_missing", !err && V(&s, int, "missing_rc") == -1,
	       "run %d, missing_rc %d", err, V(&s, int, "missing_rc"));

	/* uname -r, uname -n */
	err = run_syscall_prog(obj, "uname", NULL);
	bss_read(obj, &s);
	result("kfunc/uname_release",
	       !err && !strcmp(var(&s, "rel_buf"), uts.release) &&
	       V(&s, int, "rel_rc") == (int)strlen(uts.release),
	       "'%s' rc %d, want '%s'", (char *)var(&s, "rel_buf"), V(&s, int, "rel_rc"), uts.release);
	result("kfunc/uname_nodename",
	       !err && !strcmp(var(&s, "node_buf"), uts.nodename) &&
	       V(&s, int, "node_rc") == (int)strlen(uts.nodename),
	       "'%s' rc %d, want '%s'", (char *)var(&s, "node_buf"), V(&s, int, "node_rc"), uts.nodename);
	result("kfunc/uname_truncated",
	       V(&s, int, "small_rc") == -E2BIG && !strncmp(var(&s, "small_buf"), uts.release, 3) &&
	       ((char *)var(&s, "small_buf"))[3] == 0,
	       "rc %d, '%.4s'", V(&s, int, "small_rc"), (char *)var(&s, "small_buf"));

	/* kfuncs from tp_btf (TRACING), tracepoint and kprobe programs */
	{
		static const char *names[] = { "tp_btf_kf", "tracepoint_kf", "kprobe_kf" };
		struct bpf_link *links[3] = { 0 };
		int i;

		t0 = now_ns();   /* tp_btf/sys_enter also fires for the attach and detach syscalls */
		for (i = 0; i < 3; i++) {
			log_reset();
			links[i] = bpf_program__attach(bpf_object__find_program_by_name(obj, names[i]));
			if (!links[i])
				result(names[i], false, "attach: %s", log_tail());
		}
		for (i = 0; i < N; i++)
			getpgid0();
		for (i = 0; i < 3; i++)
			bpf_link__destroy(links[i]);
		t1 = now_ns();
		bss_read(obj, &s);
		if (links[0]) {
			unsigned long long h = V(&s, unsigned long long, "tp_btf_hits");
			t = V(&s, unsigned long long, "tp_btf_time");
			result("kfunc/from_tp_btf", h >= (unsigned)N && t >= t0 && t <= t1 &&
			       !strcmp(var(&s, "tp_btf_node"), uts.nodename),
			       "hits %llu (want >= %d), time %llu in [%llu, %llu], node '%s'", h, N, t, t0, t1,
			       (char *)var(&s, "tp_btf_node"));
		}
		if (links[1]) {
			unsigned long long h = V(&s, unsigned long long, "tracepoint_hits");
			t = V(&s, unsigned long long, "tracepoint_time");
			result("kfunc/from_tracepoint", h == (unsigned)N && t >= t0 && t <= t1,
			       "hits %llu (want %d), time %llu in [%llu, %llu]", h, N, t, t0, t1);
		}
		if (links[2]) {
			unsigned long long h = V(&s, unsigned long long, "kprobe_hits");
			t = V(&s, unsigned long long, "kprobe_time");
			result("kfunc/from_kprobe", h == (unsigned)N && t >= t0 && t <= t1,
			       "hits %llu (want %d), time %llu in [%llu, %llu]", h, N, t, t0, t1);
		}
	}
	free(s.data);
	bpf_object__close(obj);
}

/* ---- neg/...: programs the verifier rejects ---------------------------------- */

static void test_neg(void)
{
	static const struct {
		const char *prog, *want;
	} cases[] = {
		{ "file_from_tp_btf", "calling kernel function pybpf_file_open is not allowed" },
		{ "time_from_raw_tp", "calling kernel function pybpf_time_ns is not allowed" },
		{ "leak", "Unreleased reference" },
		{ "printk_stack_str", "doesn't point to a const string" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpf_object *obj = open_obj("neg.bpf.o", cases[i].prog);
		char name[64];
		int err;

		snprintf(name, sizeof(name), "neg/%s", cases[i].prog);
		log_reset();
		if (!obj) {
			result(name, false, "open: %s", log_tail());
			continue;
		}
		err = bpf_object__load(obj);
		if (!err)
			result(name, false, "loaded; want the verifier to say '%s'", cases[i].want);
		else
			result(name, strstr(logbuf, cases[i].want) != NULL,
			       "rejected (%d) but without '%s'; last line: %s", err, cases[i].want, log_tail());
		bpf_object__close(obj);
	}
}

/* ---- probe/...: fentry/fexit, kprobe/kretprobe, lsm -------------------------- */

static void test_probes(void)
{
	struct bpf_object *obj = open_obj("probes.bpf.o", NULL);
	struct section s = { 0 };
	struct bpf_program *p;
	struct bpf_link *links[8];
	int nlinks = 0, i, fd, deny_errno;
	unsigned int tgid = getpid();
	long pgid = getpgid0();
	const int N = 7, M = 4;
	bool attached = true;

	log_reset();
	if (!obj || (set_bss(obj, "target_tgid", &tgid, sizeof(tgid)), bpf_object__load(obj))) {
		result("probe/load", false, "%s", log_tail());
		return;
	}
	result("probe/load", true, "");
	bpf_object__for_each_program(p, obj) {
		log_reset();
		links[nlinks] = bpf_program__attach(p);
		if (!links[nlinks]) {
			result("probe/attach", false, "%s: %s", bpf_program__name(p), log_tail());
			attached = false;
			continue;
		}
		nlinks++;
	}
	if (attached)
		result("probe/attach", true, "");
	/* attaching may itself open files (kprobe PMU type...): count from here */
	bss_read(obj, &s);
	V(&s, unsigned long long, "fentry_hits") = V(&s, unsigned long long, "fexit_hits") = 0;
	V(&s, unsigned long long, "kprobe_hits") = V(&s, unsigned long long, "kretprobe_hits") = 0;
	V(&s, unsigned long long, "lsm_hits") = 0;
	bss_write(&s);

	for (i = 0; i < N; i++)
		getpgid0();
	for (i = 0; i < M; i++) {
		fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	/* now deny: lsm/file_open returns -EPERM for the runner */
	bss_read(obj, &s);
	V(&s, int, "lsm_deny") = 1;
	bss_write(&s);
	fd = open("/etc/hostname", O_RDONLY);
	deny_errno = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	bss_read(obj, &s);
	V(&s, int, "lsm_deny") = 0;
	bss_write(&s);
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	bss_read(obj, &s);

#define COUNT(test, var_, want) \
	result(test, V(&s, unsigned long long, var_) == (unsigned long long)(want), "%s = %llu, want %d", \
	       var_, V(&s, unsigned long long, var_), (int)(want))
	COUNT("probe/fentry", "fentry_hits", N);
	COUNT("probe/fexit", "fexit_hits", N);
	result("probe/fexit_ret", V(&s, long, "fexit_ret") == pgid, "ret %ld, want %ld",
	       V(&s, long, "fexit_ret"), pgid);
	COUNT("probe/kprobe", "kprobe_hits", N);
	COUNT("probe/kretprobe", "kretprobe_hits", N);
	result("probe/kretprobe_ret", V(&s, long, "kretprobe_ret") == pgid, "ret %ld, want %ld",
	       V(&s, long, "kretprobe_ret"), pgid);
	COUNT("probe/lsm", "lsm_hits", M + 1);
	result("probe/lsm_deny", deny_errno == EPERM, "open while denied: errno %d (want EPERM)", deny_errno);
	free(s.data);
	bpf_object__close(obj);
}

/* ---- core/...: objects compiled on the host by pybpf --------------------------- */

static unsigned int my_pid;
static int rb_mine, rb_all;

static int on_record(void *ctx, void *data, size_t size)
{
	/* examples/hello.py's print(): { u64 site; s64 pid; char comm[16] } */
	rb_all++;
	if (size >= 16 && *(long long *)((char *)data + 8) == my_pid)
		rb_mine++;
	return 0;
}

static void test_core_hello(void)
{
	struct bpf_object *obj = open_obj("hello.bpf.o", NULL);
	struct bpf_link *link = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_map *opens;
	char key[16] = "runner";
	unsigned long long count = 0;
	const int K = 6;
	int i, fd;

	my_pid = getpid();
	log_reset();
	if (!obj || bpf_object__load(obj)) {
		result("core/hello_load", false, "%s", log_tail());
		return;
	}
	result("core/hello_load", true, "");
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "__pyb_events")), on_record,
			      NULL, NULL);
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "on_openat"));
	if (!link || !rb) {
		result("core/hello_attach", false, "%s", log_tail());
		goto out;
	}
	for (i = 0; i < K; i++) {
		fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	bpf_link__destroy(link);
	link = NULL;
	ring_buffer__consume(rb);
	opens = bpf_object__find_map_by_name(obj, "opens");
	if (!opens || bpf_map__lookup_elem(opens, key, sizeof(key), &count, sizeof(count), 0))
		count = 0;
	result("core/hello_count", count == (unsigned long long)K, "opens['runner'] = %llu, want %d", count, K);
	result("core/hello_print", rb_mine == K, "%d print() records from my pid (%d in all), want %d",
	       rb_mine, rb_all, K);
out:
	bpf_link__destroy(link);
	ring_buffer__free(rb);
	bpf_object__close(obj);
}

/* examples/hello_kernel.py, compiled on the host by pybpf: the companion
 * module's kfuncs called from Python (printk, with open() as f: f.read(),
 * time.time_ns(), platform.release(), socket.gethostname()). */
static unsigned char hk_rec[256];
static int hk_records;

static int on_hk_record(void *ctx, void *data, size_t size)
{
	if (size <= sizeof(hk_rec))
		memcpy(hk_rec, data, size);
	hk_records++;
	return 0;
}

static void test_py_kernel(void)
{
	struct bpf_object *obj = open_obj("hello_kernel.bpf.o", NULL);
	struct ring_buffer *rb;
	struct utsname u;
	unsigned long long t0, t1, t;
	int kfd, kfd2, err, level, level2;
	char want[160];

	log_reset();
	if (!obj || bpf_object__load(obj)) {
		result("py/hello_kernel_load", false, "%s", log_tail());
		return;
	}
	result("py/hello_kernel_load", true, "");
	rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "__pyb_events")), on_hk_record, NULL, NULL);
	kfd = kmsg_open();
	kfd2 = kmsg_open();   /* kmsg_find reads to the end: one reader per search */
	t0 = now_ns();
	err = run_syscall_prog(obj, "hello", NULL);   /* the @begin probe, as pybpf load runs it */
	t1 = now_ns();
	level = kmsg_find(kfd, "Hello, World!");
	/* printk(name, level=5): the first line of /etc/hostname, as f.read(64) returned it */
	snprintf(want, sizeof(want), "%.*s", (int)strcspn(hostname_file, "\n"), hostname_file);
	level2 = kmsg_find(kfd2, want);
	close(kfd);
	close(kfd2);
	result("py/printk_hello_world", !err && level == 6, "run %d, level %d (want 6)", err, level);
	result("py/with_open_read_printk", !err && level2 == 5, "'%s' at level %d (want 5)", want, level2);
	ring_buffer__consume(rb);
	uname(&u);
	memcpy(&t, hk_rec + 8, 8);
	result("py/time_ns", hk_records == 1 && t >= t0 && t <= t1, "%d records; %llu not in [%llu, %llu]", hk_records, t,
	       t0, t1);
	result("py/platform_release", hk_records == 1 && !strcmp((char *)hk_rec + 16, u.release), "'%s', want '%s'",
	       (char *)hk_rec + 16, u.release);
	result("py/socket_gethostname", hk_records == 1 && !strcmp((char *)hk_rec + 88, u.nodename), "'%s', want '%s'",
	       (char *)hk_rec + 88, u.nodename);
	ring_buffer__free(rb);
	bpf_object__close(obj);
}

/* Open and load object file, reporting NAME_load, and attach program prog
 * (NAME_attach on failure): the object with *link set, or NULL (closed). */
static struct bpf_object *load_attach(const char *file, const char *name, const char *prog, struct bpf_link **link)
{
	struct bpf_object *obj = open_obj(file, NULL);
	char what[64];

	log_reset();
	snprintf(what, sizeof(what), "%s_load", name);
	if (!obj || bpf_object__load(obj)) {
		result(what, false, "%s", log_tail());
		bpf_object__close(obj);
		return NULL;
	}
	result(what, true, "");
	*link = bpf_program__attach(bpf_object__find_program_by_name(obj, prog));
	if (!*link) {
		snprintf(what, sizeof(what), "%s_attach", name);
		result(what, false, "%s", log_tail());
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static void test_core_task(void)
{
	struct bpf_link *link;
	struct bpf_object *obj;
	unsigned int pid = getpid(), tgid = 0;
	unsigned long long forks = 0;
	const int F = 3;
	int i;

	if (!(obj = load_attach("core_pid.bpf.o", "core/task", "on_fork", &link)))
		return;
	for (i = 0; i < F; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	bpf_link__destroy(link);
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "forks"), &pid, sizeof(pid), &forks,
			     sizeof(forks), 0);
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "tgids"), &pid, sizeof(pid), &tgid,
			     sizeof(tgid), 0);
	result("core/task_pid", forks == (unsigned long long)F, "forks[%u] = %llu, want %d", pid, forks, F);
	result("core/task_tgid", tgid == pid, "tgids[%u] = %u, want %u", pid, tgid, pid);
	bpf_object__close(obj);
}

/* pyprobes/exe_file.py: `with bpf_get_task_exe_file(current_task()) as exe`
 * in lsm/file_open; N opens by the runner, its executable's inode */
static void test_py_exe_file(void)
{
	struct bpf_link *link;
	struct bpf_object *obj;
	unsigned int pid = getpid();
	unsigned long long ino = 0, opens = 0;
	struct stat st = {0};
	const int N = 4;
	int i, fd;

	if (!(obj = load_attach("exe_file.bpf.o", "py/exe_file", "on_exe_open", &link)))
		return;
	for (i = 0; i < N; i++) {
		fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	bpf_link__destroy(link);
	stat("/proc/self/exe", &st);
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "exes"), &pid, sizeof(pid), &ino, sizeof(ino), 0);
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "opens"), &pid, sizeof(pid), &opens, sizeof(opens), 0);
	result("py/exe_file_opens", opens == (unsigned long long)N, "opens[%u] = %llu, want %d", pid, opens, N);
	result("py/exe_file_inode", ino == (unsigned long long)st.st_ino, "exes[%u] = %llu, want the inode of "
	       "/proc/self/exe, %llu", pid, ino, (unsigned long long)st.st_ino);
	bpf_object__close(obj);
}

/* pyprobes/percpu.py: bpf.this_cpu_ptr(ksym("runqueues")) and
 * bpf.per_cpu_ptr(), on N getppid calls of the runner */
static unsigned long long map_u64(struct bpf_object *obj, const char *map, unsigned int pid)
{
	unsigned long long v = 0;
	bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, map), &pid, sizeof(pid), &v, sizeof(v), 0);
	return v;
}

static void test_py_percpu(void)
{
	struct bpf_link *link;
	struct bpf_object *obj;
	unsigned int pid = getpid();
	const int N = 3;
	int i;

	if (!(obj = load_attach("percpu.bpf.o", "py/percpu", "on_getppid", &link)))
		return;
	for (i = 0; i < N; i++)
		syscall(SYS_getppid);
	bpf_link__destroy(link);
	result("py/percpu_this_cpu", map_u64(obj, "same", pid) == (unsigned long long)N,
	       "same[%u] = %llu, want %d (this_cpu_ptr's rq->cpu == cpu())", pid, map_u64(obj, "same", pid), N);
	result("py/percpu_cpu0", map_u64(obj, "cpu0", pid) == 100ULL, "cpu0[%u] = %llu, want 100 (CPU 0's rq->cpu + 100)",
	       pid, map_u64(obj, "cpu0", pid));
	result("py/percpu_no_such_cpu", map_u64(obj, "missing", pid) == (unsigned long long)N,
	       "missing[%u] = %llu, want %d (IndexError for CPU 4096)", pid, map_u64(obj, "missing", pid), N);
	bpf_object__close(obj);
}

/* pyprobes/d_path.py: bpf_path_d_path(f.f_path, buf) and the helper
 * bpf.d_path in lsm/file_open; N opens of /etc/hostname by the runner,
 * each its 13 bytes and the NUL */
static void test_py_d_path(void)
{
	struct bpf_object *obj = open_obj("d_path.bpf.o", NULL);
	struct bpf_link *link, *hlink;
	unsigned int pid = getpid();
	const int N = 3;
	int i, fd;

	log_reset();
	if (!obj || bpf_object__load(obj)) {
		result("py/d_path_load", false, "%s", log_tail());
		return;
	}
	result("py/d_path_load", true, "");
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "on_d_path"));
	hlink = link ? bpf_program__attach(bpf_object__find_program_by_name(obj, "on_d_path_helper")) : NULL;
	if (!link || !hlink) {
		result("py/d_path_attach", false, "%s", log_tail());
		bpf_link__destroy(link);
		bpf_object__close(obj);
		return;
	}
	for (i = 0; i < N; i++) {
		fd = open("/etc/hostname", O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	bpf_link__destroy(link);
	bpf_link__destroy(hlink);
	result("py/d_path_helper_hits", map_u64(obj, "hhits", pid) == (unsigned long long)N, "hhits[%u] = %llu, want %d",
	       pid, map_u64(obj, "hhits", pid), N);
	result("py/d_path_helper_len", map_u64(obj, "hlens", pid) == 14ULL, "hlens[%u] = %llu, want 14", pid,
	       map_u64(obj, "hlens", pid));
	result("py/d_path_hits", map_u64(obj, "hits", pid) == (unsigned long long)N, "hits[%u] = %llu, want %d", pid,
	       map_u64(obj, "hits", pid), N);
	result("py/d_path_len", map_u64(obj, "lens", pid) == 14ULL, "lens[%u] = %llu, want 14 (\"/etc/hostname\" "
	       "and its NUL)", pid, map_u64(obj, "lens", pid));
	bpf_object__close(obj);
}

/* n files created in the new directory dir (0 when all were) */
static int create_files(const char *dir, int n)
{
	char path[64];
	int fails = mkdir(dir, 0700) < 0;
	for (int i = 0; i < n; i++) {
		int fd;
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
		fails += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	return fails;
}

/* pyprobes/inode_storage.py: an InodeStorage counting the files created in
 * each directory; 6 in one (its item deleted at 5, so the 6th starts at 1)
 * and then 2 in another */
static void test_py_inode_storage(void)
{
	struct bpf_link *link;
	struct bpf_object *obj;
	unsigned int pid = getpid();
	int fails;

	if (!(obj = load_attach("inode_storage.bpf.o", "py/inode_storage", "on_inode_create", &link)))
		return;
	fails = create_files("/tmp/istor_a", 6);
	result("py/inode_storage_after_delete", map_u64(obj, "last", pid) == 1ULL && map_u64(obj, "dropped", pid) == 1ULL,
	       "last[%u] = %llu, dropped = %llu, want 1 and 1", pid, map_u64(obj, "last", pid), map_u64(obj, "dropped", pid));
	fails += create_files("/tmp/istor_b", 2);
	bpf_link__destroy(link);
	result("py/inode_storage_other_dir", !fails && map_u64(obj, "last", pid) == 2ULL,
	       "last[%u] = %llu, want 2 (%d creates failed)", pid, map_u64(obj, "last", pid), fails);
	bpf_object__close(obj);
}

/* pyprobes/bprm_opts.py: bpf.bprm_opts_set in lsm/bprm_creds_for_exec; N
 * children of the runner exec busybox true: N sets of 0, N EINVALs */
static void test_py_bprm_opts(void)
{
	struct bpf_link *link;
	struct bpf_object *obj;
	const int N = 3;

	if (!(obj = load_attach("bprm_opts.bpf.o", "py/bprm_opts", "on_bprm", &link)))
		return;
	for (int i = 0; i < N; i++) {
		pid_t c = fork();
		if (c == 0) {
			execl("/bin/busybox", "true", (char *)NULL);
			_exit(127);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	bpf_link__destroy(link);
	result("py/bprm_opts_set", map_u64(obj, "counts", 0) == (unsigned long long)N &&
	       map_u64(obj, "counts", 1) == (unsigned long long)N, "counts = %llu, %llu, want %d, %d",
	       map_u64(obj, "counts", 0), map_u64(obj, "counts", 1), N, N);
	bpf_object__close(obj);
}

/* pyprobes/file_xattr.py: bpf_get_file_xattr(f, "user.pybpf", d) in
 * lsm.s/file_open; N opens of a file the runner gives user.pybpf =
 * "xattr-value", and one of /etc/hostname, which has none */
static void test_py_file_xattr(void)
{
	struct bpf_object *obj = open_obj("file_xattr.bpf.o", NULL);
	static const char path[] = "/pybpf-xattr-file", value[] = "xattr-value";
	struct bpf_link *link;
	unsigned int pid = getpid();
	const int N = 2;
	int i, fd;

	log_reset();
	if (!obj || bpf_object__load(obj)) {
		result("py/file_xattr_load", false, "%s", log_tail());
		return;
	}
	result("py/file_xattr_load", true, "");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fsetxattr(fd, "user.pybpf", value, strlen(value), 0)) {
		result("py/file_xattr_setxattr", false, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		bpf_object__close(obj);
		return;
	}
	close(fd);
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "on_xattr_open"));
	if (!link) {
		result("py/file_xattr_attach", false, "%s", log_tail());
		unlink(path);
		bpf_object__close(obj);
		return;
	}
	for (i = 0; i < N; i++) {
		fd = open(path, O_RDONLY);
		if (fd >= 0)
			close(fd);
	}
	fd = open("/etc/hostname", O_RDONLY);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	unlink(path);
	result("py/file_xattr_hits", map_u64(obj, "hits", pid) == (unsigned long long)N, "hits[%u] = %llu, want %d", pid,
	       map_u64(obj, "hits", pid), N);
	result("py/file_xattr_len", map_u64(obj, "lens", pid) == 11ULL, "lens[%u] = %llu, want 11 (\"xattr-value\")",
	       pid, map_u64(obj, "lens", pid));
	result("py/file_xattr_enodata", map_u64(obj, "misses", pid) == 1ULL, "misses[%u] = %llu, want 1 (/etc/hostname)",
	       pid, map_u64(obj, "misses", pid));
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	FILE *f;

	if (argc > 1)
		dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(print_fn);
	uname(&uts);
	f = fopen("/etc/hostname", "r");
	if (f) {
		size_t n = fread(hostname_file, 1, sizeof(hostname_file) - 1, f);
		hostname_file[n] = 0;
		fclose(f);
	}

	test_kfuncs();
	test_neg();
	test_probes();
	test_core_hello();
	test_core_task();
	test_py_kernel();
	test_py_exe_file();
	test_py_percpu();
	test_py_d_path();
	test_py_file_xattr();
	test_py_inode_storage();
	test_py_bprm_opts();

	printf("runner: %d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
