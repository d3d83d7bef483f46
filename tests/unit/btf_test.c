/* btf_test.c — pyc/btf.c and pyc/tpformat.c against the running kernel.
 *
 * Looks up real kernel types, generates a BPF C file from kemit_output(),
 * compiles it with clang-19 and loads it with libbpf (nothing is attached),
 * which proves the CO-RE relocations resolve. Then the same with a fake BTF
 * (tests/unit/fake_btf.c) whose task_struct has a field the kernel lacks:
 * that load must fail. Needs root, clang-19, /sys/kernel/btf/vmlinux and
 * tracefs.
 *
 *	build/btf-test [path/to/tests/unit]     prints "btf: N passed, M failed"
 */
#include "btf.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			passed++;                                               \
		} else {                                                        \
			failed++;                                               \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                           \
			fputc('\n', stderr);                                    \
		}                                                               \
	} while (0)

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static Str libbpf_log;

static int log_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *p;
	(void)level;
	if (vasprintf(&p, fmt, ap) < 0)
		return 0;
	str_puts(&libbpf_log, p);
	free(p);
	return 0;
}

static const char *tmpdir;

/* Compile C text with clang-19 for BPF; returns the .o path or NULL. */
static const char *compile(const char *name, const char *text)
{
	const char *c = xasprintf("%s/%s.c", tmpdir, name), *o = xasprintf("%s/%s.o", tmpdir, name);
	FILE *f = fopen(c, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	char *cmd = xasprintf("clang-19 -target bpf -mcpu=v3 -O2 -g -Wall -Werror -Wno-unused-variable -c %s -o %s", c, o);
	int rc = system(cmd);
	if (rc) {
		fprintf(stderr, "compile failed (%s): %s\n", cmd, c);
		return NULL;
	}
	return o;
}

/* Open and load (not attach) an object; 0 on success. */
static int load_obj(const char *path)
{
	struct bpf_object *obj;
	int err;

	libbpf_log.len = 0;
	str_add(&libbpf_log, "", 0);
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return -errno;
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err;
}

static const char prelude[] =
	"typedef signed char __s8;\n"
	"typedef unsigned char __u8;\n"
	"typedef short __s16;\n"
	"typedef unsigned short __u16;\n"
	"typedef int __s32;\n"
	"typedef unsigned int __u32;\n"
	"typedef long long __s64;\n"
	"typedef unsigned long long __u64;\n"
	"#define SEC(name) __attribute__((section(name), used))\n"
	"static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;\n"
	"char LICENSE[] SEC(\"license\") = \"GPL\";\n"
	"__u64 results[16];\n\n";

static KField member(KBtf *k, int sid, const char *name)
{
	KField m;
	int rc = kbtf_member(k, sid, name, &m);
	CHECK(rc == 0, "no member %s in %s", name, kbtf_type_name(k, sid));
	return m;
}

static void test_lookups(KBtf *k)
{
	KInfo in;
	KField m;
	int ts = kbtf_find_struct(k, "task_struct");

	CHECK(ts > 0, "task_struct not found");
	CHECK(kbtf_find_struct(k, "struct task_struct") == ts, "'struct task_struct' differs");
	CHECK(kbtf_find_struct(k, "union task_struct") < 0, "'union task_struct' found");
	CHECK(kbtf_find_struct(k, "pybpf_no_such_struct") < 0, "found a struct that does not exist");
	CHECK(!strcmp(kbtf_type_name(k, ts), "struct task_struct"), "%s", kbtf_type_name(k, ts));
	const char *ns = kbtf_nearest_structs(k, "task_strcut", 3);
	CHECK(strstr(ns, "'task_struct'") == ns, "nearest structs: %s", ns);
	CHECK(!strcmp(kbtf_nearest_structs(k, "qqqqqqqqqqqqqqqqqqqqqqqq", 3), ""), "nearest of nonsense");

	m = member(k, ts, "pid");
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_INT && in.size == 4 && in.is_signed, "pid: kind %d size %d", in.kind, in.size);
	CHECK(!strcmp(kbtf_type_name(k, m.type), "pid_t"), "pid: %s", kbtf_type_name(k, m.type));
	CHECK(m.bit_size == 0 && m.bit_off % 32 == 0 && m.parent == ts && m.path.len == 0, "pid at %u", m.bit_off);

	m = member(k, ts, "comm");
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_ARRAY && in.nelems == 16 && in.size == 16, "comm: kind %d n %d", in.kind, in.nelems);
	KInfo el;
	kbtf_info(k, in.target, &el);
	CHECK(el.kind == KK_CHAR && el.size == 1, "comm elements: kind %d", el.kind);
	CHECK(!strcmp(kbtf_type_name(k, m.type), "char[16]"), "comm: %s", kbtf_type_name(k, m.type));

	m = member(k, ts, "mm");
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_PTR && in.size == 8, "mm: kind %d", in.kind);
	int mm = kbtf_find_struct(k, "mm_struct");
	CHECK(mm > 0 && kbtf_skip(k, in.target) == mm, "mm points to %d, mm_struct is %d", in.target, mm);
	CHECK(!strcmp(kbtf_type_name(k, m.type), "struct mm_struct *"), "mm: %s", kbtf_type_name(k, m.type));

	m = member(k, mm, "arg_start");
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_INT && in.size == 8 && !in.is_signed, "arg_start: kind %d size %d signed %d",
	      in.kind, in.size, in.is_signed);

	m = member(k, ts, "se");
	kbtf_info(k, m.type, &in);
	int se = kbtf_find_struct(k, "sched_entity");
	CHECK(in.kind == KK_STRUCT && in.id == se && !strcmp(in.name, "sched_entity"), "se: %s", in.name);
	m = member(k, se, "vruntime");
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_INT && in.size == 8 && !in.is_signed, "vruntime");

	/* a bitfield */
	m = member(k, ts, "sched_reset_on_fork");
	kbtf_info(k, m.type, &in);
	CHECK(m.bit_size == 1 && in.kind == KK_INT && in.size == 4, "sched_reset_on_fork: %u bits", m.bit_size);

	/* members inside anonymous unions/structs: sk_buff.dev is in
	 * union { struct { next, prev, union { dev, dev_scratch } }, ... } */
	int skb = kbtf_find_struct(k, "sk_buff");
	CHECK(skb > 0, "sk_buff");
	m = member(k, skb, "dev");
	CHECK(m.path.len >= 2 && m.parent != skb, "dev: path %d parent %d", m.path.len, m.parent);
	CHECK(!strcmp(kbtf_type_name(k, m.type), "struct net_device *"), "dev: %s", kbtf_type_name(k, m.type));
	KField next = member(k, skb, "next");
	CHECK(next.path.len >= 1 && next.bit_off == 0, "next: path %d off %u", next.path.len, next.bit_off);
	KField prot = member(k, skb, "protocol");
	kbtf_info(k, prot.type, &in);
	CHECK(prot.path.len >= 1 && prot.bit_off > 0 && in.size == 2, "protocol: path %d", prot.path.len);
	KField pt = member(k, skb, "pkt_type");
	CHECK(pt.bit_size == 3, "pkt_type: %u bits", pt.bit_size);
	/* bit_off is from the outer struct: the same as the named group's */
	KField hdrs = member(k, skb, "headers");
	int hid = kbtf_skip(k, hdrs.type);
	KField prot2 = member(k, hid, "protocol");
	CHECK(hdrs.bit_off + prot2.bit_off == prot.bit_off, "protocol at %u vs %u+%u", prot.bit_off,
	      hdrs.bit_off, prot2.bit_off);

	CHECK(kbtf_member(k, ts, "pdi", &m) < 0, "pdi found");
	const char *near = kbtf_nearest_members(k, ts, "pdi", 3);
	CHECK(strstr(near, "'pid'") != NULL, "nearest to pdi: %s", near);
	near = kbtf_nearest_members(k, skb, "protocl", 3);
	CHECK(strstr(near, "'protocol'") == near, "nearest to protocl: %s", near);
	CHECK(!strcmp(kbtf_nearest_members(k, ts, "zzzzzzzzzzzzzzzzzzzz", 3), ""), "nearest to nonsense");

	/* a function pointer, with __user type tags in it */
	int fops = kbtf_find_struct(k, "file_operations");
	m = member(k, fops, "read");
	const char *tn = kbtf_type_name(k, m.type);
	CHECK(!strncmp(tn, "ssize_t (*)(struct file *, char *, size_t, loff_t *)", 60), "read: %s", tn);

	/* const data vs const pointer; emission drops qualifiers */
	int bprm = kbtf_find_struct(k, "linux_binprm");
	m = member(k, bprm, "filename");
	CHECK(!strcmp(kbtf_type_name(k, m.type), "const char *"), "filename: %s", kbtf_type_name(k, m.type));
	kbtf_info(k, m.type, &in);
	CHECK(in.kind == KK_PTR, "filename kind %d", in.kind);

	/* enums */
	int64_t v = -1;
	int eid = 0;
	CHECK(kbtf_enum_value(k, "BPF_MAP_TYPE_HASH", &v, &eid) == 0 && v == 1, "BPF_MAP_TYPE_HASH = %lld", (long long)v);
	kbtf_info(k, eid, &in);
	CHECK(in.kind == KK_ENUM && !strcmp(in.name, "bpf_map_type"), "enum %s", in.name);
	CHECK(kbtf_enum_value(k, "TASK_COMM_LEN", &v, &eid) == 0 && v == 16, "TASK_COMM_LEN = %lld", (long long)v);
	CHECK(kbtf_enum_value(k, "PYBPF_NO_SUCH_ENUMERATOR", &v, &eid) < 0, "bogus enumerator");

	/* tp_btf arguments */
	KParam *a;
	int n;
	const char *nr;
	CHECK(kbtf_tp_btf_args(k, "sched_switch", &a, &n, &nr) == 0 && n == 4, "sched_switch: %d args", n);
	if (n == 4) {
		KInfo i0, i1, i2, i3;
		kbtf_info(k, a[0].type, &i0);
		kbtf_info(k, a[1].type, &i1);
		kbtf_info(k, a[2].type, &i2);
		kbtf_info(k, a[3].type, &i3);
		CHECK(!strcmp(a[0].name, "preempt") && i0.kind == KK_BOOL, "%s", a[0].name);
		CHECK(!strcmp(a[1].name, "prev") && i1.kind == KK_PTR && kbtf_skip(k, i1.target) == ts, "%s", a[1].name);
		CHECK(!strcmp(a[2].name, "next") && !strcmp(kbtf_type_name(k, a[2].type), "struct task_struct *"),
		      "%s: %s", a[2].name, kbtf_type_name(k, a[2].type));
		CHECK(!strcmp(a[3].name, "prev_state") && i3.kind == KK_INT && i3.size == 4 && !i3.is_signed,
		      "%s", a[3].name);
	}
	CHECK(kbtf_tp_btf_args(k, "sched_process_exec", &a, &n, &nr) == 0 && n == 3, "sched_process_exec: %d", n);
	if (n == 3) {
		CHECK(!strcmp(a[0].name, "p") && !strcmp(kbtf_type_name(k, a[0].type), "struct task_struct *"), "%s", a[0].name);
		CHECK(!strcmp(a[1].name, "old_pid") && !strcmp(kbtf_type_name(k, a[1].type), "pid_t"), "%s", a[1].name);
		CHECK(!strcmp(a[2].name, "bprm") && !strcmp(kbtf_type_name(k, a[2].type), "struct linux_binprm *"),
		      "%s", a[2].name);
	}
	CHECK(kbtf_tp_btf_args(k, "sched_swtich", &a, &n, &nr) < 0, "sched_swtich found");
	CHECK(strstr(nr, "'sched_switch'") == nr, "nearest tp: %s", nr);
}

