/* pin.c — long-lived instances: pybpf load --pin NAME, reload, ls, unload.
 *
 * A pinned instance lives in two places:
 *
 *   /sys/fs/bpf/pybpf/NAME/   the kernel objects: every map (map_<name>),
 *                             each probe's one-slot program array
 *                             (jmp_<probe>), its links (link_<probe>_<i>),
 *                             the struct_ops links (sops_<class>), the
 *                             counters of the current version (counters)
 *   /run/pybpf/NAME/          what user space needs: version (a number),
 *                             v<N>.py (the source of each version), opts
 *                             (the -D and --btf options it was built with)
 *
 * Probes are compiled as a dispatcher, which is what gets attached, and a
 * body that the dispatcher tail-calls through its program array. A reload
 * compiles the new source, loads it reusing the pinned maps (contents
 * kept), and then replaces each program array's slot: one atomic map
 * update per probe, so every event runs exactly one version's body.
 * struct_ops are swapped with bpf_link_update on their link, so the TCP
 * connections that use them keep running. Nothing is detached, and no
 * kernel module is involved.
 */
#include "loader.h"
#include "support.h"
#include "pin.h"
#include "userrb.h"
#include "prepare.h"
#include "explain.h"
#include "wallclock.h"
#include "scx.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PIN_ROOT "/sys/fs/bpf/pybpf"
#define META_ROOT "/run/pybpf"

static char *pin_path(const char *name, const char *obj);

/* A ProgArray, in the new version or pinned by the running one: its items
 * are programs of the version that filled it, which reload does not swap
 * yet (a handler is no dispatcher); refused before anything changes. */
static bool reload_prog_array_refused(const char *name, Prog *prog)
{
	DIR *d;
	struct dirent *de;
	bool found = false;
	for (int i = 0; i < prog->maps.len; i++) {
		MapDecl *m = VEC_AT(prog->maps, i);
		if (m->type->map_kind == MAP_PROG_ARRAY) {
			fprintf(stderr, "pybpf: error: '%s' is a ProgArray: pybpf reload cannot swap the handlers of tail "
					"calls yet (they are programs of their own, not dispatchers); unload and load it; "
					"'%s' was not changed\n", m->name, name);
			return true;
		}
		if (m->type->map_kind == MAP_USER_RINGBUF)   /* loader/userrb.c */
			return user_ringbuf_pin_refused(prog, "reloaded") < 0;
		if (m->type->map_kind == MAP_PERF_BUF || m->type->map_kind == MAP_PERF_COUNTERS) {   /* loader/perfbuf.c */
			fprintf(stderr, "pybpf: error: '%s' is a %s: its perf events belong to the loading process, so a "
					"pinned instance cannot have one yet; '%s' was not changed\n", m->name,
				map_kind_names[m->type->map_kind], name);
			return true;
		}
	}
	d = opendir(pin_path(name, ""));
	while (d && !found && (de = readdir(d))) {
		struct bpf_map_info info = {0};
		uint32_t len = sizeof(info);
		int fd;
		if (strncmp(de->d_name, "map_", 4) || (fd = bpf_obj_get(pin_path(name, de->d_name))) < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &info, &len) && info.type == BPF_MAP_TYPE_PROG_ARRAY) {
			fprintf(stderr, "pybpf: error: the running '%s' has a ProgArray ('%s'): pybpf reload cannot swap "
					"the handlers of tail calls yet; unload and load it; '%s' was not changed\n", name,
				de->d_name + 4, name);
			found = true;
		}
		close(fd);
	}
	if (d)
		closedir(d);
	return found;
}

static char *pin_path(const char *name, const char *obj)
{
	return obj ? xasprintf(PIN_ROOT "/%s/%s", name, obj) : xasprintf(PIN_ROOT "/%s", name);
}

static char *meta_path(const char *name, const char *file)
{
	return file ? xasprintf(META_ROOT "/%s/%s", name, file) : xasprintf(META_ROOT "/%s", name);
}

