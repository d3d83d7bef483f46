/* clang.c — compile generated C to a BPF object with clang, with a cache.
 *
 * clang reads the C text from a pipe (written from a poll() loop, so any
 * size works) and its stderr is collected for the diagnostics. Objects are
 * cached under $PYBPF_CACHE, $XDG_CACHE_HOME/pybpf or ~/.cache/pybpf:
 *
 *   CACHE/ab/cdef...(30 hex)/obj.o    the object
 *   CACHE/ab/cdef.../src.c            the C text it was built from
 *
 * The 128-bit key hashes the clang flags, the clang path with its size and
 * mtime, and the C text. A hit needs obj.o to exist and src.c to equal the
 * text byte for byte. Files are written under a temporary name in the same
 * directory and renamed, so a concurrent run never sees a partial file.
 * PYBPF_NO_CACHE=1 skips the lookup (the fresh object still refreshes the
 * entry). Any trouble with the cache falls back to a mkdtemp() directory.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The clang command line after argv[0] and before "-o OUT". Part of the
 * cache key: changing a flag invalidates every entry. */
static const char *const clang_flags[] = {
	"-target", "bpf", "-mcpu=v3", "-O2", "-g", "-Wall",
	"-Wno-unused-variable", "-Wno-unused-function",
	"-c", "-x", "c", "-",
};
#define N_FLAGS (sizeof(clang_flags) / sizeof(clang_flags[0]))

#define CACHE_VERSION "pybpf-cache-1"

/* ---- finding clang ------------------------------------------------------ */

static bool is_exec_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* name with a '/' as is, else searched in $PATH. */
static char *search_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;

	if (strchr(name, '/'))
		return is_exec_file(name) ? xstrdup(name) : NULL;
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		char *full;
		end = strchrnul(p, ':');
		full = end > p ? xasprintf("%.*s/%s", (int)(end - p), p, name)
			       : xasprintf("./%s", name);
		if (is_exec_file(full))
			return full;
		free(full);
		if (!*end)
			break;
	}
	return NULL;
}

const char *bpfcc_find_clang(const char **why)
{
	static char *found, *found_for;
	const char *env = getenv("CLANG");
	char *key = xstrdup(env && *env ? env : "");

	if (found && !strcmp(found_for, key)) {
		free(key);
		return found;
	}
	free(found);
	free(found_for);
	found = NULL;
	found_for = key;
	if (*key) {
		found = search_path(key);
		if (!found && why)
			*why = xasprintf("$CLANG is '%s', which is not an executable file", key);
		return found;
	}
	found = search_path("clang-19");
	if (!found)
		found = search_path("clang");
	if (!found && why)
		*why = "clang not found: install clang-19 (sudo make deps) or set $CLANG to a clang >= 14 with the BPF target";
	return found;
}

/* ---- running clang -------------------------------------------------------- */

/* Run clang on ctext with output out_path. Returns 0 when clang succeeded;
 * -1 otherwise. diag gets clang's stderr (and stdout), plus our own
 * explanation when it could not run or died. */