static void use(KEmit *e, KBtf *k, int sid, const char *name)
{
	KField m = member(k, sid, name);
	kemit_use_member(e, sid, &m);
}

/* What both emissions below record, in a given order. */
static void record_all(KEmit *e, KBtf *k, bool reverse)
{
	int ts = kbtf_find_struct(k, "task_struct"), mm = kbtf_find_struct(k, "mm_struct");
	int se = kbtf_find_struct(k, "sched_entity"), skb = kbtf_find_struct(k, "sk_buff");
	if (reverse) {
		use(e, k, skb, "pkt_type");
		use(e, k, skb, "protocol");
		use(e, k, skb, "dev");
		use(e, k, skb, "len");
		use(e, k, mm, "arg_start");
		use(e, k, se, "vruntime");
	}
	use(e, k, ts, "sched_reset_on_fork");
	use(e, k, ts, "se");
	use(e, k, ts, "mm");
	use(e, k, ts, "comm");
	use(e, k, ts, "pid");
	if (!reverse) {
		use(e, k, mm, "arg_start");
		use(e, k, se, "vruntime");
		use(e, k, skb, "dev");
		use(e, k, skb, "len");
		use(e, k, skb, "protocol");
		use(e, k, skb, "pkt_type");
	}
	/* refcount_t usage: a typedef'd named struct holding atomic_t, a
	 * typedef'd anonymous struct, by value */
	KField usage = member(k, ts, "usage");
	kemit_use_member(e, ts, &usage);
	KField refs = member(k, kbtf_skip(k, usage.type), "refs");
	kemit_use_member(e, kbtf_skip(k, usage.type), &refs);
	KField counter = member(k, kbtf_skip(k, refs.type), "counter");
	kemit_use_member(e, kbtf_skip(k, refs.type), &counter);
	use(e, k, ts, "cpus_mask");
	use(e, k, kbtf_find_struct(k, "cpumask"), "bits");
	use(e, k, kbtf_find_struct(k, "file_operations"), "read");
	use(e, k, kbtf_find_struct(k, "bpf_map"), "map_type");
	use(e, k, skb, "cb");
	int64_t v;
	int eid;
	kbtf_enum_value(k, "BPF_MAP_TYPE_HASH", &v, &eid);
	kemit_use_type(e, eid);
}

