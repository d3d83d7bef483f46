/* main.c — the pybpf command line. */
#include "loader.h"
#include "prepare.h"
#include "explain.h"
#include "probes.h"
#include "support.h"
#include "pin.h"
#include "net.h"
#include "metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: pybpf <command> [options] FILE.py\n"
	"       pybpf -e 'PROGRAM' [load options]   (the same as pybpf load -e 'PROGRAM')\n"
	"\n"
	"commands:\n"
	"  load FILE.py      compile, load and attach; stream print() output; print maps at exit\n"
	"      -e PROGRAM    the probe file's text instead of FILE.py, with 'from pybpf import *'\n"
	"                    implied; messages call it <cmdline> (also for run and check)\n"
	"      --duration S  stop after S seconds (default: until Ctrl-C or SIGTERM)\n"
	"      -D NAME=VALUE override a Final constant\n"
	"      --format F    text (default) or json: one JSON object per line (docs/output.md)\n"
	"      --timestamps  start every print line with the local time, HH:MM:SS (as bpftrace's time())\n"
	"      -v            show libbpf's messages and timings\n"
	"      --no-cache    always run clang\n"
	"      --btf FILE    compile against these kernel types (default: the running kernel's)\n"
	"      --object X.o  load X.o, built by 'pybpf compile FILE.py -o X.o' against this kernel's\n"
	"                    types, instead of running clang (a machine without clang: a QEMU guest)\n"
	"      --pin NAME    keep it loaded after this process ends, under /sys/fs/bpf/pybpf/NAME\n"
	"      --watch       reload it whenever FILE.py changes\n"
	"      --iface NAME  the network interface @xdp and @tc probes attach to\n"
	"      --cgroup PATH the cgroup (v2) directory @cgroup_skb probes attach to\n"
	"      --metrics HOST:PORT\n"
	"                    serve the maps to Prometheus at http://HOST:PORT/metrics (127.0.0.1:9435,\n"
	"                    [::1]:9435, localhost:9435; port 0: any free one, printed) (docs/metrics.md)\n"
	"  reload NAME FILE.py [--reset-maps] [--object X.o]\n"
	"                    swap a pinned instance's programs for FILE.py's; maps keep their contents\n"
	"  ls                list pinned instances\n"
	"  unload NAME       detach and remove a pinned instance\n"
	"  compile FILE.py [-o OUT]\n"
	"                    write the generated BPF C (OUT ending in .c, or stdout)\n"
	"                    or the BPF object (OUT ending in .o)\n"
	"  run FILE.py       a one-shot kernel program: run its @begin and @end probes\n"
	"                    (BPF syscall programs) once, show its maps, exit\n"
	"  test-run FILE.py --packet HEX [--packet HEX ...] [--repeat N]\n"
	"                    run the packet probes (@xdp, @tc, @cgroup_skb) on each packet (an Ethernet\n"
	"                    frame in hex; @cgroup_skb sees it from the IP header) without attaching them,\n"
	"                    one line per run: its verdict, the packet when changed, with --repeat N the\n"
	"                    kernel's ns per run over N runs; @begin and @end once; maps at exit as load\n"
	"                    (-D, --format, --btf, -v, --no-cache as load)\n"
	"  check FILE.py [-D NAME=VALUE ...]\n"
	"                    parse and type-check only (no kernel, no clang)\n"
	"  probes [PATTERN]  list attach points, e.g. 'tracepoint:sched:*', 'fentry:vfs_*',\n"
	"                    'tp_btf:sched_*', 'lsm:file_*', 'struct_ops:*', 'uprobe:libc:malloc*',\n"
	"                    'usdt:/usr/bin/python3.11:*'\n"
	"  api [PATTERN] [--btf FILE]\n"
	"                    list the BPF helpers (bpf.NAME()) and the kernel's kfuncs whose name contains PATTERN,\n"
	"                    with their Python signatures and the probe kinds that may call them\n"
	"  api --coverage    per probe kind, N of M helpers callable and why not the others; then the kfuncs\n"
	"  help              this text\n";

