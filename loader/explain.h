/* explain.h — clang and kernel refusals in Python terms (explain.c). */
#ifndef PYBPF_EXPLAIN_H
#define PYBPF_EXPLAIN_H

#include <bpf/libbpf.h>
#include "loader.h"

/* Send libbpf's messages to the log explain_failure reads (and to stderr
 * when verbose). Call before bpf_object__open. */
void explain_capture_libbpf(bool verbose);
/* clang refused the generated C: the 512-byte stack explained at the probe,
 * a function too long to encode, anything else reported as a compiler bug.
 * Returns the exit status. */
int explain_clang_failure(Prog *prog, const char *diag);
/* bpf_object__load failed with err: the verifier's reason at the probe
 * file's line, in Python terms. */
void explain_failure(Prog *prog, struct bpf_object *obj, const char *obj_path, int err, bool verbose);

#endif
