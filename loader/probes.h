/* probes.h — list attach points: expand glob patterns against what the
 * running kernel (or an ELF binary) offers, for `pybpf probes` and for
 * "no such probe, did you mean" messages.
 *
 * Sources, by kind:
 *   tracepoint           TRACEFS/available_events ("cat:name"; the same set
 *                        bpftrace lists), or a walk of TRACEFS/events/CAT/NAME
 *                        dirs with an `id` file when that file is unreadable.
 *                        Names are "cat/name"; patterns may be "cat/name" or
 *                        "cat:name" (the category may be a glob), or a bare
 *                        name glob, which means any category ("*" + "/name").
 *   tp_btf, raw_tp       vmlinux BTF typedefs btf_trace_NAME -> NAME
 *   fentry, fexit        vmlinux BTF FUNC names
 *   kprobe, kretprobe    TRACEFS/available_filter_functions, or the text
 *                        symbols of /proc/kallsyms (without __pfx_/__cfi_)
 *                        when that is unreadable
 *   lsm                  BTF FUNC bpf_lsm_NAME -> NAME (minus the few
 *                        bpf_lsm_* helpers that are not LSM hooks)
 *   struct_ops           struct X for which BTF has the struct_ops value type
 *                        struct bpf_struct_ops_X { common; X data; }
 *   uprobe, uretprobe    "binary:pattern": defined STT_FUNC symbols of
 *                        .symtab and .dynsym; the binary may be a path, a
 *                        library name ("libc", "libc.so.6") looked up in
 *                        /lib/x86_64-linux-gnu, /usr/lib/x86_64-linux-gnu,
 *                        /lib64, /usr/lib, or a program name on $PATH.
 *   usdt                 "binary:provider:name" (or "binary:glob"): the
 *                        binary's .note.stapsdt probes (usdt.c), listed
 *                        with their argument specs ("-4@%eax 8@-16(%rbp)")
 *
 * Patterns are fnmatch(3) globs ('*', '?', '[...]'). Everything returned is
 * allocated and never freed, like the rest of pybpf.
 */
#ifndef PYBPF_PROBES_H
#define PYBPF_PROBES_H

#include "pyc.h"

#include <stdio.h>

/* Push the names of attach points of `kind` matching `pattern` into out
 * (xstrdup'd, sorted by strcmp, unique; tracepoints as "cat/name", uprobes
 * as the bare function name). Returns the number pushed. When it is 0 and
 * nearest != NULL, *nearest = up to 3 nearest names by edit distance,
 * "'a', 'b', 'c'" ("" when there are no names at all). Returns -1 on an
 * error (unknown kind, unreadable tracefs/BTF/binary): the message is then
 * probes_error(), and *nearest (if given) is "". */
int probes_match(const char *kind, const char *pattern, Vec *out, const char **nearest);

/* The message of the last probes_match()/probes_resolve_binary() error. */
const char *probes_error(void);

/* Resolve a uprobe binary ("/bin/bash", "libc", "libc.so.6", "bash") to the
 * path of an ELF file; NULL (and probes_error()) if none. */
const char *probes_resolve_binary(const char *name);

/* `pybpf probes [PATTERN]`: print the matching attach points, one per line,
 * "KIND:NAME" ("tracepoint:cat:name", "uprobe:/path:func"), sorted.
 * PATTERN is "KIND:rest" (bpftrace's kind aliases are accepted: t, k, kr,
 * kfunc/f, kretfunc/fr, rawtracepoint/rt, u, ur), or, with no kind, a
 * tracepoint pattern. NULL or "" lists every kernel kind (one of each pair
 * with the same names: tracepoint, tp_btf, fentry, kprobe, lsm, struct_ops).
 * Returns 0, or 1 after a message on stderr (bad pattern, unreadable source,
 * nothing matched: then also the nearest names). */
int probes_list(const char *pattern, FILE *out);

#endif