static void test_emit(KBtf *k, double *emit_ms)
{
	int ts = kbtf_find_struct(k, "task_struct");
	KEmit *e;
	Str decls = {0}, decls2 = {0}, prog = {0}, src = {0};
	KParam *sw, *cs;
	int nsw, ncs;
	const char *nr;
	double t0 = now_ms();

	e = kemit_new(k);
	record_all(e, k, false);
	CHECK(kbtf_tp_btf_args(k, "sched_switch", &sw, &nsw, &nr) == 0, "sched_switch");
	CHECK(kbtf_tp_btf_args(k, "consume_skb", &cs, &ncs, &nr) == 0 && ncs >= 1, "consume_skb");
	if (failed)
		return;
	KField comm = member(k, ts, "comm");
	int64_t hash;
	int eid;
	kbtf_enum_value(k, "BPF_MAP_TYPE_HASH", &hash, &eid);

	str_printf(&prog,
		   "SEC(\"tp_btf/sched_switch\")\n"
		   "int pyb_switch(unsigned long long *ctx)\n"
		   "{\n"
		   "\t%s = (%s)ctx[1];\n"
		   "\t%s;\n"
		   "\tstruct mm_struct *mm;\n"
		   "\tresults[0] = prev->pid;\n"
		   "\tbpf_probe_read_kernel(comm, sizeof(comm), prev->comm);\n"
		   "\tresults[1] = comm[0];\n"
		   "\tmm = prev->mm;\n"
		   "\tif (mm) {\n"
		   "\t\t__u64 a = 0;\n"
		   "\t\tbpf_probe_read_kernel(&a, sizeof(a), &mm->arg_start);\n"
		   "\t\tresults[2] = a + mm->arg_start;\n"
		   "\t}\n"
		   "\tresults[3] = prev->se.vruntime;\n"
		   "\tresults[4] = %s;\n"
		   "\tresults[5] = %s;\n"
		   "\tresults[6] = %s;\n"
		   "\tresults[7] = prev->usage.refs.counter + prev->cpus_mask.bits[0];\n"
		   "\treturn 0;\n"
		   "}\n\n",
		   kemit_c_decl(e, sw[1].type, "prev"), kemit_c_type(e, sw[1].type),
		   kemit_c_decl(e, comm.type, "comm"),
		   kemit_bitfield_read(e, "prev", "sched_reset_on_fork"),
		   kemit_bitfield_probe(e, "prev", "sched_reset_on_fork"),
		   kemit_enum_value_expr(e, eid, "BPF_MAP_TYPE_HASH"));
	str_printf(&prog,
		   "SEC(\"tp_btf/consume_skb\")\n"
		   "int pyb_skb(unsigned long long *ctx)\n"
		   "{\n"
		   "\t%s = (void *)ctx[0];\n"
		   "\tresults[8] = (unsigned long)skb->dev;\n"
		   "\tresults[9] = skb->protocol;\n"
		   "\tresults[10] = skb->len;\n"
		   "\tresults[11] = %s;\n"
		   "\tresults[12] = skb->cb[1];\n"
		   "\treturn 0;\n"
		   "}\n",
		   kemit_c_decl(e, cs[0].type, "skb"), kemit_bitfield_read(e, "skb", "pkt_type"));
	kemit_output(e, &decls);
	*emit_ms = now_ms() - t0;

	/* the same uses in another order give the same text */
	KEmit *e2 = kemit_new(k);
	record_all(e2, k, true);
	kemit_c_decl(e2, sw[1].type, "prev");
	kemit_c_decl(e2, cs[0].type, "skb");
	kemit_output(e2, &decls2);
	CHECK(!strcmp(decls.buf, decls2.buf), "emission depends on the order of uses:\n%s\n----\n%s", decls.buf,
	      decls2.buf);

	const char *d = decls.buf;
	CHECK(!strstr(d, "typedef"), "typedef emitted");
	CHECK(strstr(d, "struct task_struct;\n"), "no forward declaration of task_struct");
	CHECK(strstr(d, "struct net_device;\n"), "no forward declaration of net_device");
	CHECK(!strstr(d, "struct net_device {"), "net_device defined");
	CHECK(strstr(d, "\tint pid;\n"), "pid");
	CHECK(strstr(d, "\tchar comm[16];\n"), "comm");
	CHECK(strstr(d, "\tstruct mm_struct *mm;\n"), "mm");
	CHECK(strstr(d, "\tstruct sched_entity se;\n"), "se");
	CHECK(strstr(d, "\tunsigned int sched_reset_on_fork: 1;\n"), "bitfield");
	CHECK(strstr(d, "\tunsigned long long arg_start;\n"), "arg_start");
	CHECK(strstr(d, "enum bpf_map_type {\n"), "enum");
	CHECK(strstr(d, "struct sched_entity {") && strstr(d, "struct sched_entity {") < strstr(d, "struct task_struct {"),
	      "sched_entity must be defined before task_struct");
	CHECK(strstr(d, "\t\t\t\tstruct net_device *dev;\n"), "dev nested in anonymous members");
	CHECK(!strstr(d, "tgid"), "unused member emitted");
	CHECK(strstr(d, "\tlong long (*read)(struct file *, char *, unsigned long long, long long *);\n"),
	      "function pointer member");
	CHECK(strstr(d, "struct file;\n"), "no forward declaration of struct file");
	/* the enum is defined (emitted above), so its field is spelled with it: CO-RE
	 * matches an enum-typed field only with an enum (libbpf refused scx_exit_info.kind
	 * spelled unsigned int) */
	CHECK(strstr(d, "\tenum bpf_map_type map_type;\n"), "enum-typed member");
	{
		KField fnm = member(k, kbtf_find_struct(k, "linux_binprm"), "filename");
		const char *cd = kemit_c_decl(e2, fnm.type, "f");
		CHECK(!strcmp(cd, "char *f"), "c_decl of const char *: %s", cd);
		CHECK(!strcmp(kemit_c_type(e2, comm.type), "char [16]"), "%s", kemit_c_type(e2, comm.type));
	}
	CHECK(strstr(d, "\tstruct refcount_struct usage;\n"), "refcount_t usage");
	CHECK(strstr(d, "\tstruct {\n\t\tint counter;\n\t} __attribute__((preserve_access_index)) refs;\n"),
	      "anonymous struct type of a named member");
	CHECK(strstr(d, "\tstruct cpumask cpus_mask;\n") && strstr(d, "\tunsigned long long bits["), "cpumask");
	CHECK(strstr(d, "struct cpumask {") < strstr(d, "struct task_struct {") &&
	      strstr(d, "struct refcount_struct {") < strstr(d, "struct task_struct {"), "order");
	CHECK(strstr(d, "} __attribute__((preserve_access_index));\n\nstruct task_struct {"),
	      "preserve_access_index");

	str_puts(&src, prelude);
	str_add(&src, d, strlen(d));
	str_add(&src, prog.buf, prog.len);
	const char *obj = compile("core", src.buf);
	CHECK(obj != NULL, "generated C does not compile: %s/core.c", tmpdir);
	if (obj) {
		int err = load_obj(obj);
		CHECK(err == 0, "load failed (%d) (%s/core.c):\n%s", err, tmpdir, libbpf_log.buf);
		if (getenv("BTF_TEST_LOG"))
			fputs(libbpf_log.buf, stdout);
	}
	if (getenv("BTF_TEST_SHOW"))
		fputs(src.buf, stdout);
}

