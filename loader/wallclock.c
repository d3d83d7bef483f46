/* wallclock.c — wall-clock time for wallclock_ns() and --timestamps.
 *
 * BPF has no CLOCK_REALTIME helper that every program type may call. A
 * probe reads bpf_ktime_get_boot_ns() (CLOCK_BOOTTIME: counts suspend, is
 * never set) and adds __pyb_wall_offset, a .rodata constant the loader
 * writes before load: CLOCK_REALTIME - CLOCK_BOOTTIME, measured as the
 * middle of two BOOTTIME reads around one REALTIME read. bpftrace's
 * strftime() converts the same way, in user space at print time; here the
 * offset is fixed at load, so a later settimeofday/NTP step is not seen by
 * a running program (the error is the clock's step, not drift). */
#include "support.h"
#include "wallclock.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t wallclock_offset(void)
{
	int64_t b0 = clock_ns(CLOCK_BOOTTIME);
	int64_t r = clock_ns(CLOCK_REALTIME);
	int64_t b1 = clock_ns(CLOCK_BOOTTIME);
	return r - (b0 + (b1 - b0) / 2);
}

/* The .rodata map of obj and the offset of variable name in it, or NULL. */
static char *rodata_var(struct bpf_object *obj, const char *name, size_t width)
{
	struct bpf_map *m, *rodata = NULL;
	struct btf *btf = bpf_object__btf(obj);
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	size_t size;
	char *data;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);
		if (nl >= 7 && !strcmp(n + nl - 7, ".rodata"))
			rodata = m;
	}
	if (!rodata || id < 0)
		return NULL;
	data = bpf_map__initial_value(rodata, &size);
	const struct btf_type *sec = btf__type_by_id(btf, id);
	const struct btf_var_secinfo *vsi = btf_var_secinfos(sec);
	for (int j = 0; j < btf_vlen(sec); j++, vsi++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, vsi->type)->name_off), name) &&
		    vsi->offset + width <= size)
			return data + vsi->offset;
	return NULL;
}

void set_wallclock_offset(struct bpf_object *obj)
{
	char *p = rodata_var(obj, "__pyb_wall_offset", 8);
	int64_t off;
	if (!p)
		return;   /* the program does not call wallclock_ns() */
	off = wallclock_offset();
	memcpy(p, &off, 8);
}

/* A wall-clock time in ns as strftime(fmt) in local time, into buf. Besides
 * strftime's specs, %f is the microseconds (six digits), as in Python's
 * datetime.strftime and bpftrace's strftime. */
void format_wallclock(char *buf, size_t cap, const char *fmt, int64_t ns)
{
	char f2[256];
	size_t j = 0;
	time_t s = (time_t)(ns / 1000000000);
	long us = (long)(ns % 1000000000) / 1000;
	struct tm tm;
	if (ns < 0 && ns % 1000000000)
		s--, us += 1000000;
	localtime_r(&s, &tm);
	for (const char *q = fmt; *q && j + 8 < sizeof f2; q++) {
		if (q[0] == '%' && q[1] == 'f') {
			j += snprintf(f2 + j, sizeof f2 - j, "%06ld", us);
			q++;
		} else if (q[0] == '%' && q[1] == '%') {
			f2[j++] = *q++;
			f2[j++] = *q;
		} else {
			f2[j++] = *q;
		}
	}
	f2[j] = 0;
	if (!strftime(buf, cap, f2, &tm))
		buf[0] = 0;
}

void timestamp_prefix(Str *out)
{
	char b[32];
	format_wallclock(b, sizeof b, "%H:%M:%S ", clock_ns(CLOCK_REALTIME));
	str_puts(out, b);
}
