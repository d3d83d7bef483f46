/* opens[comm()] += 1 on syscalls/sys_enter_openat, by hand. */
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, char[16]);
	__type(value, __u64);
} opens SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(void *ctx)
{
	char comm[16] = {};
	__u64 *v;

	bpf_get_current_comm(comm, sizeof(comm));
	v = bpf_map_lookup_elem(&opens, comm);
	if (v) {
		__sync_fetch_and_add(v, 1);
	} else {
		__u64 one = 1;
		bpf_map_update_elem(&opens, comm, &one, BPF_NOEXIST);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
