/* ulat: latency of libc's getppid() as a histogram (uprobe + uretprobe). */
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[MAX_SLOTS]);
} lat SEC(".maps");

SEC("uprobe/libc.so.6:getppid")
int enter(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("uretprobe/libc.so.6:getppid")
int leave(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	__u64 *tsp = bpf_map_lookup_elem(&start, &tid), *hist, d, slot;

	if (!tsp || !*tsp)
		return 0;
	hist = bpf_map_lookup_elem(&lat, &zero);
	if (hist) {
		d = bpf_ktime_get_ns() - *tsp;
		slot = d ? 2 + log2l(d) : 1;
		if (slot < MAX_SLOTS)
			hist[slot] += 1;
	}
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
