/* Programs the verifier must reject: the runner loads each one alone
 * (tests/qemu/runner.c neg/...) and checks the verifier's message. */
#include "common.h"

__u64 out;
char buf[16];

/* file kfuncs are registered for BPF_PROG_TYPE_SYSCALL only */
SEC("tp_btf/sys_enter")
int file_from_tp_btf(void *ctx)
{
	struct pybpf_file *f = pybpf_file_open("/etc/hostname");

	if (f)
		pybpf_file_close(f);
	return 0;
}

/* 6.12 has no kfunc hook for raw tracepoints */
SEC("raw_tp/sys_enter")
int time_from_raw_tp(void *ctx)
{
	out = pybpf_time_ns();
	return 0;
}

/* an acquired file that is never released */
SEC("syscall")
int leak(void *ctx)
{
	struct pybpf_file *f = pybpf_file_open("/etc/hostname");

	if (f)
		pybpf_file_read(f, buf, sizeof(buf));
	return 0;
}

/* __str wants a constant string in a read-only map, not a stack buffer */
SEC("syscall")
int printk_stack_str(void *ctx)
{
	char msg[8] = "abc";
	return pybpf_printk(PYBPF_LOG_INFO, msg);
}