/* A BTF where task_struct has a field the kernel lacks: kbtf_load takes the
 * .o; a probe using the field compiles but must fail to load. */
static void test_fake(const char *unit_dir)
{
	const char *err = NULL;
	const char *obj = xasprintf("%s/fake_btf.o", tmpdir);
	char *cmd = xasprintf("clang-19 -target bpf -O2 -g -c %s/fake_btf.c -o %s", unit_dir, obj);
	CHECK(system(cmd) == 0, "%s", cmd);

	KBtf *k = kbtf_load(obj, &err);
	CHECK(k != NULL, "kbtf_load(%s): %s", obj, err);
	if (!k)
		return;
	CHECK(!strcmp(kbtf_path(k), obj), "path %s", kbtf_path(k));
	int ts = kbtf_find_struct(k, "task_struct");
	KField m, a;
	CHECK(ts > 0 && kbtf_member(k, ts, "pybpf_no_such_field", &m) == 0, "fake field");
	CHECK(kbtf_member(k, ts, "pybpf_anon_b", &a) == 0 && a.path.len == 1 && a.bit_off == 384, "anon");
	KParam *p;
	int n;
	const char *nr;
	CHECK(kbtf_tp_btf_args(k, "sched_switch", &p, &n, &nr) == 0 && n == 4 && !strcmp(p[1].name, "prev"),
	      "fake sched_switch args");
	int64_t v;
	CHECK(kbtf_enum_value(k, "PYBPF_FAKE_ONE", &v, NULL) == 0 && v == 1, "fake enum");
	if (failed)
		return;

	KEmit *e = kemit_new(k);
	Str src = {0};
	kemit_use_member(e, ts, &m);
	kemit_use_member(e, ts, &a);
	str_puts(&src, prelude);
	Str prog = {0};
	str_printf(&prog,
		   "SEC(\"tp_btf/sched_switch\")\n"
		   "int pyb_fake(unsigned long long *ctx)\n"
		   "{\n"
		   "\t%s = (void *)ctx[1];\n"
		   "\tresults[0] = prev->pybpf_no_such_field + prev->pybpf_anon_b;\n"
		   "\treturn 0;\n"
		   "}\n",
		   kemit_c_decl(e, p[1].type, "prev"));
	kemit_output(e, &src);
	str_add(&src, prog.buf, prog.len);
	const char *o = compile("fake_core", src.buf);
	CHECK(o != NULL, "fake probe does not compile");
	if (!o)
		return;
	int rc = load_obj(o);
	CHECK(rc != 0, "a probe using a field the kernel lacks loaded");
	CHECK(strstr(libbpf_log.buf, "pybpf_no_such_field") != NULL, "libbpf log does not name the field:\n%s",
	      libbpf_log.buf);

	/* errors */
	CHECK(kbtf_load("/nonexistent/btf", &err) == NULL && strstr(err, "/nonexistent/btf"), "%s", err);
	CHECK(kbtf_load(xasprintf("%s/fake_btf.c", unit_dir), &err) == NULL, "a C file loaded as BTF");
}

