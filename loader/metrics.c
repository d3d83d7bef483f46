/* metrics.c — the HTTP server of pybpf load --metrics ADDR (metrics.h,
 * docs/metrics.md).
 *
 * One thread accepts; each connection gets a thread of its own, at most
 * MAX_CONNS at once (more are answered 503 and closed). A connection
 * reads one request of at most MAX_REQUEST bytes within READ_MS, writes
 * the answer within WRITE_MS, and closes (Connection: close): a client
 * that never sends, sends garbage or a huge header, or never reads, costs
 * a thread for a few seconds at most, never the loader's event loop,
 * which these threads do not touch. Only GET /metrics is served. Every
 * socket is non-blocking and every wait is a poll() that also watches the
 * stop pipe, so metrics_stop() ends them all at once.
 */
#include "metrics.h"
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 16
#define MAX_REQUEST 8192
#define READ_MS 5000
#define WRITE_MS 10000

struct MetricsServer {
	int lfd, stop[2];     /* the listening socket; stop[0] readable once stopping */
	pthread_t acceptor;
	MetricsPlan *plan;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	int active;           /* connection threads running */
};

typedef struct Conn {
	MetricsServer *s;
	int fd;
} Conn;

/* ---- the address ------------------------------------------------------------------------- */

static int parse_port(const char *p, int *port)
{
	char *end;
	long v = strtol(p, &end, 10);
	if (!*p || *end || v < 0 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

int metrics_parse_addr(const char *spec, struct sockaddr_storage *sa, socklen_t *len, const char **why)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
	const char *colon = strrchr(spec, ':');
	char host[64];
	int port;

	memset(sa, 0, sizeof(*sa));
	*why = "expected HOST:PORT, e.g. 127.0.0.1:9435, [::1]:9435 or localhost:9435";
	if (!colon || colon - spec >= (long)sizeof host || parse_port(colon + 1, &port) < 0)
		return -1;
	memcpy(host, spec, colon - spec);
	host[colon - spec] = 0;
	if (host[0] == '[') {
		size_t n = strlen(host);
		if (n < 3 || host[n - 1] != ']')
			return -1;
		host[n - 1] = 0;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		*len = sizeof(*v6);
		*why = "not an IPv6 address between the brackets";
		return inet_pton(AF_INET6, host + 1, &v6->sin6_addr) == 1 ? 0 : -1;
	}
	v4->sin_family = AF_INET;
	v4->sin_port = htons(port);
	*len = sizeof(*v4);
	if (!host[0] || !strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	*why = "the host is an IPv4 address, [an IPv6 address] or localhost (no name lookups)";
	return inet_pton(AF_INET, host, &v4->sin_addr) == 1 ? 0 : -1;
}

/* ---- one connection ---------------------------------------------------------------------- */

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static struct timespec deadline_in(int ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

/* until fd is ready for ev: 1, or 0 on time-out, stop or error */
static int wait_ready(Conn *c, short ev, const struct timespec *deadline)
{
	for (;;) {
		struct pollfd p[2] = {{c->fd, ev, 0}, {c->s->stop[0], POLLIN, 0}};
		long left = ms_left(deadline);
		if (left <= 0)
			return 0;
		int r = poll(p, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || p[1].revents)
			return 0;
		return (p[0].revents & (ev | POLLHUP | POLLERR)) ? 1 : 0;
	}
}

/* The request's head (up to the blank line) into buf: its length, 0 when the client went away
 * or was too slow, -1 when it is longer than MAX_REQUEST. */
static int read_head(Conn *c, char *buf)
{
	struct timespec dl = deadline_in(READ_MS);
	int n = 0;
	while (n < MAX_REQUEST) {
		if (!wait_ready(c, POLLIN, &dl))
			return 0;
		ssize_t r = recv(c->fd, buf + n, MAX_REQUEST - n, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return 0;
		n += (int)r;
		buf[n] = 0;
		if (memmem(buf, n, "\r\n\r\n", 4) || memmem(buf, n, "\n\n", 2))   /* garbage may hold NULs */
			return n;
	}
	return -1;
}

static void write_all(Conn *c, const char *p, size_t n)
{
	struct timespec dl = deadline_in(WRITE_MS);
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (!wait_ready(c, POLLOUT, &dl))
				return;
			continue;
		}
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void respond(Conn *c, const char *status, const char *type, const char *extra, const char *body, size_t n,
		    bool head)
{
	char *h = xasprintf("HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n", status,
			    type, n, extra);
	write_all(c, h, strlen(h));
	if (!head)
		write_all(c, body, n);
	free(h);
}

static void respond_text(Conn *c, const char *status, const char *extra, const char *msg)
{
	respond(c, status, "text/plain; charset=utf-8", extra, msg, strlen(msg), false);
}

/* does the head ask for OpenMetrics (an Accept header naming application/openmetrics-text)? */
static bool wants_openmetrics(const char *head)
{
	for (const char *l = strchr(head, '\n'); l; l = strchr(l, '\n')) {
		l++;
		if (!strncasecmp(l, "accept:", 7)) {
			const char *e = strchr(l, '\n');
			const char *om = strstr(l, "application/openmetrics-text");
			if (om && (!e || om < e))
				return true;
		}
	}
	return false;
}

/* "GET /metrics HTTP/1.1" and its headers: the answer */
static void serve(Conn *c, char *head)
{
	char method[16], path[1024], version[16];
	if (sscanf(head, "%15s %1023s %15s", method, path, version) != 3 || strncmp(version, "HTTP/1.", 7) ||
	    path[0] != '/') {
		respond_text(c, "400 Bad Request", "", "expected: GET /metrics HTTP/1.1\n");
		return;
	}
	bool head_only = !strcmp(method, "HEAD");
	if (strcmp(method, "GET") && !head_only) {
		respond_text(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", "only GET /metrics is served\n");
		return;
	}
	path[strcspn(path, "?")] = 0;
	if (strcmp(path, "/metrics")) {
		respond_text(c, "404 Not Found", "", "the metrics are at /metrics\n");
		return;
	}
	bool om = wants_openmetrics(head);
	Str body = {0};
	metrics_expose(&body, c->s->plan, om);
	respond(c, "200 OK",
		om ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8",
		"", body.buf ? body.buf : "", body.len, head_only);
	free(body.buf);
}

static void *conn_main(void *arg)
{
	Conn *c = arg;
	char *buf = xcalloc(1, MAX_REQUEST + 1);
	int n = read_head(c, buf);
	if (n < 0)
		respond_text(c, "431 Request Header Fields Too Large", "", "the request is longer than 8 KiB\n");
	else if (n > 0)
		serve(c, buf);
	free(buf);
	close(c->fd);
	pthread_mutex_lock(&c->s->mu);
	if (--c->s->active == 0)
		pthread_cond_broadcast(&c->s->idle);
	pthread_mutex_unlock(&c->s->mu);
	free(c);
	return NULL;
}

/* ---- accepting --------------------------------------------------------------------------- */

static void start_conn(MetricsServer *s, int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	Conn *c = xcalloc(1, sizeof(*c));
	pthread_t t;
	c->s = s;
	c->fd = fd;
	pthread_mutex_lock(&s->mu);
	bool room = s->active < MAX_CONNS;
	if (room)
		s->active++;
	pthread_mutex_unlock(&s->mu);
	if (room && pthread_create(&t, NULL, conn_main, c) == 0) {
		pthread_detach(t);
		return;
	}
	if (room) {   /* no thread: as if full */
		pthread_mutex_lock(&s->mu);
		s->active--;
		pthread_mutex_unlock(&s->mu);
	}
	if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* it goes away either way */
	}
	close(fd);
	free(c);
}

static void *accept_main(void *arg)
{
	MetricsServer *s = arg;
	for (;;) {
		struct pollfd p[2] = {{s->lfd, POLLIN, 0}, {s->stop[0], POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			start_conn(s, fd);
		else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			usleep(10000);   /* out of descriptors: let connections finish */
	}
	return NULL;
}

static int listen_on(const char *spec)
{
	struct sockaddr_storage sa;
	socklen_t len;
	const char *why;
	int one = 1, fd;
	if (metrics_parse_addr(spec, &sa, &len, &why) < 0) {
		fprintf(stderr, "pybpf: error: --metrics %s: %s\n", spec, why);
		return -1;
	}
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "pybpf: error: --metrics %s: cannot listen there: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* "http://127.0.0.1:9435/metrics", with the port the kernel chose for :0 */
static void say_where(int fd)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof sa;
	char b[INET6_ADDRSTRLEN];
	getsockname(fd, (struct sockaddr *)&sa, &len);
	if (sa.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;
		inet_ntop(AF_INET6, &a->sin6_addr, b, sizeof b);
		fprintf(stderr, "pybpf: metrics at http://[%s]:%d/metrics\n", b, ntohs(a->sin6_port));
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&sa;
		inet_ntop(AF_INET, &a->sin_addr, b, sizeof b);
		fprintf(stderr, "pybpf: metrics at http://%s:%d/metrics\n", b, ntohs(a->sin_port));
	}
}

MetricsServer *metrics_start(const char *spec, struct bpf_object *obj, Prog *prog)
{
	MetricsServer *s = xcalloc(1, sizeof(*s));
	sigset_t all, old;
	if ((s->lfd = listen_on(spec)) < 0 || pipe2(s->stop, O_CLOEXEC) < 0) {
		if (s->lfd >= 0)
			close(s->lfd);
		free(s);
		return NULL;
	}
	s->plan = metrics_plan(obj, prog);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->idle, NULL);
	/* the loader's signals (Ctrl-C, SIGTERM) stay the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int err = pthread_create(&s->acceptor, NULL, accept_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "pybpf: error: --metrics: cannot start the server's thread: %s\n", strerror(err));
		metrics_plan_free(s->plan);
		close(s->lfd);
		close(s->stop[0]);
		close(s->stop[1]);
		free(s);
		return NULL;
	}
	say_where(s->lfd);
	return s;
}

void metrics_stop(MetricsServer *s)
{
	if (!s)
		return;
	if (write(s->stop[1], "x", 1) < 0) {
		/* a pipe of our own with room: cannot fail */
	}
	pthread_join(s->acceptor, NULL);
	pthread_mutex_lock(&s->mu);
	while (s->active)
		pthread_cond_wait(&s->idle, &s->mu);
	pthread_mutex_unlock(&s->mu);
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
	metrics_plan_free(s->plan);
	free(s);
}
