/* output.h — what `pybpf load` shows: print() records, maps, module-level
 * variables, histograms, as text (bpftrace-style) or JSON (one object per
 * line; schema in docs/output.md).
 *
 * load.c reads the kernel's maps and hands the raw bytes here: keys as the
 * kernel stores them, values already merged across CPUs (see AggKind in
 * pyc.h for the layouts and the merge rules).
 */
#ifndef PYBPF_OUTPUT_H
#define PYBPF_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "pyc.h"

typedef enum { OUT_TEXT, OUT_JSON } OutFormat;

void out_init(FILE *f, OutFormat fmt);
OutFormat out_format(void);

/* One formatted print() record (text is what Python's print would write,
 * end included). Text mode writes it as is; JSON mode writes
 * {"type": "print", "probe": NAME, "text": TEXT} (the text without the
 * final newline when end is "\n"). */
void out_print(const char *probe, const char *text, size_t len);

/* A map at exit (or at an interval): n entries, keys[i] of ty_size(key)
 * bytes (an LPMTrie's as the kernel keeps them: u32 prefix length, then the
 * address most significant byte first; shown as "t[prefix, length]", or for
 * an LPMTrie of IPv4 "t[10.0.0.0/8]"), vals[i] merged. IPv4 and IPv6 keys
 * (Type.addr) show as addresses, "10.0.0.2", "fe80::1", in JSON as
 * strings, also inside tuples. Text: sorted by value ascending (ties by key),
 * "name[key]: value" per entry; aggregations as bpftrace shows them
 * (hist/lhist as bucket ranges with ASCII bars, stats as
 * "count 3, average 5, total 15"...), maps separated by a blank line (the
 * first map printed gets none before it). Tuple keys print as "a, b".
 * JSON: {"type": "map", "name": NAME, "entries": [{"key": K, "value": V}, ...]}
 * with K a number, string or array (tuples), and V a number, or for
 * aggregations an object ({"count":..,"sum":..,"min":..,"max":..,"avg":..}
 * or {"buckets": [{"min": lo, "max": hi_exclusive_or_null, "count": c}, ...]}).
 * An empty map prints nothing in text mode and an empty entries list in JSON.
 * (As implemented, output.c: "the value" that entries sort by is, for
 * aggregations, what bpftrace sorts by: Count/Sum/Min/Max their number,
 * Avg/Stats the average, Hist/LHist the total count; Count and Sum are JSON
 * numbers, Min/Max/Avg/Stats the 5-field object (min/max/avg null when
 * count is 0); the buckets are those from the first to the last non-zero
 * one, with "min": null for the bucket of values below the first bound.) */
void out_map(MapDecl *m, unsigned char **keys, unsigned char **vals, int n);

/* A module-level variable: "name: value" / {"type": "global", "name": N, "value": V}. */
void out_global(const char *name, Type *t, const unsigned char *val);

/* An unkeyed aggregation (`lat: Hist = Hist()`): "name:" then the
 * histogram / "name: count 3, ..." ; JSON like a map entry without key:
 * {"type": "agg", "name": N, "value": V}. */
void out_agg(const char *name, Type *t, const unsigned char *val);

/* End of a map dump at an interval: text prints nothing; JSON nothing.
 * (Flushes the stream; the next map printed is again "the first".) */
void out_flush(void);

/* Added with output.c: the two run-time reports load.c used to print itself.
 * N print records lost: text "pybpf: N print records lost (the ring buffer
 * was full)" ("record" when N is 1) on stderr; JSON {"type": "lost",
 * "count": N} on the output. */
void out_lost(uint64_t n);
void out_lost_in(const char *map, uint64_t n);   /* a PerfBuf's lost records (loader/perfbuf.c) */
/* Uncaught exceptions at a raise site: text on stderr as
 * "file:line: Exc[: msg] in probe: N time(s)" (final) or
 * "file:line: Exc[: msg] in probe (N so far)" (while running);
 * JSON {"type": "exception", "file": F, "line": L, "exception": E,
 * "message": null or M, "probe": P, "count": N, "final": bool}. */
void out_exception(const char *file, int line, const char *exc, const char *msg, const char *probe, uint64_t count,
		   bool final);

/* pybpf test-run: packet N through probe P (loader/net.c). verdict is the
 * return value's name (NULL when the probe kind names no such value),
 * data the packet after the run in hex when the program changed it (else
 * NULL), ns the kernel's time per run with --repeat (else -1). Text
 * "fw: packet 1: XDP_DROP (1)[ data HEX][ N ns/run]" (a nameless value
 * alone: "fw: packet 1: 5"); JSON {"type": "test_run", "probe": P,
 * "packet": N, "verdict": NAME or null, "retval": R, "data": HEX or null,
 * "ns_per_run": N or null}. */
void out_test_run(const char *probe, int packet, const char *verdict, int64_t retval, const char *data, int64_t ns);

/* A Struct record from a RingBuf map: text "Event(pid=1, comm='bash')" (the
 * repr of a Python dataclass); JSON {"type": "event", "map": M, "struct": S,
 * "data": {field: value, ...}}. */
void out_event(MapDecl *m, const unsigned char *rec);

/* A Queue or Stack at exit, oldest first: text "name: [1, 2, 3]" (nothing
 * when empty); JSON {"type": "list", "name": N, "values": [...]}. */
void out_list(MapDecl *m, unsigned char **vals, int n);

/* KStack/UStack values in keys: fn gives the frames of a value (symbols,
 * or hex addresses, or one "[stack unavailable: why]" line), oldest call
 * last, and returns their number. load.c sets it. Text shows one frame a
 * line, indented 4 (as bpftrace 0.17); JSON an array of strings. */
typedef int (*out_stack_fn)(uint64_t value, bool user, const char ***frames);
void out_set_stack_fn(out_stack_fn fn);

/* A key or value as JSON (what the JSON output shows in "key"/"value"),
 * appended to o: the Python extension decodes map entries with it. */
void out_json_value(Str *o, Type *t, const unsigned char *p);

/* Sizes: ty_size() (pyc/check.c) gives the bytes of any key or value type,
 * TY_TUPLE and TY_AGG included. */

#endif
