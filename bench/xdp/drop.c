/* XDP drop benchmark (bench/xdp.py): bench/xdp/drop.py hand-written the way
 * xdp-tutorial's parsing helpers and libbpf-bootstrap's xdp example do it.
 * Drop UDP packets to port 9999, pass the rest; nothing is counted. The
 * IPv4 header length comes from ihl (options skipped, ihl < 5 refused) as
 * pkt.header(udphdr, after=ip) does. -DPORT_RODATA makes the port a
 * const volatile in .rodata, as pybpf's Final is. Built with pybpf's clang flags
 * (loader/clang.c): -target bpf -mcpu=v3 -O2 -g. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#ifdef PORT_RODATA
/* as pybpf's Final: set before load (libbpf's skeleton: rodata->port) */
const volatile __u16 port = 9999;
#define PORT port
#else
#define PORT 9999
#endif

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct udphdr *udp;
	int hdrsize;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	hdrsize = ip->ihl * 4;
	if (hdrsize < (int)sizeof(*ip))
		return XDP_PASS;
	udp = (void *)ip + hdrsize;
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (udp->dest == bpf_htons(PORT))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
