/* mapread.c — a loaded program's maps and counters, read from user space
 * (mapread.h). */
#include "mapread.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int64_t mr_read_int(const void *p, Type *t, uint64_t *u)
{
	int64_t v = 0;
	switch (t->size) {
	case 1: v = t->is_signed ? (int64_t)*(int8_t *)p : (int64_t)*(uint8_t *)p; break;
	case 2: v = t->is_signed ? (int64_t)*(int16_t *)p : (int64_t)*(uint16_t *)p; break;
	case 4: v = t->is_signed ? (int64_t)*(int32_t *)p : (int64_t)*(uint32_t *)p; break;
	default: memcpy(&v, p, 8); break;
	}
	if (u)
		*u = (uint64_t)v;
	return v;
}

/* Merge the per-CPU copies of a value (ncpu of them, stride bytes apart)
 * into out, by the rules in pyc.h: counts, sums and slots add; min and max
 * over the CPUs that saw a value; plain integers add. */
static void merge_percpu(Type *vt, const unsigned char *in, int ncpu, int stride, unsigned char *out)
{
	int size = ty_size(vt);
	memset(out, 0, size);
	for (int c = 0; c < ncpu; c++) {
		const unsigned char *v = in + (size_t)c * stride;
		if (vt->kind == TY_AGG && vt->agg != AGG_COUNT && vt->agg != AGG_SUM && vt->agg != AGG_HIST &&
		    vt->agg != AGG_LHIST) {
			int64_t a[4], o[4];
			memcpy(a, v, 32);
			memcpy(o, out, 32);
			if (!a[0])
				continue;
			if (!o[0] || a[2] < o[2])
				o[2] = a[2];
			if (!o[0] || a[3] > o[3])
				o[3] = a[3];
			o[0] += a[0];
			o[1] += a[1];
			memcpy(out, o, 32);
		} else if (vt->kind == TY_AGG) {
			for (int i = 0; i < size / 8; i++) {
				uint64_t x, y;
				memcpy(&x, v + i * 8, 8);
				memcpy(&y, out + i * 8, 8);
				y += x;
				memcpy(out + i * 8, &y, 8);
			}
		} else {
			uint64_t x, y = 0;
			mr_read_int(v, vt, &x);
			memcpy(&y, out, size);
			y = (uint64_t)mr_read_int(&y, vt, NULL) + x;
			memcpy(out, &y, size);
		}
	}
}


bool map_walkable(MapDecl *m)
{
	MapKind k = m->type->map_kind;
	return k != MAP_SORTEDLIST && k != MAP_RINGBUF && k != MAP_BLOOM && m->type->val->kind != TY_TIMER &&
	       !MAP_IS_STORAGE(k) && k < MAP_PROG_ARRAY && k != MAP_QUEUE && k != MAP_STACK;
}

static int key_size_of(int fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	return bpf_map_get_info_by_fd(fd, &info, &len) ? -errno : (int)info.key_size;
}

static int value_size_of(int fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	return bpf_map_get_info_by_fd(fd, &info, &len) ? 0 : (int)info.value_size;
}

/* Empty map m (user space does it: the kernel cannot walk a hash map). */
void map_clear(int fd, MapDecl *m)
{
	int ksz = key_size_of(fd);
	if (ksz < 0)
		return;
	if (m->type->map_kind == MAP_QUEUE || m->type->map_kind == MAP_STACK) {
		/* at most what it holds now: a probe may push while we pop */
		unsigned char *v = xcalloc(1, value_size_of(fd));
		for (uint32_t i = 0; i < m->max_entries && bpf_map_lookup_and_delete_elem(fd, NULL, v) == 0; i++)
			;
		free(v);
	} else if (m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY || m->unkeyed) {
		/* arrays keep every index: set each back to zero */
		size_t vsz = (size_t)value_size_of(fd) * (m->percpu ? ((size_t)libbpf_num_possible_cpus()) : 1);
		unsigned char *z = xcalloc(1, vsz + 8);
		for (uint32_t i = 0; i < m->max_entries; i++)
			bpf_map_update_elem(fd, &i, z, 0);
		free(z);
	} else {
		/* the keys it holds now, then delete them: deleting while walking
		 * never ends when a probe re-inserts a key on each bpf() call (a
		 * syscall counter does) */
		unsigned char *keys = xcalloc(m->max_entries + 1, ksz), *prev = NULL;
		uint32_t n = 0;
		while (n < m->max_entries && bpf_map_get_next_key(fd, prev, keys + (size_t)n * ksz) == 0)
			prev = keys + (size_t)n++ * ksz;
		for (uint32_t i = 0; i < n; i++)
			bpf_map_delete_elem(fd, keys + (size_t)i * ksz);
		free(keys);
	}
}

static void rows_push(MapRows *r, unsigned char *key, unsigned char *val)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->keys = xrealloc(r->keys, r->cap * sizeof(*r->keys));
		r->vals = xrealloc(r->vals, r->cap * sizeof(*r->vals));
	}
	r->keys[r->n] = key;
	r->vals[r->n++] = val;
}

