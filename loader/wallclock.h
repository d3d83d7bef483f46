/* wallclock.h — wall-clock time for wallclock_ns() and --timestamps (wallclock.c). */
#ifndef PYBPF_WALLCLOCK_H
#define PYBPF_WALLCLOCK_H

#include <bpf/libbpf.h>
#include <stddef.h>
#include <stdint.h>
#include "pyc.h"

/* CLOCK_REALTIME - CLOCK_BOOTTIME now, in ns. */
int64_t wallclock_offset(void);
/* Write that offset into __pyb_wall_offset of obj's .rodata, if it has one. */
void set_wallclock_offset(struct bpf_object *obj);
/* strftime(fmt) of a time in ns since the epoch, local time; %f is microseconds. */
void format_wallclock(char *buf, size_t cap, const char *fmt, int64_t ns);

/* --timestamps: the local time now as "HH:MM:SS ", appended to out. */
void timestamp_prefix(Str *out);

#endif
