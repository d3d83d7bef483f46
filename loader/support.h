/* support.h — loader support pieces: Python format specs, the clang driver
 * with its object cache, and system set-up (mounts, privileges, rlimits). */
#ifndef PYBPF_SUPPORT_H
#define PYBPF_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>
#include "pyc.h"

/* ---- format.c: Python's format-spec mini-language ------------------------
 * [[fill]align][sign][z][#][0][width][grouping][.precision][type]
 * for ints (types b c d o x X n and none) and strings (s and none), with
 * exactly CPython's results (format(v, spec)).
 * Ints also take the float types e E f F g G % as CPython does (the value
 * converted to a double first), and fmt_check() accepts them. */
enum fmt_kind { FMT_INT, FMT_STR };

/* Validate spec for a value of the given kind at compile time. Returns NULL
 * when valid, else a message in CPython's words, e.g.
 * "Unknown format code 'q' for object of type 'int'" or
 * "Precision not allowed in integer format specifier". */
const char *fmt_check(const char *spec, enum fmt_kind kind);

/* Append format(v, spec) to out. spec may be NULL or "" (= str(v)).
 * is_unsigned: v holds an unsigned 64-bit value. The spec was validated by
 * fmt_check; an invalid one here appends nothing and returns -1. */
int fmt_int(Str *out, uint64_t v, bool is_unsigned, const char *spec);
/* Append format(s, spec) for a str of len bytes (UTF-8; width counts code points). */
int fmt_str(Str *out, const char *s, size_t len, const char *spec);
/* repr() of a str value, Python's rules (quotes chosen like CPython). */
void fmt_repr_str(Str *out, const char *s, size_t len);
/* Python's repr() of bytes: b'...' (or b"..." when that needs fewer escapes). */
void fmt_repr_bytes(Str *out, const unsigned char *p, size_t len);

/* ---- clang.c: compile generated C to a BPF object, with a cache ----------
 * clang is $CLANG if set, else clang-19, else clang on PATH (must be >= 14
 * with the BPF target). Command: clang -target bpf -O2 -g -c -x c - -o OBJ
 * (plus -mcpu=v3), reading the C text from a pipe.
 * Cache: $PYBPF_CACHE or $XDG_CACHE_HOME/pybpf or $HOME/.cache/pybpf;
 * one entry per key = hash of (C text, clang path + its size/mtime, clang
 * flags). An entry keeps OBJ and the C text; a hit requires the stored C text
 * to be byte-identical. Writes are atomic (temp file + rename), so
 * concurrent runs never see a partial object. A broken cache dir never fails
 * a compile (it falls back to a temp dir). PYBPF_NO_CACHE=1 skips the
 * lookup (a fresh compile still refreshes the entry). A cache root that is
 * not owned by the effective uid or is group/other-writable is not used.
 * On a hit, diagnostics is NULL (warnings are not cached). */
struct bpfcc_result {
	char *obj_path;       /* path of the object (inside the cache or a temp dir) */
	bool cache_hit;
	char *diagnostics;    /* clang's stderr when it failed (or warnings), else NULL */
};
/* Returns 0 on success, -1 when clang failed (diagnostics set) or could not
 * be run (diagnostics explains: not found / not executable / no BPF target). */
int bpfcc_compile(const char *ctext, size_t len, bool use_cache, struct bpfcc_result *res);
/* Compile to an explicit output path (pybpf compile -o x.bpf.o), no cache. */
int bpfcc_compile_to(const char *ctext, size_t len, const char *out_path, struct bpfcc_result *res);
/* The clang that would be used, or NULL with *why set. */
const char *bpfcc_find_clang(const char **why);

/* ---- sys.c: set-up before loading ------------------------------------------ */
/* Check privileges for loading and attaching tracing BPF programs: root, or
 * CAP_BPF + CAP_PERFMON (+ CAP_SYS_ADMIN where needed). On failure prints a
 * clear message naming the missing capability and how to get it, returns -1. */
int sys_check_privileges(void);
/* mkdir -p with mode 0700 for the directories it creates (0, or -1 with errno) */
int mkdir_p(const char *path);
/* Mount bpffs on /sys/fs/bpf and tracefs on /sys/kernel/tracing when they
 * are not mounted (statfs magic check). Returns 0, or -1 with a message. */
int sys_ensure_mounts(void);
/* Path of tracefs (/sys/kernel/tracing, or /sys/kernel/debug/tracing). */
const char *sys_tracefs(void);
/* Raise RLIMIT_MEMLOCK to infinity (older kernels charge BPF memory to it). */
void sys_bump_memlock(void);
/* Monotonic clock in ns. */
uint64_t sys_now_ns(void);

#endif
