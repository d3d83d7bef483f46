/* metrics.h — pybpf load --metrics ADDR: the probe's maps, globals and
 * counters served to Prometheus over HTTP (docs/metrics.md).
 *
 * metrics.c is the server: its own threads, so that a scrape never
 * blocks the loader's event loop; bounded requests, time-outs and a
 * bounded number of connections, so that no client can stall or crash
 * it. metrics_expo.c writes the exposition: the families are planned once
 * (names, HELP, types, label names) in the loader's thread, and a scrape
 * only reads the maps (mapread.h) and formats numbers, with no global
 * state of its own.
 */
#ifndef PYBPF_METRICS_H
#define PYBPF_METRICS_H

#include <stdbool.h>
#include <sys/socket.h>
#include "pyc.h"

struct bpf_object;

/* "127.0.0.1:9435", "[::1]:9435", "localhost:9435", ":9435" (127.0.0.1):
 * 0 with *sa and *len set, or -1 with *why saying what is wrong. */
int metrics_parse_addr(const char *spec, struct sockaddr_storage *sa, socklen_t *len, const char **why);

/* ---- the exposition (metrics_expo.c) ---- */
typedef struct MetricsPlan MetricsPlan;
MetricsPlan *metrics_plan(struct bpf_object *obj, Prog *prog);
void metrics_plan_free(MetricsPlan *p);
/* Every family, read now: the text format 0.0.4, or OpenMetrics 1.0.0 (om). */
void metrics_expose(Str *o, MetricsPlan *p, bool om);

/* ---- the server (metrics.c) ---- */
typedef struct MetricsServer MetricsServer;
/* Listening on spec and serving, or NULL after saying why on stderr. */
MetricsServer *metrics_start(const char *spec, struct bpf_object *obj, Prog *prog);
/* Closes the socket, ends every connection and joins the threads (NULL: nothing). */
void metrics_stop(MetricsServer *s);

#endif