bool pin_valid_name(const char *name)
{
	if (!*name || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
		      *p == '-' || *p == '.') || (p == name && *p == '.'))
			return false;
	return true;
}

int pin_get(const char *name, const char *obj)
{
	return bpf_obj_get(pin_path(name, obj));
}

bool pin_exists(const char *name)
{
	return access(pin_path(name, NULL), F_OK) == 0;
}

int pin_version(const char *name)
{
	char *v = read_file(meta_path(name, "version"), NULL);
	return v ? atoi(v) : 0;
}

char *pin_source(const char *name, int version)
{
	return read_file(meta_path(name, xasprintf("v%d.py", version)), NULL);
}

static int write_text(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) || rename(tmp, path))
		return -1;
	return 0;
}

/* The options a version was built with, one per line ("-D NAME=V", "--btf F"). */
static char *opts_text(LoadOpts *o)
{
	Str s = {0};
	for (int i = 0; i < o->defines.len; i++) {
		Define *d = VEC_AT(o->defines, i);
		str_printf(&s, "-D %s=%s\n", d->name, d->value);
	}
	if (pyc_btf_path)
		str_printf(&s, "--btf %s\n", pyc_btf_path);
	return s.buf ? s.buf : xstrdup("");
}

/* Read them back into o (a reload uses the instance's options unless it gives its own). */
static void opts_read(const char *name, LoadOpts *o)
{
	char *t = read_file(meta_path(name, "opts"), NULL), *line;
	if (!t)
		return;
	for (line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "-D ", 3)) {
			Define *d = xcalloc(1, sizeof(*d));
			char *eq = strchr(line + 3, '=');
			bool given = false;
			if (!eq)
				continue;
			d->name = xstrndup(line + 3, eq - line - 3);
			d->value = xstrdup(eq + 1);
			for (int i = 0; i < o->defines.len; i++)
				given |= !strcmp(((Define *)VEC_AT(o->defines, i))->name, d->name);
			if (!given)
				vec_push(&o->defines, d);
		} else if (!strncmp(line, "--btf ", 6) && !pyc_btf_path) {
			pyc_btf_path = xstrdup(line + 6);
		}
	}
}

static bool is_internal(const char *mapname)
{
	return strchr(mapname, '.') != NULL;   /* .rodata, .data, .bss.pyb, .rodata.str1.1 ... */
}

/* Pin what a freshly loaded program needs to outlive its loader. links are
 * the attach links in probe order (profile probes have one per CPU). */
