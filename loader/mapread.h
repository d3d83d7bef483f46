/* mapread.h — reading a loaded program's maps and counters from user space.
 *
 * What `pybpf load` shows at exit (load.c), what the metrics server
 * exports (metrics.c) and what the Python extension returns (python/)
 * all come from here, so the three agree on every value: keys as the
 * kernel stores them, values merged across CPUs by the rules in pyc.h.
 */
#ifndef PYBPF_MAPREAD_H
#define PYBPF_MAPREAD_H

#include <stdbool.h>
#include <stdint.h>
#include "pyc.h"

struct bpf_object;

/* The entries of a map: keys[i] (key_size bytes), vals[i] (ty_size(val), merged). */
typedef struct MapRows {
	int n, cap, key_size;
	unsigned char **keys, **vals;
} MapRows;

/* An integer of t's size and signedness at p (*u, when given, its bits). */
int64_t mr_read_int(const void *p, Type *t, uint64_t *u);

/* Can m's entries be walked and read? (Not a ring buffer, bloom filter,
 * local storage, SortedList, timer, program or perf-event map; a Queue or
 * Stack is read only by popping, map_pop_all.) */
bool map_walkable(MapDecl *m);

/* Every entry of m (fd its map), per-CPU values merged; an Array's all-zero
 * slots are left out (an array has every index: these were never set).
 * Entries deleted during the walk are skipped. Returns 0 or -errno. */
int map_read_rows(int fd, MapDecl *m, MapRows *rows);
void map_rows_free(MapRows *rows);

/* Empty m (user space does it: the kernel cannot walk a hash map); an
 * array's slots are set back to zero, a Queue or Stack popped. */
void map_clear(int fd, MapDecl *m);

/* One entry: val gets ty_size(m's value) bytes, merged. 0, or -ENOENT. */
int map_lookup_merged(int fd, MapDecl *m, const void *key, unsigned char *val);

/* A Queue or Stack, emptied: its values oldest first, in rows->vals. */
void map_pop_all(int fd, MapDecl *m, MapRows *rows);

/* Read `size` bytes at element `index` of global `var` in section sec
 * (".bss", ".data"), from the kernel. Returns 0, or -1 when there is no
 * such variable. */
int read_global(struct bpf_object *obj, const char *sec, const char *var, int index, void *out, int size);

/* The program's counters (.bss.pyb, whose map fd is fd): [0] lost records,
 * [1 + i] the exception slots, raw; *n gets their number. NULL when they
 * cannot be read; the caller frees the array. counter_value(all, i) is
 * counter i's count, read_counter(fd, i) one counter alone. */
uint64_t *read_counters(int fd, int *n);
uint64_t counter_value(const uint64_t *all, int i);
uint64_t read_counter(int fd, int index);
/* The fd of the counters' map (.bss.pyb) in obj, or -1. */
int counters_map_fd(struct bpf_object *obj);

#endif
