/* net.h — packet probes in the loader (docs/packets.md): attaching @xdp and
 * @tc to an interface (--iface) and @cgroup_skb to a cgroup (--cgroup), and
 * pybpf test-run, which runs them on packets given on the command line.
 */
#ifndef PYBPF_NET_H
#define PYBPF_NET_H

#include <bpf/libbpf.h>
#include "loader.h"

/* A --packet HEX of pybpf test-run. */
typedef struct NetPacket {
	unsigned char *data;
	size_t len;
} NetPacket;

/* Is p an @xdp, @tc or @cgroup_skb probe? */
bool net_probe(Probe *p);

/* Before anything is loaded: the packet probes of prog against --iface,
 * --cgroup and test-run (a probe that needs an interface or a cgroup the
 * command line does not give, an unknown interface, a path that is no
 * cgroup v2 directory, an option no probe uses). Errors exit, naming the
 * probe and what to write. */
void net_prepare(Prog *prog, LoadOpts *o);

/* Attach packet probe p (program bp) where net_prepare() found: one link
 * pushed. pybpf test-run attaches nothing. 0, or -1 after a message that
 * says why the kernel refused. */
int net_attach(struct bpf_program *bp, Probe *p, Vec *links);

/* At exit: what each socket filter let through (its socket is read by a
 * thread of pybpf's), on stderr. */
void net_report(void);
/* How many socket filters are attached (they have no BPF link). */
int net_sockets(void);

/* pybpf test-run: each packet through each packet probe (BPF_PROG_TEST_RUN),
 * one line each: "fw: packet 1: XDP_DROP (1)", then " data HEX" when the
 * program changed the packet and " N ns/run" with --repeat. drain(arg)
 * shows the print() records waiting, before each line. 0, or -1 after a
 * message. */
int net_test_run(struct bpf_object *obj, Prog *prog, LoadOpts *o, void (*drain)(void *), void *arg);

/* Parse a --packet HEX (pairs of hex digits; ':' and spaces between them are
 * allowed). NULL when it is not hex or is shorter than an Ethernet header,
 * with *why saying which. */
NetPacket *net_parse_packet(const char *hex, const char **why);

#endif