static int run_clang(const char *clang, const char *ctext, size_t len,
		     const char *out_path, Str *diag)
{
	const char *argv[N_FLAGS + 5];
	int in[2] = { -1, -1 }, err[2] = { -1, -1 }, status = 0, r, ret = -1;
	posix_spawn_file_actions_t fa;
	sigset_t pipe_set, old_mask, pending;
	bool had_sigpipe, epipe = false;
	size_t off = 0;
	pid_t pid;

	argv[0] = clang;
	for (size_t i = 0; i < N_FLAGS; i++)
		argv[i + 1] = clang_flags[i];
	argv[N_FLAGS + 1] = "-o";
	argv[N_FLAGS + 2] = out_path;
	argv[N_FLAGS + 3] = NULL;
	/* A large program asks (in its first lines, so the cache key covers
	 * it) that clang not read its Python source: the BPF backend puts every
	 * distinct source line into BTF's string table, which LLVM dedups by a
	 * linear search (BTFStringTable::addString), quadratic in the lines.
	 * Remapping the paths in the debug info makes the file unreadable for
	 * it; the line info keeps file and line, so the verifier log still says
	 * "@ probe.py:12" (without the text) and messages map as before. */
	if (memmem(ctext, len < 4096 ? len : 4096, BPFCC_NO_LINE_TEXT, strlen(BPFCC_NO_LINE_TEXT))) {
		argv[N_FLAGS + 1] = "-fdebug-prefix-map=/=/pybpf-no-source/";
		argv[N_FLAGS + 2] = "-o";
		argv[N_FLAGS + 3] = out_path;
		argv[N_FLAGS + 4] = NULL;
	}

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		str_printf(diag, "pybpf: error: cannot create a pipe for clang: %s\n", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, err[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	r = posix_spawn(&pid, clang, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r) {
		str_printf(diag, "pybpf: error: cannot run %s: %s\n", clang, strerror(r));
		goto out;
	}
	close(in[0]);
	close(err[1]);
	in[0] = err[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	if (len > 65536)
		fcntl(in[1], F_SETPIPE_SZ, len < (1 << 20) ? (int)len : 1 << 20);

	/* A clang that exits early must not kill us with SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
	sigpending(&pending);
	had_sigpipe = sigismember(&pending, SIGPIPE);

	if (len == 0) {
		close(in[1]);
		in[1] = -1;
	}
	while (err[0] >= 0) {
		struct pollfd pfd[2];
		int n = 0;

		pfd[n++] = (struct pollfd){ .fd = err[0], .events = POLLIN };
		if (in[1] >= 0)
			pfd[n++] = (struct pollfd){ .fd = in[1], .events = POLLOUT };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n > 1 && pfd[1].revents) {
			ssize_t w = write(in[1], ctext + off, len - off);
			if (w > 0)
				off += w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				epipe = true;
			if (off == len || epipe) {
				close(in[1]);
				in[1] = -1;
			}
		}
		if (pfd[0].revents) {
			char buf[8192];
			ssize_t rd = read(err[0], buf, sizeof(buf));
			if (rd > 0) {
				str_add(diag, buf, rd);
			} else if (rd == 0 || (errno != EAGAIN && errno != EINTR)) {
				close(err[0]);
				err[0] = -1;
			}
		}
	}
	if (in[1] >= 0) {
		close(in[1]);
		in[1] = -1;
	}
	if (epipe && !had_sigpipe) {
		struct timespec zero = { 0, 0 };
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE))
			sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			str_printf(diag, "pybpf: error: waiting for clang: %s\n", strerror(errno));
			goto out;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		struct stat st;
		if (stat(out_path, &st) == 0 && st.st_size > 0)
			ret = 0;
		else
			str_printf(diag, "pybpf: error: %s succeeded but wrote no object to %s\n",
				   clang, out_path);
	} else if (WIFSIGNALED(status)) {
		str_printf(diag, "pybpf: error: %s was killed by signal %d (%s)\n", clang,
			   WTERMSIG(status), strsignal(WTERMSIG(status)));
	} else if (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126) {
		str_printf(diag, "pybpf: error: could not execute %s (exit status %d)\n", clang,
			   WEXITSTATUS(status));
	} else if (!diag->len) {
		str_printf(diag, "pybpf: error: %s failed with exit status %d and no message\n",
			   clang, WEXITSTATUS(status));
	}
	if (ret && diag->buf && (strstr(diag->buf, "No available targets are compatible") ||
				 strstr(diag->buf, "unknown target triple") ||
				 strstr(diag->buf, "unable to create target")))
		str_printf(diag, "pybpf: note: %s has no BPF target; install clang-19 (sudo make deps) or set $CLANG\n",
			   clang);
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return ret;
}

static char *take_diag(Str *d)
{
	if (!d->len) {
		free(d->buf);
		return NULL;
	}
	return d->buf;
}

/* ---- the cache --------------------------------------------------------------- */

struct hash {
	uint64_t a;     /* FNV-1a 64 */
	uint64_t b;     /* word-at-a-time multiply/rotate, a different seed */
};

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static void hash_add(struct hash *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t a = h->a, b = h->b;
	size_t i = 0;

	for (size_t j = 0; j < n; j++) {
		a ^= p[j];
		a *= 0x100000001b3ULL;
	}
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		b ^= w * 0x87c37b91114253d5ULL;
		b = rotl64(b, 31) * 0x4cf5ad432745937fULL + 0x52dce729;
	}
	for (; i < n; i++)
		b = (b ^ p[i]) * 0xff51afd7ed558ccdULL;
	b ^= n;
	b = rotl64(b, 27) * 0x9e3779b97f4a7c15ULL;
	h->a = a;
	h->b = b;
}

static uint64_t fmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static char *cache_root(void)
{
	struct stat st;
	const char *e;

	e = getenv("PYBPF_CACHE");
	if (e && *e)
		return xstrdup(e);
	e = getenv("XDG_CACHE_HOME");
	if (e && *e == '/')
		return xasprintf("%s/pybpf", e);
	e = getenv("HOME");
	if (e && *e == '/' && stat(e, &st) == 0 && S_ISDIR(st.st_mode))
		return xasprintf("%s/.cache/pybpf", e);
	return NULL;
}

/* The entry directory for this text (not created), or NULL when the cache
 * cannot be used: no root, or a root someone else could write to (we may
 * run as root and load what we find there). */
static char *cache_entry(const char *clang, const char *ctext, size_t len)
{
	struct hash h = { 0xcbf29ce484222325ULL, 0x243f6a8885a308d3ULL };
	struct stat st;
	char *root = cache_root(), *entry;
	uint64_t meta[3];

	if (!root)
		return NULL;
	if (mkdir_p(root) < 0 || stat(root, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022)) {
		free(root);
		return NULL;
	}
	hash_add(&h, CACHE_VERSION, sizeof(CACHE_VERSION));
	for (size_t i = 0; i < N_FLAGS; i++)
		hash_add(&h, clang_flags[i], strlen(clang_flags[i]) + 1);
	hash_add(&h, clang, strlen(clang) + 1);
	if (stat(clang, &st) < 0) {
		free(root);
		return NULL;
	}
	meta[0] = st.st_size;
	meta[1] = st.st_mtim.tv_sec;
	meta[2] = st.st_mtim.tv_nsec;
	hash_add(&h, meta, sizeof(meta));
	hash_add(&h, ctext, len);
	h.a = fmix64(h.a);
	h.b = fmix64(h.b ^ len);
	entry = xasprintf("%s/%02x/%014llx%016llx", root, (unsigned)(h.a >> 56),
			  (unsigned long long)(h.a & 0x00ffffffffffffffULL),
			  (unsigned long long)h.b);
	free(root);
	return entry;
}

/* A hit: entry/obj.o exists and entry/src.c holds exactly ctext. */
static bool cache_lookup(const char *entry, const char *ctext, size_t len)
{
	char *path = xasprintf("%s/src.c", entry), *buf = NULL;
	struct stat st;
	bool hit = false;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		goto out;
	buf = malloc(len ? len : 1);
	if (!buf)
		goto out;
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			goto out;
		}
		got += r;
	}
	if (memcmp(buf, ctext, len))
		goto out;
	path = xasprintf("%s/obj.o", entry);
	hit = stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	free(path);
out:
	free(buf);
	close(fd);
	return hit;
}

static char *tmp_name(const char *dir, const char *base)
{
	static unsigned counter;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return xasprintf("%s/.%s.tmp.%d.%u.%lx", dir, base, (int)getpid(), counter++,
			 (unsigned long)ts.tv_nsec);
}

/* Write data to dir/name atomically. */
static int write_atomic(const char *dir, const char *name, const char *data, size_t len)
{
	char *tmp = tmp_name(dir, name), *path = xasprintf("%s/%s", dir, name);
	size_t off = 0;
	int fd, ret = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += w;
	}
	if (close(fd) == 0 && off == len && rename(tmp, path) == 0)
		ret = 0;
	else
		unlink(tmp);
out:
	free(tmp);
	free(path);
	return ret;
}

