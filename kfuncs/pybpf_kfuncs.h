/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pybpf_kfuncs.h — the kfuncs of pybpf's companion kernel module
 * (kfuncs/pybpf_kfuncs.c), shared by the module and by BPF programs.
 *
 * In the kernel (__KERNEL__) it only declares the types; for BPF programs
 * (clang -target bpf) it declares the kfuncs as `extern ... __ksym`.
 * Kernel-side parameter names carry the verifier's annotations:
 *   __str  pointer to a constant NUL-terminated string in a read-only map
 *          (a string literal in .rodata);
 *   __sz   the byte size of the preceding memory argument (stack or map
 *          value; the verifier checks that it is readable AND writable).
 *
 * kfunc                   flags                           program types
 * pybpf_printk            -                               tracing*, kprobe, syscall, struct_ops
 * pybpf_printk_buf        -                               "
 * pybpf_time_ns           -                               "
 * pybpf_uname_release     -                               "
 * pybpf_uname_nodename    -                               "
 * pybpf_file_open         KF_ACQUIRE|KF_RET_NULL|KF_SLEEPABLE   syscall
 * pybpf_file_read         KF_TRUSTED_ARGS|KF_SLEEPABLE          syscall
 * pybpf_file_close        KF_RELEASE                            syscall
 *
 * tracing* = BPF_PROG_TYPE_TRACING (tp_btf, fentry/fexit, fmod_ret, iter),
 * BPF_PROG_TYPE_LSM, BPF_PROG_TYPE_TRACEPOINT, BPF_PROG_TYPE_PERF_EVENT (one
 * kfunc hook in 6.12); kprobe = kprobe/kretprobe/uprobe/kprobe.multi.
 * raw_tp programs cannot call kfuncs at all (6.12 has no hook for them).
 */
#ifndef PYBPF_KFUNCS_H
#define PYBPF_KFUNCS_H

/* printk levels, as <linux/kern_levels.h>; anything else: the default level */
#define PYBPF_LOG_EMERG   0
#define PYBPF_LOG_ALERT   1
#define PYBPF_LOG_CRIT    2
#define PYBPF_LOG_ERR     3
#define PYBPF_LOG_WARNING 4
#define PYBPF_LOG_NOTICE  5
#define PYBPF_LOG_INFO    6
#define PYBPF_LOG_DEBUG   7
#define PYBPF_LOG_DEFAULT (-1)

#ifdef __KERNEL__

struct file;

/* An open file: what pybpf_file_open() acquires and pybpf_file_close() releases. */
struct pybpf_file {
	struct file *file;
	long long pos;          /* the position pybpf_file_read() reads from */
};

#else /* BPF program */

#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif

/* Opaque on the BPF side; it must still be a struct (not a forward
 * declaration) for libbpf to match the kfunc's prototype with the module's BTF. */
struct pybpf_file {
	void *__opaque;
	long long __pos;
};

/* printk(level, "%s\n", msg): one line in the kernel log (dmesg). A trailing
 * newline in msg is dropped. Returns the number of bytes printk stored. */
extern int pybpf_printk(int level, const char *msg__str) __ksym; /* progs: tracing kprobe syscall struct_ops */
/* the same for a non-constant buffer: prints up to the first NUL or buf__sz bytes */
extern int pybpf_printk_buf(int level, const char *buf, unsigned int buf__sz) __ksym; /* progs: tracing kprobe syscall struct_ops */

/* wall-clock time, ns since the epoch (CLOCK_REALTIME; time.time_ns()) */
extern unsigned long long pybpf_time_ns(void) __ksym; /* progs: tracing kprobe syscall struct_ops */

/* uname -r / uname -n into buf, NUL-terminated (truncated when buf is too
 * small). Return the string length, -E2BIG (-7) when truncated, -EINVAL (-22)
 * when buf__sz is 0. The nodename is the current task's UTS namespace's. */
extern int pybpf_uname_release(char *buf, unsigned int buf__sz) __ksym; /* progs: tracing kprobe syscall struct_ops */
extern int pybpf_uname_nodename(char *buf, unsigned int buf__sz) __ksym; /* progs: tracing kprobe syscall struct_ops */

/* Files, for SEC("syscall") programs run with BPF_PROG_TEST_RUN (sleepable).
 * open: read-only, with the caller's credentials; NULL on any error.
 * read: from the current position, advances it; bytes read (0 at EOF) or -errno.
 * close: the verifier rejects a program that does not close what it opened. */
extern struct pybpf_file *pybpf_file_open(const char *path__str) __ksym; /* KF_ACQUIRE | KF_RET_NULL | KF_SLEEPABLE; progs: syscall */
extern int pybpf_file_read(struct pybpf_file *f, void *buf, unsigned int buf__sz) __ksym; /* KF_TRUSTED_ARGS | KF_SLEEPABLE; progs: syscall */
extern void pybpf_file_close(struct pybpf_file *f) __ksym; /* KF_RELEASE; progs: syscall */

#endif /* __KERNEL__ */
#endif /* PYBPF_KFUNCS_H */
