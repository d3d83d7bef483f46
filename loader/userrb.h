/* userrb.h — the loader's side of UserRingBuf (pyc/check_userrb.c): the
 * lines of standard input, written as its records. */
#ifndef PYBPF_USERRB_H
#define PYBPF_USERRB_H

#include "pyc.h"

struct bpf_object;

/* After the probes attach, before @begin: each line of standard input,
 * until its end, written as a record of the program's UserRingBuf (if it
 * has one). A line that does not fit the record type, or finds the ring
 * buffer full, is not written, and says so on stderr. 0, or -1 after
 * printing why. */
int user_ringbuf_feed(struct bpf_object *obj, Prog *prog);
/* -1 after printing why when prog has a UserRingBuf, which `how` programs
 * ("pinned (--pin, --watch)", "reloaded") cannot have: they outlive the
 * input; else 0 */
int user_ringbuf_pin_refused(Prog *prog, const char *how);

#endif