static _Noreturn void bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "pybpf: error: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", usage);
	exit(2);
}

/* -e PROGRAM: the file's text from the command line (load.c compiles it as INLINE_NAME) */
static const char *take_inline(const char *in, const char *text)
{
	if (in)
		bad_usage("-e gives the program's text: no FILE.py with it (here '%s')",
			  strcmp(in, INLINE_NAME) ? in : "a second -e");
	if (!text)
		bad_usage("%s needs the program's text", "-e");
	inline_program = text;
	pyc_implied_import = true;
	return INLINE_NAME;
}

/* --metrics HOST:PORT (loader/metrics.c serves it) */
static const char *metrics_option(const char *v)
{
	struct sockaddr_storage sa;
	socklen_t len;
	const char *why;
	if (!v)
		bad_usage("%s needs an address to listen on, e.g. 127.0.0.1:9435", "--metrics");
	if (metrics_parse_addr(v, &sa, &len, &why) < 0)
		bad_usage(xasprintf("--metrics %%s: %s", why), v);
	return v;
}

static int cmd_compile(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	Str c = {0};
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--btf")) {
			if (++i == argc)
				bad_usage("%s needs a file", "--btf");
			pyc_btf_path = argv[i];
		} else if (!strcmp(argv[i], "-o")) {
			if (++i == argc)
				bad_usage("%s needs a file name", "-o");
			out = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			bad_usage("unknown option '%s' for compile", argv[i]);
		} else if (!in) {
			in = argv[i];
		} else {
			bad_usage("unexpected argument '%s'", argv[i]);
		}
	}
	if (!in)
		bad_usage("%s", "compile needs a FILE.py");
	pyc_tracefs = sys_tracefs();
	Prog *prog = compile_to_c(in, &c);
	if (!out || !strcmp(out, "-")) {
		fwrite(c.buf, 1, c.len, stdout);
		return 0;
	}
	size_t ol = strlen(out);
	if (ol > 2 && !strcmp(out + ol - 2, ".o")) {
		struct bpfcc_result r = {0};
		if (bpfcc_compile_to(c.buf, c.len, out, &r) < 0)
			return explain_clang_failure(prog, r.diagnostics);
		return 0;
	}
	FILE *f = fopen(out, "w");
	if (!f || fwrite(c.buf, 1, c.len, f) != c.len || fclose(f)) {
		fprintf(stderr, "pybpf: error: cannot write %s: %s\n", out, strerror(errno));
		return 1;
	}
	return 0;
}

