/* net.c — packet probes in the loader (net.h, docs/packets.md).
 *
 *   @xdp                 bpf_program__attach_xdp(prog, ifindex): an XDP link
 *                        (the driver's mode where it has one, else generic)
 *   @tc("ingress"/...)   bpf_program__attach_tcx(prog, ifindex): a tcx link,
 *                        beside any other tc programs
 *   @cgroup_skb(...)     bpf_program__attach_cgroup(prog, fd of --cgroup)
 *   @cgroup_sock_addr    the same
 *   @socket_filter       SO_ATTACH_BPF on a packet socket of pybpf's own on
 *                        --iface (AF_PACKET, SOCK_DGRAM: from the network
 *                        header, as a test run gives it), which a thread reads:
 *                        at exit, how many packets the filter let through
 *
 * Every attachment but a socket filter's is a BPF link, so the links Vec of load.c destroys it at
 * exit (and the kernel when the process dies), and pin.c pins it like any
 * other. pybpf test-run attaches nothing: it feeds packets to the programs
 * with BPF_PROG_TEST_RUN.
 */
#include "net.h"
#include "output.h"
#include "support.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static int ifindex;          /* --iface, resolved */
static const char *iface;
static int cgroup_fd = -1;   /* --cgroup, opened */
static const char *cgroup_path;
static bool test_run;

bool net_probe(Probe *p)
{
	/* __pyb_init (items=) is an XDP program that load.c runs once, never attached (tail_only) */
	return packet_kind(p->kind) && !p->tail_only;
}

/* Does BPF_PROG_TEST_RUN run it? (Not cgroup_sock_addr: ENOTSUPP, measured on 6.18.) */
static bool runs_packets(Probe *p)
{
	return strcmp(p->kind, "cgroup_sock_addr") != 0;
}

/* How the probe was written: @xdp, @tc("egress"), @cgroup_skb("ingress") */
static const char *deco(Probe *p)
{
	return *p->target ? xasprintf("@%s(\"%s\")", p->kind, p->target) : xasprintf("@%s", p->kind);
}

static bool on_iface(Probe *p)
{
	return packet_on_iface(p->kind);
}

/* Where cgroup2 is mounted here (for the messages), or NULL. */
static const char *cgroup2_mount(void)
{
	static char dir[256];
	char fs[64], line[1024];
	FILE *f = fopen("/proc/self/mounts", "r");
	const char *found = NULL;
	while (f && !found && fgets(line, sizeof line, f))
		if (sscanf(line, "%*s %255s %63s", dir, fs) == 2 && !strcmp(fs, "cgroup2"))
			found = dir;
	if (f)
		fclose(f);
	return found;
}

static const char *cgroup2_where(void)
{
	const char *m = cgroup2_mount();
	return m ? xasprintf("cgroup2 is mounted at %s here", m) : "this machine has no cgroup2 mounted (mount -t cgroup2 none DIR)";
}

/* test-run runs packet probes on packets, @begin and @end once; anything
 * else needs the kernel's events and so pybpf load */
static void check_test_run(Prog *prog)
{
	bool any = false;
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		if (net_probe(p) && runs_packets(p)) {
			any = true;
			continue;
		}
		if (net_probe(p))
			error_at(p->def->tok->loc, "pybpf test-run cannot run '%s': the kernel has no test run for %s "
				 "programs (they see a socket call, not a packet); pybpf load --cgroup PATH attaches it",
				 p->name, deco(p));
		if (strcmp(p->kind, "begin") && strcmp(p->kind, "end") && !p->tail_only)
			error_at(p->def->tok->loc, "pybpf test-run runs a file's packet probes on the packets given (and its "
				 "@begin and @end probes once); '%s' is a @%s probe, which needs pybpf load", p->name, p->kind);
	}
	if (!any)
		fatal("%s has no packet probe (@xdp, @tc, @cgroup_skb, @socket_filter) for pybpf test-run to run; pybpf run runs @begin "
		      "and @end probes", prog->file ? prog->file->name : "the file");
}

