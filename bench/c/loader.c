/* loader: a minimal libbpf loader for the hand-written BPF C equivalents.
 *
 *   loader OBJ.bpf.o [SECONDS]
 *
 * Opens, loads and attaches every program in OBJ (libbpf's auto-attach from
 * the SEC() names), prints "prog NAME ID" per program and then "ready", and
 * waits for SIGINT/SIGTERM (or SECONDS). At exit it prints, for each hash map
 * with 8-byte values, the number of keys and the sum of the values, then
 * detaches and unloads everything. Statically linked: -l:libbpf.a -lelf -lz.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void dump_map(struct bpf_map *map)
{
	unsigned int ksz = bpf_map__key_size(map), vsz = bpf_map__value_size(map);
	enum bpf_map_type t = bpf_map__type(map);
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(map), per;
	unsigned long long keys = 0, sum = 0;
	char key[64], next[64];
	unsigned long long *val;

	if (vsz != 8 || ksz > sizeof(key))
		return;
	if (t != BPF_MAP_TYPE_HASH && t != BPF_MAP_TYPE_PERCPU_HASH)
		return;
	per = t == BPF_MAP_TYPE_PERCPU_HASH ? ncpu : 1;
	val = calloc(per, 8);
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (bpf_map_lookup_elem(fd, next, val) == 0) {
			for (int i = 0; i < per; i++)
				sum += val[i];
			keys++;
		}
		memcpy(key, next, ksz);
		prev = key;
	}
	free(val);
	printf("map %s keys %llu sum %llu\n", bpf_map__name(map), keys, sum);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct bpf_link *links[64];
	int nlinks = 0, err;
	double seconds = argc > 2 ? atof(argv[2]) : 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OBJ.bpf.o [SECONDS]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(quiet);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", argv[1], strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *l = bpf_program__attach(prog);
		if (!l) {
			fprintf(stderr, "attach %s: %s\n", bpf_program__name(prog), strerror(errno));
			err = 1;
			goto out;
		}
		if (nlinks < 64)
			links[nlinks++] = l;
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &len);
		printf("prog %s %u\n", bpf_program__name(prog), info.id);
	}
	printf("ready\n");
	fflush(stdout);
	if (seconds > 0) {
		for (int i = 0; i < seconds * 100 && !stop; i++)
			usleep(10000);
	} else {
		while (!stop)
			pause();
	}
	bpf_object__for_each_map(map, obj)
		dump_map(map);
out:
	for (int i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return err;
}
