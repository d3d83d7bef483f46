/* scx.h — a sched_ext scheduler while it runs (issue 17): its state in
 * /sys/kernel/sched_ext, the exit info its exit callback records
 * (pyc/emit_sched.c), and how often the kernel called each callback. */
#ifndef PYBPF_SCX_H
#define PYBPF_SCX_H

#include <stdbool.h>
#include "loader.h"

struct bpf_object;
typedef struct SchedRun SchedRun;

/* Before the ops are registered: NULL when the program has no scheduler. */
SchedRun *sched_open(struct bpf_object *obj, Prog *prog);
/* After: prints the kernel's state of it. */
void sched_started(SchedRun *r);
/* true once the kernel has ended the scheduler (the watchdog, an error,
 * scx_bpf_exit, sysrq): says why, once. */
bool sched_poll(SchedRun *r);
/* the exit status for a run that ended so: 1 after an error, else 0 */
int sched_status(SchedRun *r);
/* Before the links go: the callbacks' counts. */
void sched_counts(SchedRun *r);
/* After they went: unregistered, and the kernel's own scheduler back
 * (pin: a pinned instance's scheduler stays). */
void sched_end(SchedRun *r, const char *pin);
void sched_free(SchedRun *r);
/* /sys/kernel/sched_ext/state ("enabled", "disabled", ...), or "" */
const char *sched_state(void);
/* /sys/kernel/sched_ext/root/ops: the registered scheduler's name, or "" */
const char *sched_ops_name(void);

#endif