void net_prepare(Prog *prog, LoadOpts *o)
{
	bool need_iface = false, need_cgroup = false;
	struct statfs sf;

	test_run = o->test_run;
	if (test_run) {
		check_test_run(prog);
		return;
	}
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		if (!net_probe(p))
			continue;
		if (on_iface(p) && !o->iface)
			error_at(p->def->tok->loc, "probe '%s' (%s) needs an interface: pybpf load --iface NAME", p->name,
				 deco(p));
		if (!on_iface(p) && !o->cgroup)
			error_at(p->def->tok->loc, "probe '%s' (%s) needs a cgroup: pybpf load --cgroup PATH (a cgroup v2 "
				 "directory; %s)", p->name, deco(p), cgroup2_where());
		if (!strcmp(p->kind, "socket_filter") && o->pin_name)
			error_at(p->def->tok->loc, "probe '%s' (@socket_filter) filters a socket of this pybpf process, which "
				 "ends with it: it cannot be pinned (--pin); @xdp, @tc and @cgroup_skb can", p->name);
		need_iface |= on_iface(p);
		need_cgroup |= !on_iface(p);
	}
	if (o->iface && !need_iface)
		fatal("--iface %s: no probe of %s attaches to an interface (@xdp, @tc and @socket_filter probes do)", o->iface,
		      prog->file->name);
	if (o->cgroup && !need_cgroup)
		fatal("--cgroup %s: no probe of %s attaches to a cgroup (@cgroup_skb and @cgroup_sock_addr probes do)",
		      o->cgroup, prog->file->name);
	if (need_iface) {
		iface = o->iface;
		ifindex = (int)if_nametoindex(iface);
		if (!ifindex)
			fatal("--iface %s: no such network interface here (ip link lists this network namespace's)", iface);
	}
	if (need_cgroup) {
		cgroup_path = o->cgroup;
		cgroup_fd = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_fd < 0)
			fatal("--cgroup %s: %s (a cgroup v2 directory; %s)", cgroup_path, strerror(errno), cgroup2_where());
		if (fstatfs(cgroup_fd, &sf) || sf.f_type != CGROUP2_SUPER_MAGIC)
			fatal("--cgroup %s: not a cgroup v2 directory (%s)", cgroup_path, cgroup2_where());
	}
}

/* ---- attaching ------------------------------------------------------------------ */

/* Why the kernel refused an attachment, in the terms of what was written. */
static const char *attach_hint(Probe *p, int err)
{
	if (!strcmp(p->kind, "xdp") && (err == -EBUSY || err == -EEXIST))
		return xasprintf("interface %s already has an XDP program (bpftool net show dev %s lists it), and an "
				 "interface runs one at a time; detach that one first, or use @tc(\"ingress\"), whose "
				 "programs run side by side", iface, iface);
	if (!strcmp(p->kind, "xdp") && err == -EOPNOTSUPP)
		return xasprintf("the driver of %s refuses XDP programs", iface);
	if (!strcmp(p->kind, "tc") && (err == -EINVAL || err == -EOPNOTSUPP))
		return "tcx links need Linux 6.6 or later";
	if (!on_iface(p) && (err == -EPERM || err == -EEXIST || err == -EBUSY))
		return xasprintf("%s already has a %s program attached that allows no others (attached "
				 "without BPF_F_ALLOW_MULTI; bpftool cgroup show %s lists it)", cgroup_path, p->kind,
				 cgroup_path);
	return NULL;
}

/* A socket filter's socket, and what came through it */
typedef struct FilterSock {
	Probe *p;
	int fd;
	unsigned long long packets, bytes;
} FilterSock;
static Vec filter_socks;   /* FilterSock* */