static bool no_cache_env(void)
{
	const char *e = getenv("PYBPF_NO_CACHE");

	return e && *e && strcmp(e, "0");
}

/* Compile into a fresh temporary directory. */
static int compile_tmp(const char *clang, const char *ctext, size_t len,
		       struct bpfcc_result *res)
{
	const char *tmpdir = getenv("TMPDIR");
	char *dir, *obj;
	Str diag = { 0 };
	int r;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	dir = xasprintf("%s/pybpf-XXXXXX", tmpdir);
	if (!mkdtemp(dir)) {
		res->diagnostics = xasprintf("pybpf: error: cannot create a temporary directory in %s: %s\n",
					     tmpdir, strerror(errno));
		free(dir);
		return -1;
	}
	obj = xasprintf("%s/obj.o", dir);
	free(dir);
	r = run_clang(clang, ctext, len, obj, &diag);
	res->diagnostics = take_diag(&diag);
	if (r < 0) {
		free(obj);
		return -1;
	}
	res->obj_path = obj;
	return 0;
}

int bpfcc_compile(const char *ctext, size_t len, bool use_cache, struct bpfcc_result *res)
{
	const char *clang, *why = NULL;
	char *entry = NULL, *tmp, *obj;
	Str diag = { 0 };
	int r;

	memset(res, 0, sizeof(*res));
	clang = bpfcc_find_clang(&why);
	if (!clang) {
		res->diagnostics = xasprintf("pybpf: error: %s\n", why);
		return -1;
	}
	if (use_cache)
		entry = cache_entry(clang, ctext, len);
	if (!entry)
		return compile_tmp(clang, ctext, len, res);

	obj = xasprintf("%s/obj.o", entry);
	if (!no_cache_env() && cache_lookup(entry, ctext, len)) {
		res->obj_path = obj;
		res->cache_hit = true;
		free(entry);
		return 0;
	}
	if (mkdir_p(entry) < 0) {
		free(obj);
		free(entry);
		return compile_tmp(clang, ctext, len, res);
	}
	tmp = tmp_name(entry, "obj.o");
	r = run_clang(clang, ctext, len, tmp, &diag);
	res->diagnostics = take_diag(&diag);
	if (r < 0) {
		unlink(tmp);
		free(tmp);
		free(obj);
		free(entry);
		return -1;
	}
	if (rename(tmp, obj) == 0) {
		free(tmp);
		write_atomic(entry, "src.c", ctext, len);
		res->obj_path = obj;
	} else {
		free(obj);
		res->obj_path = tmp;    /* still a complete object, just not cached */
	}
	free(entry);
	return 0;
}

int bpfcc_compile_to(const char *ctext, size_t len, const char *out_path, struct bpfcc_result *res)
{
	const char *clang, *why = NULL;
	Str diag = { 0 };
	int r;

	memset(res, 0, sizeof(*res));
	clang = bpfcc_find_clang(&why);
	if (!clang) {
		res->diagnostics = xasprintf("pybpf: error: %s\n", why);
		return -1;
	}
	r = run_clang(clang, ctext, len, out_path, &diag);
	res->diagnostics = take_diag(&diag);
	if (r < 0)
		return -1;
	res->obj_path = xstrdup(out_path);
	return 0;
}
