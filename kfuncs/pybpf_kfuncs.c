// SPDX-License-Identifier: GPL-2.0
/*
 * pybpf_kfuncs — kfuncs for pybpf programs: printk at a chosen level, the
 * wall-clock time, the kernel release and host name, and read-only file access
 * for one-shot (BPF_PROG_TYPE_SYSCALL) programs.
 *
 * Signatures, flags and program types: pybpf_kfuncs.h. Built with kbuild
 * against the target kernel's headers, with BTF (kfuncs/README.md).
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/version.h>

#include "pybpf_kfuncs.h"

/* 6.1 has neither __bpf_kfunc nor the *_defs() markers nor BTF_KFUNCS_*. */
#ifndef __bpf_kfunc
#define __bpf_kfunc __used noinline
#endif
#ifndef __bpf_kfunc_start_defs
#define __bpf_kfunc_start_defs() \
	__diag_push(); \
	__diag_ignore_all("-Wmissing-prototypes", "kfuncs are global functions without prototypes")
#define __bpf_kfunc_end_defs() __diag_pop()
#endif
#ifndef BTF_KFUNCS_START
#define BTF_KFUNCS_START BTF_SET8_START
#define BTF_KFUNCS_END BTF_SET8_END
#endif

static int pybpf_vprintk(int level, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n && s[n - 1] == '\n')
		n--;
	switch (level) {
	case 0: return printk(KERN_EMERG "%.*s\n", (int)n, s);
	case 1: return printk(KERN_ALERT "%.*s\n", (int)n, s);
	case 2: return printk(KERN_CRIT "%.*s\n", (int)n, s);
	case 3: return printk(KERN_ERR "%.*s\n", (int)n, s);
	case 4: return printk(KERN_WARNING "%.*s\n", (int)n, s);
	case 5: return printk(KERN_NOTICE "%.*s\n", (int)n, s);
	case 6: return printk(KERN_INFO "%.*s\n", (int)n, s);
	case 7: return printk(KERN_DEBUG "%.*s\n", (int)n, s);
	default: return printk(KERN_DEFAULT "%.*s\n", (int)n, s);
	}
}

/* The UTS namespace of the current task when it has one (not in interrupts,
 * not after exit_task_namespaces()), else the initial one. Read without
 * uts_sem (a sleeping lock): a concurrent sethostname() may tear the copy. */
static struct new_utsname *pybpf_utsname(void)
{
	if (in_task() && current->nsproxy)
		return utsname();
	return init_utsname();
}

static int pybpf_copy_str(char *buf, u32 sz, const char *s)
{
	ssize_t n;

	if (!sz)
		return -EINVAL;
	n = strscpy(buf, s, sz);
	return n < 0 ? -E2BIG : n;
}

__bpf_kfunc_start_defs();

__bpf_kfunc int pybpf_printk(int level, const char *msg__str)
{
	return pybpf_vprintk(level, msg__str, 1024);
}

__bpf_kfunc int pybpf_printk_buf(int level, const char *buf, u32 buf__sz)
{
	return pybpf_vprintk(level, buf, buf__sz);
}

__bpf_kfunc u64 pybpf_time_ns(void)
{
	/* ktime_get_real_ns() takes the timekeeping seqcount: not from NMI */
	if (in_nmi())
		return ktime_get_real_fast_ns();
	return ktime_get_real_ns();
}

__bpf_kfunc int pybpf_uname_release(char *buf, u32 buf__sz)
{
	return pybpf_copy_str(buf, buf__sz, pybpf_utsname()->release);
}

__bpf_kfunc int pybpf_uname_nodename(char *buf, u32 buf__sz)
{
	return pybpf_copy_str(buf, buf__sz, pybpf_utsname()->nodename);
}

__bpf_kfunc struct pybpf_file *pybpf_file_open(const char *path__str)
{
	struct pybpf_file *f;
	struct file *file;

	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return NULL;
	file = filp_open(path__str, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(file)) {
		kfree(f);
		return NULL;
	}
	f->file = file;
	f->pos = 0;
	return f;
}