/* Read (and count) what the filter lets through, until the socket closes */
static void *filter_reader(void *arg)
{
	FilterSock *fs = arg;
	char buf[65536];
	ssize_t n;
	while ((n = recv(fs->fd, buf, sizeof buf, MSG_TRUNC)) >= 0) {
		__atomic_add_fetch(&fs->packets, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&fs->bytes, (unsigned long long)n, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int filter_attach(struct bpf_program *bp, Probe *p)
{
	FilterSock *fs = xcalloc(1, sizeof(*fs));
	struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL), .sll_ifindex = ifindex};
	int prog_fd = bpf_program__fd(bp);
	pthread_t t;
	fs->p = p;
	fs->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fs->fd < 0 || bind(fs->fd, (struct sockaddr *)&sa, sizeof sa) ||
	    setsockopt(fs->fd, SOL_SOCKET, SO_ATTACH_BPF, &prog_fd, sizeof prog_fd) ||
	    pthread_create(&t, NULL, filter_reader, fs)) {
		error_begin(p->def->tok->loc, "cannot attach probe '%s' (@socket_filter) to a packet socket on interface %s: %s",
			    p->name, iface, strerror(errno));
		if (fs->fd >= 0)
			close(fs->fd);
		return -1;
	}
	pthread_detach(t);
	vec_push(&filter_socks, fs);
	return 0;
}

int net_sockets(void)
{
	return filter_socks.len;
}

void net_report(void)
{
	for (int i = 0; i < filter_socks.len; i++) {
		FilterSock *fs = VEC_AT(filter_socks, i);
		int queued = 0;
		/* what the filter let through but the reader has not counted yet: at most 100 ms */
		for (int k = 0; k < 100 && !ioctl(fs->fd, SIOCINQ, &queued) && queued > 0; k++)
			usleep(1000);
		shutdown(fs->fd, SHUT_RDWR);
		fprintf(stderr, "pybpf: socket filter '%s' on %s let through %llu packets (%llu bytes)\n", fs->p->name, iface,
			__atomic_load_n(&fs->packets, __ATOMIC_RELAXED), __atomic_load_n(&fs->bytes, __ATOMIC_RELAXED));
	}
}

int net_attach(struct bpf_program *bp, Probe *p, Vec *links)
{
	struct bpf_link *l;
	const char *where, *hint;
	int err;

	if (test_run)
		return 0;   /* run on packets, never attached */
	if (!strcmp(p->kind, "socket_filter"))
		return filter_attach(bp, p);
	if (!strcmp(p->kind, "xdp"))
		l = bpf_program__attach_xdp(bp, ifindex);
	else if (!strcmp(p->kind, "tc"))
		l = bpf_program__attach_tcx(bp, ifindex, NULL);
	else
		l = bpf_program__attach_cgroup(bp, cgroup_fd);
	if (l) {
		vec_push(links, l);
		return 0;
	}
	err = -errno;
	where = on_iface(p) ? xasprintf("interface %s", iface) : xasprintf("cgroup %s", cgroup_path);
	error_begin(p->def->tok->loc, "cannot attach probe '%s' (%s) to %s: %s", p->name, deco(p), where, strerror(-err));
	if ((hint = attach_hint(p, err)))
		fprintf(stderr, "note: %s\n", hint);
	return -1;
}

/* ---- test-run -------------------------------------------------------------------- */

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

NetPacket *net_parse_packet(const char *hex, const char **why)
{
	NetPacket *pk = xcalloc(1, sizeof(*pk));
	pk->data = xcalloc(1, strlen(hex) / 2 + 1);
	for (const char *s = hex; *s;) {
		if (*s == ':' || *s == ' ') {
			s++;
			continue;
		}
		if (hexval(s[0]) < 0 || !s[1] || hexval(s[1]) < 0) {
			*why = "expected pairs of hex digits (':' or spaces may separate them)";
			return NULL;
		}
		pk->data[pk->len++] = (unsigned char)(hexval(s[0]) * 16 + hexval(s[1]));
		s += 2;
	}
	if (pk->len < 14) {
		*why = xasprintf("%zu byte%s: a packet starts with an Ethernet header (14 bytes)", pk->len,
				 pk->len == 1 ? "" : "s");
		return NULL;
	}
	return pk;
}