int pin_instance(struct bpf_object *obj, Prog *prog, Vec *links, Vec *link_probe, const char *name, const char *src,
		 LoadOpts *o)
{
	struct bpf_map *m;
	char *dir = pin_path(name, NULL);

	if (mkdir(PIN_ROOT, 0700) && errno != EEXIST)
		return fprintf(stderr, "pybpf: error: cannot create %s: %s\n", PIN_ROOT, strerror(errno)), -1;
	if (mkdir(dir, 0700))
		return fprintf(stderr, "pybpf: error: cannot create %s: %s\n", dir, strerror(errno)), -1;
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		char *path;
		size_t nl = strlen(n);
		if (!strcmp(n, "__pyb_events"))
			path = pin_path(name, "events");
		else if (!strncmp(n, "__pyb_jmp_", 10))
			path = pin_path(name, xasprintf("jmp_%s", n + 10));
		else if (!strcmp(n, "__pyb_stacks"))
			path = pin_path(name, "stacks");
		else if (nl >= 8 && !strcmp(n + nl - 8, ".bss.pyb"))
			path = pin_path(name, "counters");
		else if (nl >= 5 && !strcmp(n + nl - 5, ".data"))
			path = pin_path(name, "data");
		else if (is_internal(n) || bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS || !strncmp(n, "__pyb_snap", 10))
			continue;   /* struct_ops live in their links; loop scratch is the program's */
		else
			path = pin_path(name, xasprintf("map_%s", n));
		if (bpf_map__pin(m, path))
			return fprintf(stderr, "pybpf: error: cannot pin map '%s' at %s: %s\n", n, path, strerror(errno)), -1;
	}
	for (int i = 0; i < links->len; i++) {
		const char *who = VEC_AT(*link_probe, i);
		char *path = !strncmp(who, "sops:", 5) ? pin_path(name, xasprintf("sops_%s", who + 5))
						       : pin_path(name, xasprintf("link_%s_%d", who, i));
		if (bpf_link__pin(VEC_AT(*links, i), path))
			return fprintf(stderr, "pybpf: error: cannot pin a link of '%s': %s\n", who, strerror(errno)), -1;
	}
	if (mkdir_p(META_ROOT) < 0 || (mkdir(meta_path(name, NULL), 0700) && errno != EEXIST) ||
	    write_text(meta_path(name, "v1.py"), src) || write_text(meta_path(name, "opts"), opts_text(o)) ||
	    write_text(meta_path(name, "path"), xasprintf("%s\n", o->src_path ? o->src_path : "?")) ||
	    write_text(meta_path(name, "version"), "1\n"))
		return fprintf(stderr, "pybpf: error: cannot write %s: %s\n", meta_path(name, NULL), strerror(errno)), -1;
	(void)prog;
	return 0;
}

/* Remove a directory of pins (unpinning detaches what only the pins held). */
static int remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int err = 0;
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			err |= unlink(xasprintf("%s/%s", dir, de->d_name));
	closedir(d);
	return err | rmdir(dir);
}

/* Empty every pinned ProgArray of instance name before its pins go: a
 * handler that tail-calls through the array holding it is a reference
 * cycle that only emptying the array breaks (the kernel does it when the
 * map's last user reference goes, but a map lister's reference taken by id
 * meanwhile was seen to leave the map behind for good) */
static void clear_pinned_prog_arrays(const char *name)
{
	DIR *d = opendir(pin_path(name, NULL));
	struct dirent *de;
	while (d && (de = readdir(d))) {
		struct bpf_map_info info = {0};
		uint32_t len = sizeof(info);
		int fd;
		if (strncmp(de->d_name, "map_", 4) || (fd = bpf_obj_get(pin_path(name, de->d_name))) < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &info, &len) && info.type == BPF_MAP_TYPE_PROG_ARRAY)
			for (uint32_t k = 0; k < info.max_entries; k++)
				bpf_map_delete_elem(fd, &k);
		close(fd);
	}
	if (d)
		closedir(d);
}

/* The pinned struct_ops links of an instance, "sops_<class>" (NULL-ended). */
static Vec pinned_sops(const char *name)
{
	DIR *d = opendir(pin_path(name, NULL));
	struct dirent *de;
	Vec v = {0};
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, "sops_", 5))
			vec_push(&v, pin_path(name, de->d_name));
	if (d)
		closedir(d);
	return v;
}

/* detached before the pins go, so that the ops are unregistered when
 * unload returns (a link freed by its last reference is unregistered
 * later, from a work item: sched_ext would still be "disabling") */
static void detach_pinned_sops(const char *name)
{
	Vec v = pinned_sops(name);
	for (int i = 0; i < v.len; i++) {
		int fd = bpf_obj_get(VEC_AT(v, i));
		if (fd >= 0) {
			bpf_link_detach(fd);
			close(fd);
		}
	}
}

