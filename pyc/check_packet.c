/* check_packet.c — the packet path from Python: @xdp, @tc, @cgroup_skb
 * probes, their packet and its headers, addresses (docs/packets.md).
 *
 *     @xdp
 *     def fw(ctx) -> int:
 *         pkt = ctx.packet()
 *         eth = pkt.header(ethhdr)              # IndexError when too short
 *         ip = pkt.header(iphdr, after=eth)     # after the options too
 *         if ntohl(ip.saddr) == ip4("10.0.0.2"):
 *             return XDP_DROP
 *         return XDP_PASS
 *
 * A header is a pointer into the packet (a TY_KPTR with pkt set): the
 * emitter checks it against data_end once, where it is taken, and its
 * fields are then plain loads and stores the verifier accepts.
 */
#include "check_int.h"

#include <string.h>

static Type t_ipv4 = {.kind = TY_FIXED, .size = 4, .addr = 4};
static Type t_ipv6 = {.kind = TY_BYTES, .size = 16, .addr = 6};

Type *addr_type(const char *name)
{
	if (!strcmp(name, "IPv4"))
		return &t_ipv4;
	if (!strcmp(name, "IPv6"))
		return &t_ipv6;
	return NULL;
}

/* The verdict names of the packet probes, as the kernel's UAPI numbers them */
static const struct {
	const char *name;
	int64_t value;
} verdicts[] = {
	{"XDP_ABORTED", 0}, {"XDP_DROP", 1}, {"XDP_PASS", 2}, {"XDP_TX", 3}, {"XDP_REDIRECT", 4},
	{"TC_ACT_UNSPEC", -1}, {"TC_ACT_OK", 0}, {"TC_ACT_SHOT", 2}, {"TC_ACT_REDIRECT", 7},
};

Sym *packet_const(Checker *c, Node *e)
{
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		if (strcmp(e->name, verdicts[i].name) || !is_imported(c, e->name))
			continue;
		ConstDecl *k = xcalloc(1, sizeof(*k));
		Sym *y = xcalloc(1, sizeof(*y));
		k->name = y->name = verdicts[i].name;
		k->type = y->type = ty_int;
		k->value = k->src_value = verdicts[i].value;
		k->cname = y->cname = xasprintf("((__s64)%lld)", (long long)verdicts[i].value);
		y->kind = SYM_CONST;
		y->data = k;
		return y;
	}
	return NULL;
}