/* The verdict's name (NULL: a number the kind does not name). */
static const char *verdict_name(Probe *p, int32_t r)
{
	static const char *const xdp[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
	if (!strcmp(p->kind, "xdp"))
		return r >= 0 && r <= 4 ? xdp[r] : NULL;
	if (!strcmp(p->kind, "tc"))
		return r == -1 ? "TC_ACT_UNSPEC" : r == 0 ? "TC_ACT_OK" : r == 2 ? "TC_ACT_SHOT" : r == 7 ? "TC_ACT_REDIRECT" : NULL;
	if (!strcmp(p->kind, "socket_filter"))   /* the bytes it keeps */
		return r == 0 ? "drop" : NULL;
	return r == 1 ? "allow" : r == 0 ? "drop" : NULL;
}

/* One packet through one probe, and its line. */
static int run_packet(struct bpf_object *obj, Probe *p, NetPacket *pk, int n, LoadOpts *o, void (*drain)(void *),
		      void *arg)
{
	struct bpf_program *bp = bpf_object__find_program_by_name(obj, p->cname);
	size_t cap = pk->len + 65536;
	unsigned char *out = xcalloc(1, cap);
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pk->data, .data_size_in = (__u32)pk->len, .data_out = out,
		    .data_size_out = (__u32)cap, .repeat = o->repeat > 1 ? o->repeat : 1);
	Str data = {0};
	bool changed;
	int32_t r;

	if (!bp)
		ICE("program %s not in the object", p->cname);
	if (bpf_prog_test_run_opts(bpf_program__fd(bp), &t) < 0) {
		int err = errno;
		error_begin(p->def->tok->loc, "cannot run probe '%s' (%s) on packet %d (%zu bytes): %s", p->name, deco(p), n,
			    pk->len, strerror(err));
		/* measured on 6.18: an skb's test run takes a page less the skb's
		 * head and tail room (NET_SKB_PAD 64, skb_shared_info 320), and
		 * an IPv4 or IPv6 ethertype only with that whole header */
		if (err == EINVAL && strcmp(p->kind, "xdp"))
			fprintf(stderr, "note: the kernel runs @%s probes on packets of 14 (an Ethernet header) to %ld bytes; "
					"one of ethertype 0x0800 (IPv4) must hold the whole IP header (34 bytes at least), "
					"one of 0x86dd (IPv6) its 40 (54 bytes at least)\n", p->kind, sysconf(_SC_PAGESIZE) - 384);
		free(out);
		return -1;
	}
	r = (int32_t)t.retval;
	/* cgroup_skb and socket filter packets are read-only, and the kernel
	 * hands them back with the Ethernet header zeroed: only xdp and tc
	 * can change one */
	changed = on_iface(p) && strcmp(p->kind, "socket_filter") &&
		  (t.data_size_out != pk->len || memcmp(out, pk->data, pk->len));
	for (__u32 i = 0; changed && i < t.data_size_out && i < cap; i++)
		str_printf(&data, "%02x", out[i]);
	drain(arg);   /* what it printed, before its verdict */
	out_test_run(p->name, n, verdict_name(p, r), r, changed ? (data.buf ? data.buf : "") : NULL,
		     o->repeat ? (int64_t)t.duration : -1);
	free(data.buf);
	free(out);
	return 0;
}

int net_test_run(struct bpf_object *obj, Prog *prog, LoadOpts *o, void (*drain)(void *), void *arg)
{
	for (int i = 0; i < o->packets.len; i++)
		for (int j = 0; j < prog->probes.len; j++) {
			Probe *p = VEC_AT(prog->probes, j);
			if (!net_probe(p))
				continue;
			if (run_packet(obj, p, VEC_AT(o->packets, i), i + 1, o, drain, arg) < 0)
				return -1;
		}
	return 0;
}