/* pybpf load, run (once) and test-run (once, on packets: loader/net.c) */
static int cmd_load(int argc, char **argv, const char *cmd)
{
	bool tr = !strcmp(cmd, "test-run");
	LoadOpts o = {.once = strcmp(cmd, "load") != 0, .test_run = tr};
	const char *in = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(cmd, "load") && (!strcmp(a, "--iface") || !strcmp(a, "--cgroup"))) {
			if (++i == argc)
				bad_usage(a[2] == 'i' ? "%s needs an interface name" : "%s needs a cgroup directory", a);
			*(a[2] == 'i' ? &o.iface : &o.cgroup) = argv[i];
		} else if (tr && !strcmp(a, "--packet")) {
			const char *why = NULL;
			NetPacket *pk;
			if (++i == argc)
				bad_usage("%s needs a packet in hex", a);
			if (!(pk = net_parse_packet(argv[i], &why)))
				bad_usage(xasprintf("--packet %%s: %s", why), argv[i]);
			vec_push(&o.packets, pk);
		} else if (tr && !strcmp(a, "--repeat")) {
			char *end;
			long n = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : 0;
			if (++i == argc || *end || end == argv[i] || n < 1 || n > 100000000)
				bad_usage("--repeat %s: expected a number of runs, 1 to 100000000", i < argc ? argv[i] : "");
			o.repeat = (int)n;
		} else if (tr && (!strcmp(a, "--duration") || !strncmp(a, "--duration=", 11) || !strcmp(a, "--pin") ||
				  !strcmp(a, "--watch"))) {
			bad_usage("%s: pybpf test-run attaches nothing and ends when the packets have run", a);
		} else if (!strcmp(a, "--duration") || !strncmp(a, "--duration=", 11)) {
			const char *v = a[10] == '=' ? a + 11 : (++i < argc ? argv[i] : NULL);
			char *end;
			if (!v)
				bad_usage("%s needs a number of seconds", "--duration");
			o.duration = strtod(v, &end);
			if (*end || end == v || o.duration <= 0)
				bad_usage("--duration %s: expected a positive number of seconds", v);
		} else if (!strcmp(a, "-D") || !strncmp(a, "-D", 2)) {
			const char *v = a[2] ? a + 2 : (++i < argc ? argv[i] : NULL);
			const char *eq;
			Define *d;
			if (!v || !(eq = strchr(v, '=')) || eq == v)
				bad_usage("-D needs NAME=VALUE%s", "");
			d = xcalloc(1, sizeof(*d));
			d->name = xstrndup(v, eq - v);
			d->value = eq + 1;
			vec_push(&o.defines, d);
		} else if (!strcmp(a, "--btf")) {
			if (++i == argc)
				bad_usage("%s needs a file", "--btf");
			pyc_btf_path = argv[i];
		} else if (!strcmp(a, "--object")) {
			if (++i == argc)
				bad_usage("%s needs a file", "--object");
			o.object = argv[i];
		} else if (!strcmp(a, "--format") || !strncmp(a, "--format=", 9)) {
			const char *v = a[8] == '=' ? a + 9 : (++i < argc ? argv[i] : NULL);
			if (!v || (strcmp(v, "json") && strcmp(v, "text")))
				bad_usage("--format takes text or json%s", "");
			o.json = !strcmp(v, "json");
		} else if (!strcmp(a, "--timestamps")) {
			o.timestamps = true;
		} else if (!strcmp(a, "-v")) {
			o.verbose = true;
		} else if (!strcmp(a, "--no-cache")) {
			o.no_cache = true;
		} else if (!strcmp(a, "--pin")) {
			if (++i == argc)
				bad_usage("%s needs a name", "--pin");
			o.pin_name = argv[i];
		} else if (!strcmp(a, "--watch")) {
			o.watch = true;
		} else if (!strcmp(cmd, "load") && (!strcmp(a, "--metrics") || !strncmp(a, "--metrics=", 10))) {
			o.metrics = metrics_option(a[9] == '=' ? a + 10 : (++i < argc ? argv[i] : NULL));
		} else if (!strcmp(a, "-e")) {
			in = take_inline(in, ++i < argc ? argv[i] : NULL);
		} else if (a[0] == '-' && a[1]) {
			bad_usage(xasprintf("unknown option '%%s' for %s", cmd), a);
		} else if (!in) {
			in = a;
		} else {
			bad_usage(inline_program ? "-e gives the program's text: no FILE.py with it (here '%s')"
				  : "unexpected argument '%s'", a);
		}
	}
	if (!in)
		bad_usage("%s needs a FILE.py (or -e 'PROGRAM')", cmd);
	if (tr && !o.packets.len)
		bad_usage("%s", "test-run needs packets to run: --packet HEX (an Ethernet frame), once or more");
	if (inline_program && (o.pin_name || o.watch))
		bad_usage("%s: a program given with -e has no file to keep or watch; write it to a FILE.py",
			  o.pin_name ? "--pin" : "--watch");
	return load_main(in, &o);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(usage, cmd ? stdout : stderr);
		return cmd ? 0 : 2;
	}
	if (!strcmp(cmd, "load"))
		return cmd_load(argc - 2, argv + 2, "load");
	if (!strcmp(cmd, "-e"))   /* pybpf -e 'PROGRAM': a one-liner, as bpftrace -e */
		return cmd_load(argc - 1, argv + 1, "load");
	if (!strcmp(cmd, "run") || !strcmp(cmd, "test-run"))
		return cmd_load(argc - 2, argv + 2, cmd);
	if (!strcmp(cmd, "reload")) {
		LoadOpts o = {0};
		const char *name = NULL, *file = NULL;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--reset-maps"))
				o.reset_maps = true;
			else if (!strcmp(argv[i], "--object") && i + 1 < argc)
				o.object = argv[++i];
			else if (!strcmp(argv[i], "-v"))
				o.verbose = true;
			else if (!strcmp(argv[i], "-D") && i + 1 < argc) {
				Define *d = xcalloc(1, sizeof(*d));
				char *eq = strchr(argv[++i], '=');
				if (!eq)
					bad_usage("-D needs NAME=VALUE%s", "");
				d->name = xstrndup(argv[i], eq - argv[i]);
				d->value = eq + 1;
				vec_push(&o.defines, d);
			} else if (argv[i][0] == '-')
				bad_usage("unknown option '%s' for reload", argv[i]);
			else if (!name)
				name = argv[i];
			else if (!file)
				file = argv[i];
			else
				bad_usage("unexpected argument '%s'", argv[i]);
		}
		if (!name || !file)
			bad_usage("%s", "reload takes NAME FILE.py");
		if (sys_check_privileges() < 0 || sys_ensure_mounts() < 0)
			return 1;
		pyc_tracefs = sys_tracefs();
		return pin_reload(name, file, &o, NULL);
	}
	if (!strcmp(cmd, "unload")) {
		if (argc != 3)
			bad_usage("%s", "unload takes NAME");
		if (sys_check_privileges() < 0 || sys_ensure_mounts() < 0)
			return 1;
		return pin_unload(argv[2]);
	}
	if (!strcmp(cmd, "ls")) {
		if (sys_check_privileges() < 0 || sys_ensure_mounts() < 0)
			return 1;
		return pin_list();
	}
	if (!strcmp(cmd, "compile"))
		return cmd_compile(argc - 2, argv + 2);
	if (!strcmp(cmd, "api")) {
		if (argc >= 4 && !strcmp(argv[argc - 2], "--btf")) {   /* another kernel's kfuncs */
			pyc_btf_path = argv[argc - 1];
			argc -= 2;
		}
		if (argc > 3)
			bad_usage("%s", "api takes at most one PATTERN, or --coverage");
		if (argc == 3 && !strcmp(argv[2], "--coverage"))
			return helpers_coverage();
		return helpers_api(argc == 3 ? argv[2] : NULL);
	}
	if (!strcmp(cmd, "check")) {
		const char *in = NULL;
		LoadOpts co = {0};
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--btf") && i + 1 < argc) {
				pyc_btf_path = argv[++i];
			} else if (!strncmp(argv[i], "-D", 2)) {   /* checked as load would check it */
				const char *v = argv[i][2] ? argv[i] + 2 : (i + 1 < argc ? argv[++i] : NULL);
				const char *eq = v ? strchr(v, '=') : NULL;
				Define *d;
				if (!eq || eq == v)
					bad_usage("-D needs NAME=VALUE%s", "");
				d = xcalloc(1, sizeof(*d));
				d->name = xstrndup(v, eq - v);
				d->value = eq + 1;
				vec_push(&co.defines, d);
			} else if (!strcmp(argv[i], "-e")) {
				in = take_inline(in, i + 1 < argc ? argv[++i] : NULL);
			} else if (argv[i][0] == '-' && argv[i][1])
				bad_usage("unknown option '%s' for check", argv[i]);
			else if (!in)
				in = argv[i];
			else
				bad_usage("unexpected argument '%s'", argv[i]);
		}
		if (!in)
			bad_usage("%s", "check takes one FILE.py");
		pyc_tracefs = sys_tracefs();
		set_const_overrides(&co);
		check_defines(compile_file(in), &co);
		return 0;
	}
	if (!strcmp(cmd, "probes")) {
		if (argc > 3)
			bad_usage("unexpected argument '%s'", argv[3]);
		if (geteuid() == 0)
			sys_ensure_mounts();   /* tracefs; non-root lists what it can read */
		return probes_list(argc > 2 ? argv[2] : NULL, stdout);
	}
	bad_usage("unknown command '%s'", cmd);
}
