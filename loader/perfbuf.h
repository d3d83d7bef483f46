/* perfbuf.h — the loader's side of PerfBuf and PerfCounters (pyc/check_perf.c):
 * libbpf perf_buffers read beside the ring buffers, and the perf events a
 * PerfCounters map holds. */
#ifndef PYBPF_PERFBUF_H
#define PYBPF_PERFBUF_H

#include "pyc.h"

#include <stddef.h>

struct bpf_object;
struct ring_buffer;
typedef struct PerfBufs PerfBufs;

/* After the object is loaded, before its probes attach: a perf_buffer for
 * each PerfBuf map (its records go to on_event(m, data, size), the
 * function that prints a RingBuf's records), and each PerfCounters map
 * filled with its event opened on every CPU. NULL after printing why
 * (pinned programs cannot have these maps; a hardware event this machine
 * lacks). */
PerfBufs *perf_open(struct bpf_object *obj, Prog *prog, const char *pin, int (*on_event)(void *, void *, size_t));
/* ring_buffer__poll(rb, timeout_ms), with the perf buffers polled too:
 * the records handled, or a negative errno */
int perf_poll(PerfBufs *p, struct ring_buffer *rb, int timeout_ms);
/* What the perf buffers hold now (at exit, after the ring buffer's) */
void perf_consume(PerfBufs *p);
/* The records each PerfBuf lost (its CPU's buffer was full), at exit */
void perf_report_lost(PerfBufs *p);
/* The buffers freed, the counters' perf events closed */
void perf_free(PerfBufs *p);

#endif
