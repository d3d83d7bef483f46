/* xdp_bench: the driver of bench/xdp.py.
 *
 *   xdp_bench run REPEAT ROUNDS JITDIR OBJ...
 *	Loads each OBJ's XDP program (not attached), writes its JIT image to
 *	JITDIR/I.bin (bench/xdp.py counts its instructions with objdump) and
 *	prints "obj I OBJ size xlated N jited N"; then ROUNDS times, each
 *	program in turn, BPF_PROG_TEST_RUN with each test packet, REPEAT runs
 *	each, printing "test I PACKET retval R kernel_ns D wall_ns W": D is the
 *	kernel's duration (the mean per run, whole ns), W the wall time of the
 *	syscall divided by REPEAT (fractional, the setup included).
 *
 *   xdp_bench attach OBJ IFNAME
 *	Attaches OBJ's XDP program to IFNAME through a BPF link, prints "ready"
 *	and waits until stdin closes (or SIGINT/SIGTERM); the link goes with the
 *	process, so nothing stays attached whatever happens to bench/xdp.py.
 *
 *   xdp_bench send SRC DST PORT COUNT SECONDS
 *	Sends COUNT UDP packets (18-byte payload: 60-byte frames) from SRC to
 *	DST:PORT with sendmmsg, 64 a call, stopping after SECONDS at the latest;
 *	prints "sent N ns T".
 *
 * The test packets are a 60-byte Ethernet + IPv4 + UDP frame to port 9999
 * (drop: bench/xdp/drop.py and drop.c return XDP_DROP) and the same frame
 * to port 9998 (pass: every check runs, then XDP_PASS).
 */
#define _GNU_SOURCE /* sendmmsg */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define FRAME_LEN 60
#define BATCH 64

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The one XDP program of OBJ, loaded; exits on failure. */
static struct bpf_program *load_xdp(const char *path, struct bpf_object **objp)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;

	if (!obj) {
		fprintf(stderr, "xdp_bench: open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "xdp_bench: load %s: %s\n", path, strerror(errno));
		exit(1);
	}
	bpf_object__for_each_program(prog, obj)
		if (bpf_program__type(prog) == BPF_PROG_TYPE_XDP) {
			*objp = obj;
			return prog;
		}
	fprintf(stderr, "xdp_bench: %s has no XDP program\n", path);
	exit(1);
}

/* Ethernet + IPv4 (no options, checksum left 0: XDP does not check it)
 * + UDP to dport, zero payload. */
static void make_frame(unsigned char *f, unsigned short dport)
{
	struct ethhdr *eth = (void *)f;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	memset(f, 0, FRAME_LEN);
	memset(eth->h_dest, 0x02, ETH_ALEN);
	memset(eth->h_source, 0x04, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(FRAME_LEN - sizeof(*eth));
	ip->saddr = htonl(0x0a000001);
	ip->daddr = htonl(0x0a000002);
	udp->source = htons(12345);
	udp->dest = htons(dport);
	udp->len = htons(FRAME_LEN - sizeof(*eth) - sizeof(*ip));
}

static int write_jit(int fd, const char *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), jlen;
	unsigned char *code;
	FILE *f;

	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return -errno;
	jlen = info.jited_prog_len;
	code = calloc(1, jlen ? jlen : 1);
	if (!code)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = jlen;
	info.jited_prog_insns = (__u64)(unsigned long)code;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(fd, &info, &len))
		return -errno;
	f = fopen(out, "wb");
	if (!f || fwrite(code, 1, jlen, f) != jlen || fclose(f))
		return -errno;
	printf("size xlated %u jited %u\n", info.xlated_prog_len / 8, jlen);
	free(code);
	return 0;
}

/* One test run of REPEAT: the kernel's mean ns per run (whole ns) and the
 * wall time of the syscall per run. */
static int test_run(int fd, const unsigned char *frame, int repeat, __u32 *retval,
		    __u32 *dur, double *wall)
{
	unsigned char out[FRAME_LEN + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame, .data_size_in = FRAME_LEN,
		.data_out = out, .data_size_out = sizeof(out),
		.repeat = repeat);
	double t0 = now_ns();

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	*wall = (now_ns() - t0) / repeat;
	*dur = opts.duration;
	*retval = opts.retval;
	return 0;
}

