/* session.h — one loaded program, in phases: what `pybpf load` runs from
 * its main loop and what the Python extension (python/ext/native.c) drives
 * from Python, so both load, attach, poll and clean up with the same code.
 *
 *   session_open    privileges, compile, load, attach, @begin, ring buffers
 *   session_poll    one pass of the loop: records, reloads, reports
 *   session_finish  detach, @end, drain; with dump, the maps and counters
 *   session_close   everything the session made goes (always safe to call)
 *
 * Errors are printed on stderr (diag.c, explain.c) and make session_open
 * return -1 with nothing left loaded; the compiler's exit on a bad
 * program longjmps to diag_jmp when a caller set it.
 */
#ifndef PYBPF_SESSION_H
#define PYBPF_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include "loader.h"
#include "support.h"

struct bpf_object;
struct bpf_link;
struct ring_buffer;
typedef struct PerfBufs PerfBufs;
typedef struct MetricsServer MetricsServer;

/* Where print() text and RingBuf records go. Unset: stdout, through
 * output.c (text or JSON). text gets whole formatted records, in order;
 * a RingBuf record comes after all text formatted before it. */
typedef struct Sink {
	void (*text)(void *ctx, const char *text, size_t len);
	void (*event)(void *ctx, MapDecl *m, const unsigned char *rec);
	void *ctx;
} Sink;

/* print records being formatted */
typedef struct Run {
	Prog *prog;           /* the version whose records are being formatted */
	Vec versions;         /* Prog* by version number (pinned instances), NULL where unknown */
	struct bpf_object *obj;
	Str out;
	uint64_t records;
	Sink sink;
} Run;

typedef struct Session {
	LoadOpts *o;
	const char *path;
	Str c;                /* the generated C */
	Prog *prog;
	struct bpfcc_result cc;
	struct bpf_object *obj;
	Vec linkv, who;       /* struct bpf_link*, and what each is; linkv the links still to destroy
	                       * (session_finish destroys them and empties it) */
	struct ring_buffer *rb;
	PerfBufs *perf;       /* PerfBuf and PerfCounters maps (perfbuf.c) */
	MetricsServer *metrics;   /* --metrics (metrics.c) */
	const char *pin;
	bool auto_pin;        /* --watch alone: pinned under a name of its own, unloaded at the end */
	bool quiet;           /* no exception reports on stderr while running (the caller reads the counters) */
	bool finished;
	const char *phase;    /* how far session_open got: "setup", "compile" (the program's own errors), "load" */
	int status;           /* when session_open failed: the exit status (1; 70 for a compiler bug) */
	struct stat st0;      /* the source file when loaded (--watch) */
	int version;
	uint64_t *seen, *zero, t0, next_report;
	Run run;
	struct SchedRun *sched;   /* a sched_ext scheduler's state and exit (scx.c) */
	bool ended;           /* it ended on its own: the kernel ended the scheduler */
} Session;

/* 0, or -1 when the program did not load (why is on stderr; nothing stays
 * loaded once session_close runs). s is zeroed first, except s->run.sink
 * and s->quiet, which the caller sets before. */
int session_open(Session *s, const char *path, LoadOpts *o);
/* Wait up to timeout_ms for records and hand them to the sink. Returns
 * the number of records handled (>= 0) or -errno. */
int session_poll(Session *s, int timeout_ms);
/* Detach, run @end, hand over what is buffered; dump: show the maps,
 * globals, exceptions and lost records as pybpf load does at exit. */
void session_finish(Session *s, bool dump);
void session_close(Session *s);

#endif
