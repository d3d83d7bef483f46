/* loader.h — compile a probe file and run it in the kernel.
 *
 * The flow follows libbpf-bootstrap: compile (cached) -> open -> set
 * read-only config (-D) -> load -> attach -> poll the ring buffer until a
 * signal or --duration -> print maps and counters -> one cleanup path.
 */
#ifndef PYBPF_LOADER_H
#define PYBPF_LOADER_H

#include "pyc.h"

/* A -D NAME=VALUE override of a Final constant. */
typedef struct Define {
	const char *name;
	const char *value;
} Define;

typedef struct LoadOpts {
	double duration;      /* seconds; 0 = until Ctrl-C / SIGTERM */
	Vec defines;          /* Define* */
	bool verbose;         /* libbpf's messages, timings */
	bool no_cache;
	bool json;            /* --format json */
	bool timestamps;      /* --timestamps: print lines start with HH:MM:SS (bpftrace's time()) */
	bool once;            /* pybpf run: @begin and @end once, no waiting */
	const char *pin_name; /* --pin NAME: keep it in the kernel, hot-reloadable */
	bool watch;           /* --watch: reload when the file changes */
	bool reset_maps;      /* reload: maps whose layout changed start empty */
	const char *src_path; /* the file loaded (pinned instances remember it) */
	/* packet probes (loader/net.c) */
	const char *iface;    /* --iface NAME: where @xdp and @tc probes attach */
	const char *cgroup;   /* --cgroup PATH: where @cgroup_skb probes attach */
	bool test_run;        /* pybpf test-run (with once): packet probes run on packets, nothing attached */
	Vec packets;          /* NetPacket*: test-run's --packet HEX, in order */
	int repeat;           /* test-run's --repeat N: N runs a packet, timed (0: one, untimed) */
	const char *metrics;  /* --metrics HOST:PORT: serve the maps to Prometheus (loader/metrics.c) */
	const char *object;   /* --object X.o: load this object (pybpf compile -o) instead of running clang */
} LoadOpts;

/* pybpf -e PROGRAM: the probe file's text, compiled under the name
 * INLINE_NAME (diagnostics say <cmdline>:LINE:COL); NULL otherwise. */
#define INLINE_NAME "<cmdline>"
extern const char *inline_program;

/* pybpf load: returns the process exit status. */
int load_main(const char *path, LoadOpts *opts);

#endif
