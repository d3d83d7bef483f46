/* XDP baseline for bench/xdp.py: returns XDP_PASS without reading the
 * packet. Its test-run time is the harness's own cost per run (the test
 * loop, the dispatch), which bench/xdp.py subtracts to get each drop
 * program's own ns. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
