/* symbols.h — symbolization of sampled stack addresses (kstack / ustack).
 *
 * Both lookups return "func+OFFSET" with a decimal offset, exactly as
 * bpftrace 0.17 prints stack frames ("vfs_read+812"), or NULL when the
 * address is unknown; the caller then prints the address as bpftrace does:
 * "0x" and lowercase hex with no padding ("0x7fbba15ed0ba", printf "%#lx"
 * style, i.e. "0x%" PRIx64).  bpftrace prints one frame per line, each
 * indented by four spaces, inside "@[\n ... \n]: count".
 *
 * Returned strings are interned: they stay valid for the life of the
 * process (results are cached per (pid, address)).  Not thread-safe.
 */
#ifndef PYBPF_SYMBOLS_H
#define PYBPF_SYMBOLS_H

#include <stdint.h>

/* Kernel address -> "func+OFFSET" from /proc/kallsyms (read once, lazily).
 * Module symbols resolve to their bare name (bpftrace prints no "[mod]").
 * NULL when the address precedes every text symbol, or when kallsyms only
 * shows zero addresses (kptr_restrict; a note is printed once on stderr). */
const char *sym_kernel(uint64_t addr);

/* User address in process `pid` -> "func+OFFSET", using the process's
 * /proc/PID/maps (cached per pid, re-read when an address falls outside the
 * cached mappings), the backing ELF file's .symtab / .dynsym (and the
 * detached debug file under /usr/lib/debug when the binary is stripped),
 * C++ names demangled (by a c++filt co-process, when installed) as bpftrace
 * does; [vdso] frames resolve too.
 * NULL for unknown frames (anonymous/JIT memory, stripped code) and for a
 * process that has exited before its maps were ever read (see sym_prefetch). */
const char *sym_user(int pid, uint64_t addr);

/* Snapshot /proc/PID/maps now, so that sym_user still works for `pid` after
 * it has exited (the mapped files are then opened by path, checked against
 * the inode recorded in the snapshot).  Cheap; call it when a pid is first
 * seen.  Does nothing if the pid is already cached or already gone. */
void sym_prefetch(int pid);

#endif