int pin_unload(const char *name)
{
	if (!pin_valid_name(name))
		return fprintf(stderr, "pybpf: error: '%s' is not an instance name\n", name), 1;
	if (!pin_exists(name)) {
		fprintf(stderr, "pybpf: error: no pinned instance '%s' (pybpf ls lists them)\n", name);
		return 1;
	}
	clear_pinned_prog_arrays(name);
	detach_pinned_sops(name);
	if (remove_dir(pin_path(name, NULL)) || remove_dir(meta_path(name, NULL))) {
		fprintf(stderr, "pybpf: error: cannot remove instance '%s': %s\n", name, strerror(errno));
		return 1;
	}
	return 0;
}

int pin_list(void)
{
	DIR *d = opendir(PIN_ROOT);
	struct dirent *de;
	Vec names = {0};
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			vec_push(&names, xstrdup(de->d_name));
	closedir(d);
	for (int i = 0; i < names.len; i++)
		for (int j = i + 1; j < names.len; j++)
			if (strcmp(VEC_AT(names, i), VEC_AT(names, j)) > 0) {
				void *t = names.data[i];
				names.data[i] = names.data[j];
				names.data[j] = t;
			}
	for (int i = 0; i < names.len; i++) {
		const char *n = VEC_AT(names, i);
		char *path = read_file(meta_path(n, "path"), NULL);
		if (path)
			path[strcspn(path, "\n")] = 0;
		printf("%-20s version %-3d %s\n", n, pin_version(n), path ? path : "(no metadata in /run/pybpf)");
	}
	return 0;
}

/* ---- reload ------------------------------------------------------------------------ */

/* The layout a map must keep to be reused: type, sizes, entries. */
static char *layout(enum bpf_map_type type, uint32_t ks, uint32_t vs, uint32_t n)
{
	return xasprintf("%s, key %u bytes, value %u bytes, %u entries", libbpf_bpf_map_type_str(type), ks, vs, n);
}

/* sched_ext cannot swap a running scheduler (its link update is
 * EOPNOTSUPP: registering can fail, in init or init_task), so a reload
 * unregisters the old version, whose tasks the kernel's own scheduler
 * takes back, and registers the new one, pinned where the old link was. */
static int reregister_sched(const char *name, StructOps *so, const char *old_path, struct bpf_link *old,
			    struct bpf_map *nm)
{
	char *path = pin_path(name, xasprintf("sops_%s", so->cname));
	char *was = xstrdup(sched_ops_name());
	uint64_t t0 = sys_now_ns();
	struct bpf_link *l;
	unlink(old_path);
	bpf_link__detach(old);   /* unregistered now: the kernel waits for its exit */
	bpf_link__destroy(old);
	l = bpf_map__attach_struct_ops(nm);
	if (!l) {
		fprintf(stderr, "pybpf: error: cannot register the new %s '%s': %s; the old version was unregistered, and "
				"the kernel's own scheduler runs every task\n", so->type, so->name, strerror(errno));
		return -1;
	}
	if (bpf_link__pin(l, path)) {
		fprintf(stderr, "pybpf: error: cannot pin the new %s '%s': %s\n", so->type, so->name, strerror(errno));
		bpf_link__destroy(l);
		return -1;
	}
	bpf_link__disconnect(l);
	bpf_link__destroy(l);
	fprintf(stderr, "pybpf: sched_ext cannot swap a running scheduler, so '%s' was unregistered and '%s' "
			"registered; the kernel's own scheduler ran every task for the %.1f ms in between\n",
		was[0] ? was : "?", so->name, (sys_now_ns() - t0) / 1e6);
	return 0;
}

