/* Shared by the hand-written BPF C equivalents (bench/c/NAME.bpf.c): the usual
 * libbpf headers, nothing else. */
#ifndef BENCH_COMMON_BPF_H
#define BENCH_COMMON_BPF_H
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* libbpf-tools' bits.bpf.h log2l: 0 for 0 and 1, floor(log2(v)) above */
static __always_inline __u64 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 log2l(__u64 v)
{
	__u32 hi = v >> 32;

	if (hi)
		return log2_u32(hi) + 32;
	return log2_u32(v);
}

#define MAX_SLOTS 66
#endif