static void test_tpformat(void)
{
	TpField *f;
	int n = 0;
	const char *err = NULL;

	CHECK(tpformat_load(NULL, "syscalls/sys_enter_openat", &f, &n, &err) == 0, "%s", err);
	TpField *dfd = NULL, *fn = NULL, *fl = NULL, *mode = NULL, *ct = NULL;
	for (int i = 0; i < n; i++) {
		if (!strcmp(f[i].name, "dfd"))
			dfd = &f[i];
		if (!strcmp(f[i].name, "filename"))
			fn = &f[i];
		if (!strcmp(f[i].name, "flags"))
			fl = &f[i];
		if (!strcmp(f[i].name, "mode"))
			mode = &f[i];
		if (!strcmp(f[i].name, "common_type"))
			ct = &f[i];
	}
	CHECK(dfd && dfd->offset == 16 && dfd->size == 8 && !strcmp(dfd->ctype, "int") && !dfd->common, "dfd");
	CHECK(fn && fn->offset == 24 && fn->size == 8 && fn->is_ptr && !strcmp(fn->ctype, "const char *"),
	      "filename: %s", fn ? fn->ctype : "missing");
	CHECK(fl && fl->offset == 32 && !fl->is_ptr, "flags");
	CHECK(mode && mode->offset == 40 && !strcmp(mode->ctype, "umode_t"), "mode");
	CHECK(ct && ct->common && ct->offset == 0 && ct->size == 2 && !ct->is_signed, "common_type");

	CHECK(tpformat_load(NULL, "sched/sched_switch", &f, &n, &err) == 0, "%s", err);
	TpField *pc = NULL, *pid = NULL;
	for (int i = 0; i < n; i++) {
		if (!strcmp(f[i].name, "prev_comm"))
			pc = &f[i];
		if (!strcmp(f[i].name, "prev_pid"))
			pid = &f[i];
	}
	CHECK(pc && pc->array_len == 16 && pc->size == 16 && !strcmp(pc->ctype, "char[16]"), "prev_comm");
	CHECK(pid && pid->is_signed && pid->size == 4, "prev_pid");

	CHECK(tpformat_load(NULL, "sched/sched_process_exec", &f, &n, &err) == 0, "%s", err);
	TpField *fname = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(f[i].name, "filename"))
			fname = &f[i];
	CHECK(fname && fname->data_loc && !strcmp(fname->ctype, "__data_loc char[]") && fname->size == 4,
	      "__data_loc: %s", fname ? fname->ctype : "missing");

	err = NULL;
	CHECK(tpformat_load(NULL, "syscalls/sys_enter_opnat", &f, &n, &err) == -1 && err && strstr(err, "sys_enter_opnat"),
	      "unknown tracepoint: %s", err ? err : "(no message)");
	const char *near = tpformat_nearest(NULL, "syscalls/sys_enter_opnat", 3);
	CHECK(strstr(near, "'syscalls/sys_enter_openat'") == near, "nearest: %s", near);
	near = tpformat_nearest(NULL, "sched/sched_swich", 3);
	CHECK(strstr(near, "'sched/sched_switch'") == near, "nearest: %s", near);
	near = tpformat_nearest(NULL, "shced/sched_switch", 3);
	CHECK(strstr(near, "'sched/sched_switch'") == near, "nearest: %s", near);
	err = NULL;
	CHECK(tpformat_load(NULL, "no_slash", &f, &n, &err) == -1 && err, "no slash");
	CHECK(tpformat_load(NULL, "../../x/format", &f, &n, &err) == -1, "path escape");
	CHECK(tpformat_load("/nonexistent", "syscalls/sys_enter_openat", &f, &n, &err) == -1 && strstr(err, "tracefs"),
	      "%s", err);
}

