/* pin.h — pinned, hot-reloadable instances (see pin.c). */
#ifndef PYBPF_PIN_H
#define PYBPF_PIN_H

#include <bpf/libbpf.h>
#include "loader.h"

typedef struct ReloadResult {
	int version;
	Prog *prog;
} ReloadResult;

bool pin_valid_name(const char *name);
bool pin_exists(const char *name);
/* The current version of instance name, and the source of a version. */
int pin_version(const char *name);
char *pin_source(const char *name, int version);
/* Pin a loaded program: maps, program arrays, links (link_probe[i] names the
 * probe of links[i]; "sops:<class>" for a struct_ops link), and the
 * metadata in /run/pybpf/NAME. */
int pin_instance(struct bpf_object *obj, Prog *prog, Vec *links, Vec *link_probe, const char *name, const char *src,
		 LoadOpts *o);
/* pybpf reload NAME FILE: 0, or 1 with the reason printed (nothing changed). */
int pin_reload(const char *name, const char *path, LoadOpts *o, ReloadResult *res);
int pin_unload(const char *name);
int pin_list(void);
/* The fd of pinned object obj ("map_counts", "counters") of instance name, or -1. */
int pin_get(const char *name, const char *obj);

#endif
