/* syscount: syscalls by id and by process, per-CPU counts (bench/probes/syscount.py). */
#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, __s64);
	__type(value, __u64);
} syscalls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, char[16]);
	__type(value, __u64);
} process SEC(".maps");

struct sys_enter_args {
	__u64 pad;
	long id;
	unsigned long args[6];
};

static __always_inline void bump(void *map, const void *key)
{
	__u64 *v = bpf_map_lookup_elem(map, key), one = 1;

	if (v)
		*v += 1;
	else
		bpf_map_update_elem(map, key, &one, BPF_NOEXIST);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter(struct sys_enter_args *ctx)
{
	__s64 id = ctx->id;
	char comm[16] = {};

	bump(&syscalls, &id);
	bpf_get_current_comm(comm, sizeof(comm));
	bump(&process, comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
