/* prepare.h — from a probe file to a bpf_object ready to load (prepare.c). */
#ifndef PYBPF_PREPARE_H
#define PYBPF_PREPARE_H

#include <bpf/libbpf.h>
#include "loader.h"

/* -D values as the compiler sees them (before compile_file). */
void set_const_overrides(LoadOpts *o);
/* Front end: read, tokenize, parse, check. Errors exit(1) with a message. */
Prog *compile_file(const char *path);
/* Front end + emitter. */
Prog *compile_to_c(const char *path, Str *c_out);
/* The same, with every probe that can be as a dispatcher and a body (pin.c). */
Prog *compile_for_pin(const char *path, Str *c_out);
/* Check every -D against the program's Final constants (exits on a bad one). */
void check_defines(Prog *prog, LoadOpts *o);
/* Write the -D values into the object's .rodata (after open, before load). */
int apply_defines(struct bpf_object *obj, Prog *prog, LoadOpts *o);
/* The version number the program's records carry (0: not pinned). */
void set_version(struct bpf_object *obj, uint64_t version);

#endif
