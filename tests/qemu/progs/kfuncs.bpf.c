/* The module's kfuncs called from BPF programs (tests/qemu/runner.c kfunc/...). */
#include "common.h"

__u32 target_tgid;

/* results, read by the runner through the .bss mmap */
int hello_rc;
__u64 time_ns;
int file_rc, file_rc2, file_eof;
char file_buf[64];
int missing_rc;
int rel_rc, node_rc;
char rel_buf[65], node_buf[65];
int small_rc;
char small_buf[4];
int printk_buf_rc;
__u64 tp_btf_hits, tp_btf_time;
__u64 tracepoint_hits, tracepoint_time;
__u64 kprobe_hits, kprobe_time;
char tp_btf_node[65];

SEC("syscall")
int hello(void *ctx)
{
	hello_rc = pybpf_printk(PYBPF_LOG_INFO, "Hello, World!");
	return 0;
}

SEC("syscall")
int printk_dyn(void *ctx)
{
	char msg[32] = "pybpf dynamic 42";
	printk_buf_rc = pybpf_printk_buf(PYBPF_LOG_WARNING, msg, sizeof(msg));
	return 0;
}

SEC("syscall")
int now(void *ctx)
{
	time_ns = pybpf_time_ns();
	return 0;
}

SEC("syscall")
int read_hostname(void *ctx)
{
	struct pybpf_file *f = pybpf_file_open("/etc/hostname");

	if (!f) {
		file_rc = -1000;
		return 1;
	}
	file_rc = pybpf_file_read(f, file_buf, 8);        /* two reads: the position advances */
	file_rc2 = pybpf_file_read(f, file_buf + 8, sizeof(file_buf) - 8 - 1);
	file_eof = pybpf_file_read(f, file_buf + 63, 1);  /* at EOF: 0 (the file is < 63 bytes) */
	pybpf_file_close(f);
	return 0;
}

SEC("syscall")
int open_missing(void *ctx)
{
	struct pybpf_file *f = pybpf_file_open("/no/such/file");

	if (f) {
		pybpf_file_close(f);
		missing_rc = 1;
		return 0;
	}
	missing_rc = -1;
	return 0;
}

SEC("syscall")
int uname(void *ctx)
{
	rel_rc = pybpf_uname_release(rel_buf, sizeof(rel_buf));
	node_rc = pybpf_uname_nodename(node_buf, sizeof(node_buf));
	small_rc = pybpf_uname_release(small_buf, sizeof(small_buf));
	return 0;
}

/* kfuncs from attached programs: tp_btf (TRACING), tracepoint, kprobe */
SEC("tp_btf/sys_enter")
int tp_btf_kf(void *ctx)
{
	if (!FROM_RUNNER())
		return 0;
	tp_btf_time = pybpf_time_ns();
	pybpf_uname_nodename(tp_btf_node, sizeof(tp_btf_node));
	__sync_fetch_and_add(&tp_btf_hits, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpgid")
int tracepoint_kf(void *ctx)
{
	if (!FROM_RUNNER())
		return 0;
	tracepoint_time = pybpf_time_ns();
	__sync_fetch_and_add(&tracepoint_hits, 1);
	return 0;
}

SEC("kprobe/__x64_sys_getpgid")
int kprobe_kf(void *ctx)
{
	if (!FROM_RUNNER())
		return 0;
	kprobe_time = pybpf_time_ns();
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}