int pin_reload(const char *name, const char *path, LoadOpts *o, ReloadResult *res)
{
	Str c = {0};
	Prog *prog;
	struct bpfcc_result cc = {0};
	struct bpf_object *obj = NULL;
	struct bpf_map *m;
	int version, err, status = 1;
	char *src;
	Vec reused = {0};

	if (!pin_exists(name)) {
		fprintf(stderr, "pybpf: error: no pinned instance '%s' (pybpf ls lists them)\n", name);
		return 1;
	}
	const char *object = o->object;   /* this reload's, not the load's */
	opts_read(name, o);
	version = pin_version(name) + 1;
	src = read_file(path, NULL);
	if (!src)
		return fprintf(stderr, "pybpf: error: cannot read %s: %s\n", path, strerror(errno)), 1;
	set_const_overrides(o);
	prog = compile_for_pin(path, &c);
	if (!prog)
		return 1;
	if (reload_prog_array_refused(name, prog))
		return 1;
	if (object)   /* --object: built by pybpf compile -o */
		cc.obj_path = xstrdup(object);
	else if (bpfcc_compile(c.buf, c.len, !o->no_cache, &cc) < 0)
		return explain_clang_failure(prog, cc.diagnostics);
	explain_capture_libbpf(o->verbose);
	obj = bpf_object__open_file(cc.obj_path, NULL);
	if (!obj)
		return fprintf(stderr, "pybpf: error: cannot open %s: %s\n", cc.obj_path, strerror(errno)), 1;

	/* every pinned map the new version also declares is reused, if its
	 * layout is unchanged; a changed one stops the reload (--reset-maps:
	 * the new, empty map replaces it) */
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		char *p;
		int fd;
		struct bpf_map_info info = {0};
		uint32_t len = sizeof(info);
		if (!strcmp(n, "__pyb_events"))
			p = pin_path(name, "events");
		else if (!strncmp(n, "__pyb_jmp_", 10))
			p = pin_path(name, xasprintf("jmp_%s", n + 10));
		else if (!strcmp(n, "__pyb_stacks"))
			p = pin_path(name, "stacks");
		else if (is_internal(n) || bpf_map__type(m) == BPF_MAP_TYPE_STRUCT_OPS || !strncmp(n, "__pyb_snap", 10))
			continue;   /* counters, constants, struct_ops, loop scratch: the new version's own */
		else
			p = pin_path(name, xasprintf("map_%s", n));
		fd = bpf_obj_get(p);
		if (fd < 0)
			continue;   /* new in this version */
		bpf_map_get_info_by_fd(fd, &info, &len);
		if (info.type != bpf_map__type(m) || info.key_size != bpf_map__key_size(m) ||
		    info.value_size != bpf_map__value_size(m) || info.max_entries != bpf_map__max_entries(m)) {
			if (o->reset_maps && strncmp(n, "__pyb_", 6)) {
				close(fd);
				continue;
			}
			fprintf(stderr, "pybpf: error: map '%s' changed its layout: it was %s, it is now %s; nothing was "
					"changed (pybpf reload --reset-maps starts it empty)\n", n,
				layout(info.type, info.key_size, info.value_size, info.max_entries),
				layout(bpf_map__type(m), bpf_map__key_size(m), bpf_map__value_size(m), bpf_map__max_entries(m)));
			close(fd);
			goto out;
		}
		if (bpf_map__reuse_fd(m, fd)) {
			fprintf(stderr, "pybpf: error: cannot reuse map '%s': %s\n", n, strerror(errno));
			close(fd);
			goto out;
		}
		vec_push(&reused, (void *)n);
		close(fd);
	}
	set_version(obj, version);
	set_wallclock_offset(obj);
	check_defines(prog, o);
	apply_defines(obj, prog, o);
	err = bpf_object__load(obj);
	if (err) {
		explain_failure(prog, obj, cc.obj_path, err, o->verbose);
		fprintf(stderr, "pybpf: the running version of '%s' is unchanged\n", name);
		goto out;
	}

	/* the source of this version must be readable before its first record
	 * can reach a streaming loader */
	if (write_text(meta_path(name, xasprintf("v%d.py", version)), src)) {
		fprintf(stderr, "pybpf: error: cannot record version %d of '%s': %s\n", version, name, strerror(errno));
		goto out;
	}

	/* the swap: each probe's slot, then each struct_ops link */
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		struct bpf_program *body;
		int jmp, key = 0, fd;
		if (!strcmp(p->kind, "struct_ops") || !strcmp(p->kind, "begin") || !strcmp(p->kind, "end") || is_init_probe(p))
			continue;   /* not attached (__pyb_init: the items= of a load; a reload keeps the maps) */
		if (!probe_dispatchable(p->kind)) {
			fprintf(stderr, "pybpf: error: @%s probes cannot be swapped in place (only tracepoint, raw_tp, uprobe, "
					"kprobe, profile, interval, xdp, tc, cgroup_skb and cgroup_sock_addr probes can); '%s' was not "
					"changed\n", p->kind, p->name);
			goto out;
		}
		jmp = bpf_obj_get(pin_path(name, xasprintf("jmp_%s", p->cname)));
		if (jmp < 0) {
			fprintf(stderr, "pybpf: error: probe '%s' is new in this version; pybpf reload swaps the probes an "
					"instance has (unload and load it to add probes)\n", p->name);
			goto out;
		}
		body = bpf_object__find_program_by_name(obj, xasprintf("%s__impl", p->cname));
		fd = bpf_program__fd(body);
		if (bpf_map_update_elem(jmp, &key, &fd, BPF_ANY)) {
			fprintf(stderr, "pybpf: error: cannot swap probe '%s': %s\n", p->name, strerror(errno));
			close(jmp);
			goto out;
		}
		close(jmp);
	}
	for (int i = 0; i < prog->sops.len; i++) {
		StructOps *so = VEC_AT(prog->sops, i);
		char *lp = pin_path(name, xasprintf("sops_%s", so->cname));
		Vec old = pinned_sops(name);
		if (so->sched && access(lp, F_OK) && old.len == 1)   /* a scheduler of another class name */
			lp = VEC_AT(old, 0);
		struct bpf_link *l = bpf_link__open(lp);
		struct bpf_map *nm = bpf_object__find_map_by_name(obj, so->cname);
		int uerr = l && nm ? bpf_link__update_map(l, nm) : -1;
		if (uerr && errno == EOPNOTSUPP && so->sched) {   /* sched_ext refuses it */
			if (reregister_sched(name, so, lp, l, nm) < 0)
				goto out;
			continue;
		}
		if (!l || !nm || uerr) {
			fprintf(stderr, "pybpf: error: cannot swap %s '%s': %s\n", so->type, so->name, strerror(errno));
			goto out;
		}
		bpf_link__disconnect(l);
		bpf_link__destroy(l);
	}
	/* the new version's counters replace the old ones' pin; its constants go with its programs */
	bpf_object__for_each_map(m, obj) {
		const char *n = bpf_map__name(m);
		size_t nl = strlen(n);
		if (nl >= 8 && !strcmp(n + nl - 8, ".bss.pyb")) {
			char *p = pin_path(name, "counters");
			unlink(p);
			bpf_map__pin(m, p);
		}
		if (!is_internal(n) && strncmp(n, "__pyb_", 6) && bpf_map__type(m) != BPF_MAP_TYPE_STRUCT_OPS) {
			bool was = false;
			for (int i = 0; i < reused.len; i++)
				was |= !strcmp(VEC_AT(reused, i), n);
			if (!was) {   /* new or reset: pin it in place of the old one */
				char *p = pin_path(name, xasprintf("map_%s", n));
				unlink(p);
				bpf_map__pin(m, p);
			}
		}
	}
	if (write_text(meta_path(name, "path"), xasprintf("%s\n", path)) ||
	    write_text(meta_path(name, "version"), xasprintf("%d\n", version))) {
		fprintf(stderr, "pybpf: error: cannot record version %d of '%s': %s\n", version, name, strerror(errno));
		goto out;
	}
	if (res) {
		res->version = version;
		res->prog = prog;
	}
	status = 0;
out:
	/* the kernel keeps what the program arrays and pins hold */
	bpf_object__close(obj);
	return status;
}
