/* runqlat: run queue latency histogram (bench/probes/runqlat.py), by hand. */
#include "common.bpf.h"

/* the tracepoints' formats (tracefs .../format) */
struct wakeup_args {
	__u64 pad;
	char comm[16];
	int pid;
	int prio;
	int target_cpu;
};

struct switch_args {
	__u64 pad;
	char prev_comm[16];
	int prev_pid;
	int prev_prio;
	long prev_state;
	char next_comm[16];
	int next_pid;
	int next_prio;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} qtime SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[MAX_SLOTS]);
} usecs SEC(".maps");

SEC("tracepoint/sched/sched_wakeup")
int wakeup(struct wakeup_args *ctx)
{
	__u32 pid = ctx->pid;
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&qtime, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/sched/sched_wakeup_new")
int wakeup_new(struct wakeup_args *ctx)
{
	__u32 pid = ctx->pid;
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&qtime, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tracepoint/sched/sched_switch")
int py_switch(struct switch_args *ctx)
{
	__u32 pid = ctx->prev_pid, zero = 0;
	__u64 ts, *tsp, *hist, slot;

	if (ctx->prev_state == 0) {
		ts = bpf_ktime_get_ns();
		bpf_map_update_elem(&qtime, &pid, &ts, BPF_ANY);
	}
	pid = ctx->next_pid;
	tsp = bpf_map_lookup_elem(&qtime, &pid);
	if (!tsp || !*tsp)
		return 0;
	hist = bpf_map_lookup_elem(&usecs, &zero);
	if (hist) {
		__u64 us = (bpf_ktime_get_ns() - *tsp) / 1000;
		slot = us ? 2 + log2l(us) : 1;
		if (slot < MAX_SLOTS)
			hist[slot] += 1;
	}
	bpf_map_delete_elem(&qtime, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