static bool all_zero(const unsigned char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int map_lookup_merged(int fd, MapDecl *m, const void *key, unsigned char *val)
{
	Type *vt = m->type->val;
	int vsz = ty_size(vt);
	if (!m->percpu)
		return bpf_map_lookup_elem(fd, key, val) ? -errno : 0;
	int ncpu = libbpf_num_possible_cpus(), stride = (vsz + 7) / 8 * 8;
	unsigned char *raw = xcalloc(ncpu, stride);
	int err = bpf_map_lookup_elem(fd, key, raw) ? -errno : 0;
	if (!err)
		merge_percpu(vt, raw, ncpu, stride, val);
	free(raw);
	return err;
}

int map_read_rows(int fd, MapDecl *m, MapRows *rows)
{
	int ksz = key_size_of(fd), vsz = ty_size(m->type->val);
	bool array = m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY;
	unsigned char *key, *next;
	void *prev = NULL;

	memset(rows, 0, sizeof(*rows));
	if (ksz < 0)
		return ksz;
	rows->key_size = ksz;
	key = xcalloc(1, ksz ? ksz : 1);
	next = xcalloc(1, ksz ? ksz : 1);
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		unsigned char *val = xcalloc(1, vsz);
		memcpy(key, next, ksz);
		prev = key;
		if (map_lookup_merged(fd, m, key, val) || (array && all_zero(val, vsz))) {
			free(val);
			continue;
		}
		unsigned char *k = xcalloc(1, ksz ? ksz : 1);
		memcpy(k, key, ksz);
		rows_push(rows, k, val);
	}
	free(key);
	free(next);
	return 0;
}

void map_rows_free(MapRows *rows)
{
	for (int i = 0; i < rows->n; i++) {
		free(rows->keys ? rows->keys[i] : NULL);
		free(rows->vals[i]);
	}
	free(rows->keys);
	free(rows->vals);
	memset(rows, 0, sizeof(*rows));
}

void map_pop_all(int fd, MapDecl *m, MapRows *rows)
{
	int vsz = ty_size(m->type->val);
	memset(rows, 0, sizeof(*rows));
	for (;;) {
		unsigned char *v = xcalloc(1, vsz);
		if (bpf_map_lookup_and_delete_elem(fd, NULL, v)) {
			free(v);
			break;
		}
		rows_push(rows, NULL, v);
	}
	for (int i = 0; m->type->map_kind == MAP_STACK && i < rows->n / 2; i++) {   /* popped newest first */
		unsigned char *t = rows->vals[i];
		rows->vals[i] = rows->vals[rows->n - 1 - i];
		rows->vals[rows->n - 1 - i] = t;
	}
	free(rows->keys);
	rows->keys = NULL;
}

/* a lookup of the whole section, not libbpf's copy */
int read_global(struct bpf_object *obj, const char *sec, const char *var, int index, void *out, int size)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	int id = btf ? btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC) : -1;
	size_t sl = strlen(sec);

	if (id < 0)
		return -1;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n), vsize = bpf_map__value_size(m);
		const struct btf_type *ds = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vsi = btf_var_secinfos(ds);
		unsigned char *data;
		int key = 0, err;

		if (nl < sl || strcmp(n + nl - sl, sec))
			continue;
		for (int j = 0; j < btf_vlen(ds); j++, vsi++) {
			const struct btf_type *v = btf__type_by_id(btf, vsi->type);
			if (strcmp(btf__name_by_offset(btf, v->name_off), var))
				continue;
			if (vsi->offset + (size_t)(index + 1) * size > vsize)
				return -1;
			data = xcalloc(1, vsize);
			err = bpf_map_lookup_elem(bpf_map__fd(m), &key, data);
			if (!err)
				memcpy(out, data + vsi->offset + index * size, size);
			free(data);
			return err ? -1 : 0;
		}
	}
	return -1;
}

/* all of them with one lookup of the whole section */
uint64_t *read_counters(int fd, int *n)
{
	uint64_t *all;
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	int key = 0;
	*n = 0;
	if (fd < 0 || bpf_map_get_info_by_fd(fd, &info, &len) || info.value_size < 8)
		return NULL;
	all = xcalloc(1, info.value_size);
	if (bpf_map_lookup_elem(fd, &key, all)) {
		free(all);
		return NULL;
	}
	*n = info.value_size / 8;
	return all;
}

uint64_t counter_value(const uint64_t *all, int i)
{
	return all[i] / (uint64_t)pyb_counter_step(i);
}

uint64_t read_counter(int fd, int index)
{
	int n;
	uint64_t *all = read_counters(fd, &n);
	uint64_t x = index < n ? counter_value(all, index) : 0;
	free(all);
	return x;
}


int counters_map_fd(struct bpf_object *obj)
{
	struct bpf_map *m;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);
		if (nl >= 8 && !strcmp(n + nl - 8, ".bss.pyb"))
			return bpf_map__fd(m);
	}
	return -1;
}