int main(int argc, char **argv)
{
	const char *unit_dir = argc > 1 ? argv[1] : "tests/unit";
	const char *err = NULL;
	char tmpl[] = "/tmp/pybpf-btf-test.XXXXXX";
	double t0, t1, t2, t3, emit_ms = 0;

	libbpf_set_print(log_fn);
	tmpdir = mkdtemp(tmpl);
	if (!tmpdir) {
		perror("mkdtemp");
		return 1;
	}

	/* timing: load + the lookups a probe touching five structs does */
	t0 = now_ms();
	KBtf *k = kbtf_load(NULL, &err);
	t1 = now_ms();
	if (!k) {
		fprintf(stderr, "kbtf_load: %s\n", err);
		return 1;
	}
	static const char *const structs[] = { "task_struct", "mm_struct", "sched_entity", "sk_buff", "file" };
	for (size_t i = 0; i < sizeof(structs) / sizeof(structs[0]); i++) {
		KField m;
		int id = kbtf_find_struct(k, structs[i]);
		kbtf_member(k, id, "pid", &m);
	}
	KParam *a;
	int n;
	kbtf_tp_btf_args(k, "sched_switch", &a, &n, NULL);
	t2 = now_ms();
	int64_t v;
	kbtf_enum_value(k, "BPF_MAP_TYPE_HASH", &v, NULL);
	t3 = now_ms();

	test_lookups(k);
	test_emit(k, &emit_ms);
	test_fake(unit_dir);
	test_tpformat();

	printf("btf: timing: kbtf_load %.2f ms, name index + 5 struct lookups + tp args %.2f ms, "
	       "enumerator index + lookup %.2f ms, emission %.2f ms\n",
	       t1 - t0, t2 - t1, t3 - t2, emit_ms);
	if (!failed && !getenv("BTF_TEST_KEEP")) {
		char *cmd = xasprintf("rm -rf %s", tmpdir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	} else {
		printf("btf: files in %s\n", tmpdir);
	}
	printf("btf: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