static const struct {
	const char *name;
	unsigned short dport;
} packets[] = { { "drop", 9999 }, { "pass", 9998 } };

static int cmd_run(int argc, char **argv)
{
	int repeat, rounds, nobj = argc - 5, fds[16];
	struct bpf_object *objs[16];
	unsigned char frames[2][FRAME_LEN];
	char path[4096];

	if (argc < 6 || nobj > 16) {
		fprintf(stderr, "usage: xdp_bench run REPEAT ROUNDS JITDIR OBJ...\n");
		return 2;
	}
	repeat = atoi(argv[2]);
	rounds = atoi(argv[3]);
	for (int i = 0; i < nobj; i++) {
		int err;

		fds[i] = bpf_program__fd(load_xdp(argv[5 + i], &objs[i]));
		snprintf(path, sizeof(path), "%s/%d.bin", argv[4], i);
		printf("obj %d %s ", i, argv[5 + i]);
		err = write_jit(fds[i], path);
		if (err) {
			fprintf(stderr, "xdp_bench: %s: %s\n", path, strerror(-err));
			return 1;
		}
	}
	for (int p = 0; p < 2; p++)
		make_frame(frames[p], packets[p].dport);
	/* interleaved: a slow stretch of the machine hits every program alike */
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < nobj; i++)
			for (int p = 0; p < 2; p++) {
				__u32 retval = 0, dur = 0;
				double wall = 0;
				int err = test_run(fds[i], frames[p], repeat, &retval, &dur, &wall);

				if (err) {
					fprintf(stderr, "xdp_bench: test run: %s\n", strerror(-err));
					return 1;
				}
				printf("test %d %s retval %u kernel_ns %u wall_ns %.3f\n",
				       i, packets[p].name, retval, dur, wall);
			}
	for (int i = 0; i < nobj; i++)
		bpf_object__close(objs[i]);
	return 0;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int cmd_attach(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int ifindex;
	char buf[64];

	if (argc != 4) {
		fprintf(stderr, "usage: xdp_bench attach OBJ IFNAME\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[3]);
	if (!ifindex) {
		fprintf(stderr, "xdp_bench: %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	prog = load_xdp(argv[2], &obj);
	link = bpf_program__attach_xdp(prog, ifindex);
	if (!link) {
		fprintf(stderr, "xdp_bench: attach to %s: %s\n", argv[3], strerror(errno));
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	/* a signal interrupts read(): no SA_RESTART */
	while (!stopping && read(0, buf, sizeof(buf)) > 0)
		;
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}

static int cmd_send(int argc, char **argv)
{
	static char payload[BATCH][FRAME_LEN - 14 - 20 - 8];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	long count, sent = 0;
	double limit, t0, t;
	int s;

	if (argc != 7) {
		fprintf(stderr, "usage: xdp_bench send SRC DST PORT COUNT SECONDS\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &src.sin_addr) != 1 || inet_pton(AF_INET, argv[3], &dst.sin_addr) != 1) {
		fprintf(stderr, "xdp_bench: bad address\n");
		return 2;
	}
	dst.sin_port = htons(atoi(argv[4]));
	count = atol(argv[5]);
	limit = atof(argv[6]) * 1e9;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (void *)&src, sizeof(src)) || connect(s, (void *)&dst, sizeof(dst))) {
		fprintf(stderr, "xdp_bench: socket: %s\n", strerror(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = payload[i];
		iov[i].iov_len = sizeof(payload[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now_ns();
	t = t0;
	while (sent < count && t - t0 < limit) {
		int n = count - sent < BATCH ? count - sent : BATCH;

		n = sendmmsg(s, msgs, n, 0);
		if (n < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "xdp_bench: sendmmsg: %s\n", strerror(errno));
			return 1;
		}
		if (n > 0)
			sent += n;
		t = now_ns();
	}
	printf("sent %ld ns %.0f\n", sent, t - t0);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(quiet);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "attach"))
		return cmd_attach(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return cmd_send(argc, argv);
	fprintf(stderr, "usage: xdp_bench run|attach|send ...\n");
	return 2;
}