__bpf_kfunc int pybpf_file_read(struct pybpf_file *f, void *buf, u32 buf__sz)
{
	loff_t pos = f->pos;
	ssize_t n;

	n = kernel_read(f->file, buf, buf__sz, &pos);
	if (n > 0)
		f->pos = pos;
	return n;
}

__bpf_kfunc void pybpf_file_close(struct pybpf_file *f)
{
	fput(f->file);          /* as kernel_read_file_from_path(): no flush needed */
	kfree(f);
}

__bpf_kfunc_end_defs();

/*
 * A module may register only ONE set per kfunc hook (6.12 WARNs and returns
 * -EINVAL on a second one, then frees the module's whole kfunc table), so the
 * syscall hook gets one set with every kfunc, the other hooks one without the
 * file kfuncs. A failed registration also frees the table: only register for
 * program types the kernel maps to a hook.
 */
#define PYBPF_COMMON_KFUNCS \
	BTF_ID_FLAGS(func, pybpf_printk) \
	BTF_ID_FLAGS(func, pybpf_printk_buf) \
	BTF_ID_FLAGS(func, pybpf_time_ns) \
	BTF_ID_FLAGS(func, pybpf_uname_release) \
	BTF_ID_FLAGS(func, pybpf_uname_nodename)

/* Any context: printk, time, uname. */
BTF_KFUNCS_START(pybpf_common_ids)
PYBPF_COMMON_KFUNCS
BTF_KFUNCS_END(pybpf_common_ids)

/* BPF_PROG_TYPE_SYSCALL (process context, sleepable): those and files. */
BTF_KFUNCS_START(pybpf_syscall_ids)
PYBPF_COMMON_KFUNCS
BTF_ID_FLAGS(func, pybpf_file_open, KF_ACQUIRE | KF_RET_NULL | KF_SLEEPABLE)
BTF_ID_FLAGS(func, pybpf_file_read, KF_TRUSTED_ARGS | KF_SLEEPABLE)
BTF_ID_FLAGS(func, pybpf_file_close, KF_RELEASE)
BTF_KFUNCS_END(pybpf_syscall_ids)

static const struct btf_kfunc_id_set pybpf_common_set = {
	.owner = THIS_MODULE,
	.set = &pybpf_common_ids,
};

static const struct btf_kfunc_id_set pybpf_syscall_set = {
	.owner = THIS_MODULE,
	.set = &pybpf_syscall_ids,
};

/*
 * TRACING is one hook with LSM, TRACEPOINT and PERF_EVENT: register it once.
 * The KPROBE hook is in 6.10+ (not in 6.1).
 */
static const enum bpf_prog_type pybpf_common_types[] = {
	BPF_PROG_TYPE_TRACING,
	BPF_PROG_TYPE_STRUCT_OPS,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	BPF_PROG_TYPE_KPROBE,
#endif
};

static int __init pybpf_kfuncs_init(void)
{
	int i, err;

	for (i = 0; i < ARRAY_SIZE(pybpf_common_types); i++) {
		err = register_btf_kfunc_id_set(pybpf_common_types[i], &pybpf_common_set);
		if (err)
			goto fail;
	}
	err = register_btf_kfunc_id_set(BPF_PROG_TYPE_SYSCALL, &pybpf_syscall_set);
	if (err)
		goto fail;
	pr_info("pybpf_kfuncs: loaded\n");
	return 0;
fail:
	pr_err("pybpf_kfuncs: register_btf_kfunc_id_set: %d\n", err);
	return err;
}

static void __exit pybpf_kfuncs_exit(void)
{
	/* kfunc sets live in the module's BTF and go with it */
}

module_init(pybpf_kfuncs_init);
module_exit(pybpf_kfuncs_exit);

MODULE_DESCRIPTION("kfuncs for pybpf programs: printk, time, uname, files");
MODULE_LICENSE("GPL");
