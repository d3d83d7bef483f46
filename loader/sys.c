/* sys.c — system set-up before loading: privileges, bpffs/tracefs mounts,
 * RLIMIT_MEMLOCK, and the monotonic clock. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "support.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define BPF_FS_MAGIC_   0xcafe4a11
#define TRACEFS_MAGIC_  0x74726163

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* ---- privileges ------------------------------------------------------------ */

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

int sys_check_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	char missing[64] = "";

	if (geteuid() == 0)
		return 0;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0) {
		fprintf(stderr, "pybpf: error: loading BPF programs needs root (cannot read capabilities: %s); run it with sudo\n",
			strerror(errno));
		return -1;
	}
	if (has_cap(data, CAP_SYS_ADMIN))
		return 0;
	if (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON))
		return 0;
	if (!has_cap(data, CAP_BPF))
		strcat(missing, "CAP_BPF");
	if (!has_cap(data, CAP_PERFMON))
		strcat(strcat(missing, *missing ? ", " : ""), "CAP_PERFMON");
	fprintf(stderr, "pybpf: error: loading BPF programs needs root or the CAP_BPF and CAP_PERFMON "
		"capabilities (missing: %s); run it with sudo\n", missing);
	return -1;
}

/* ---- mounts -------------------------------------------------------------------- */

static const char *tracefs_path;

static bool is_fs(const char *path, unsigned long magic)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (unsigned long)sf.f_type == magic;
}

/* Find tracefs without mounting anything; NULL when it is not mounted. */
static const char *find_tracefs(void)
{
	if (is_fs("/sys/kernel/tracing", TRACEFS_MAGIC_))
		return "/sys/kernel/tracing";
	if (is_fs("/sys/kernel/debug/tracing", TRACEFS_MAGIC_))
		return "/sys/kernel/debug/tracing";
	return NULL;
}

static int mount_fs(const char *type, const char *path, const char *opts)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "pybpf: error: %s is not mounted and %s cannot be created: %s\n",
			type, path, strerror(errno));
		return -1;
	}
	if (mount(type, path, type, 0, opts) < 0) {
		fprintf(stderr, "pybpf: error: %s is not mounted on %s and mounting it failed: %s; "
			"try: sudo mount -t %s %s %s\n", type, path, strerror(errno), type, type, path);
		return -1;
	}
	return 0;
}

int sys_ensure_mounts(void)
{
	int ret = 0;

	if (!is_fs("/sys/fs/bpf", BPF_FS_MAGIC_) &&
	    mount_fs("bpf", "/sys/fs/bpf", "mode=0700") < 0)
		ret = -1;

	tracefs_path = find_tracefs();
	if (!tracefs_path) {
		if (mount_fs("tracefs", "/sys/kernel/tracing", NULL) == 0)
			tracefs_path = "/sys/kernel/tracing";
		else
			ret = -1;
	}
	return ret;
}

const char *sys_tracefs(void)
{
	if (!tracefs_path)
		tracefs_path = find_tracefs();
	return tracefs_path ? tracefs_path : "/sys/kernel/tracing";
}

/* ---- misc ---------------------------------------------------------------------- */

void sys_bump_memlock(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
		/* Not fatal: kernels >= 5.11 charge BPF memory to the memcg. Raise
		 * at least the soft limit as far as we may. */
		if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_MEMLOCK, &rl);
		}
	}
}

uint64_t sys_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* mkdir -p with mode 0700 for the directories it creates. */
int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = 0;
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				ret = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return ret;
}
