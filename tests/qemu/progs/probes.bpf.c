/* fentry/fexit, kprobe/kretprobe, lsm: exact counts for the runner's pid
 * (tests/qemu/runner.c probe/...), triggered with getpgid(0) and open(). */
#include "common.h"

/* just the fields used, found by CO-RE in the guest's BTF */
struct pt_regs {
	unsigned long ax;
	unsigned long di;
} __attribute__((preserve_access_index));

__u32 target_tgid;
__u64 fentry_hits, fexit_hits, kprobe_hits, kretprobe_hits, lsm_hits;
long fexit_ret, kretprobe_ret;
int lsm_deny;            /* when set, lsm/file_open denies the runner's opens */

SEC("fentry/__x64_sys_getpgid")
int on_fentry(unsigned long long *ctx)
{
	if (FROM_RUNNER())
		__sync_fetch_and_add(&fentry_hits, 1);
	return 0;
}

SEC("fexit/__x64_sys_getpgid")
int on_fexit(unsigned long long *ctx)
{
	if (FROM_RUNNER()) {
		__sync_fetch_and_add(&fexit_hits, 1);
		fexit_ret = (long)ctx[1];
	}
	return 0;
}

SEC("kprobe/__x64_sys_getpgid")
int on_kprobe(struct pt_regs *regs)
{
	if (FROM_RUNNER())
		__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

SEC("kretprobe/__x64_sys_getpgid")
int on_kretprobe(struct pt_regs *regs)
{
	if (FROM_RUNNER()) {
		__sync_fetch_and_add(&kretprobe_hits, 1);
		kretprobe_ret = (long)regs->ax;
	}
	return 0;
}

SEC("lsm/file_open")
int on_file_open(unsigned long long *ctx)
{
	int ret = (int)ctx[1];

	if (!FROM_RUNNER())
		return ret;
	__sync_fetch_and_add(&lsm_hits, 1);
	if (ret)
		return ret;
	return lsm_deny ? -1 /* -EPERM */ : 0;
}
