/* symbols.c — kernel and user stack address symbolization (see symbols.h).
 *
 * Kernel: /proc/kallsyms, text symbols only, sorted; the nearest symbol at or
 * below the address wins (kallsyms has no sizes).
 *
 * User: /proc/PID/maps gives the mapping and its file offset; the file's
 * PT_LOAD program headers turn the file offset into an ELF virtual address
 * (this covers PIE executables, shared libraries and ET_EXEC alike); the
 * sized STT_FUNC / STT_GNU_IFUNC symbols of .symtab and .dynsym (plus the
 * detached debug file's .symtab when the binary has none) give the name.
 * Symbol tables are cached per (st_dev, st_ino) of the opened file, maps per
 * pid, and every answer per (pid, address).
 */
#include "symbols.h"
#include "pyc.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- answers, cached per (pid, address); pid -1 is the kernel ---------- */

typedef struct {
	uint64_t addr;
	int pid;
	bool used;
	const char *res;
} Answer;

static Answer *answers;
static size_t nanswers, answers_cap;

static size_t answer_hash(int pid, uint64_t addr)
{
	uint64_t h = addr * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)(uint32_t)pid * 0xC2B2AE3D27D4EB4Full;
	return (size_t)(h ^ (h >> 31));
}

static Answer *answer_slot(int pid, uint64_t addr)
{
	if (!answers_cap)
		return NULL;
	size_t mask = answers_cap - 1;
	for (size_t i = answer_hash(pid, addr) & mask;; i = (i + 1) & mask) {
		Answer *a = &answers[i];
		if (!a->used || (a->pid == pid && a->addr == addr))
			return a;
	}
}

static void answer_put(int pid, uint64_t addr, const char *res)
{
	if ((nanswers + 1) * 2 > answers_cap) {
		Answer *old = answers;
		size_t oldcap = answers_cap;
		answers_cap = oldcap ? oldcap * 2 : 1024;
		answers = xcalloc(answers_cap, sizeof *answers);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i].used)
				*answer_slot(old[i].pid, old[i].addr) = old[i];
		free(old);
	}
	Answer *a = answer_slot(pid, addr);
	if (!a->used)
		nanswers++;
	a->used = true;
	a->pid = pid;
	a->addr = addr;
	a->res = res;
}

/* ---- kernel -------------------------------------------------------------- */

typedef struct {
	uint64_t addr;
	char *name;
	int rank;       /* lower wins address ties, see ksym_rank */
	unsigned seq;   /* order in kallsyms: the final tie-break */
	char type;
} KSym;

static KSym *ksyms;
static size_t nksyms;
static int kstate;      /* 0 not loaded, 1 loaded, -1 unusable */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

/* Several names at one address: prefer global functions (T) to local ones
 * (t), and both to section markers ("_stext", "__irqentry_text_end"), the
 * 32-bit syscall entry aliases ("__ia32_sys_getppid" shares its address with
 * "__x64_sys_getppid") and the __pfx_ / __cfi_ padding stubs. */
static int ksym_rank(const char *name, char type)
{
	if (!strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6))
		return 3;
	if (!strncmp(name, "__ia32_", 7) ||
	    (name[0] == '_' && (has_suffix(name, "_start") || has_suffix(name, "_end") ||
				has_suffix(name, "_text"))))
		return 2;
	return type == 't' || type == 'w';
}

static int ksym_cmp(const void *pa, const void *pb)
{
	const KSym *a = pa, *b = pb;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void kernel_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f) {
		fprintf(stderr, "pybpf: warning: cannot read /proc/kallsyms (%m); "
			"kernel stack frames print as addresses\n");
		kstate = -1;
		return;
	}
	char *line = NULL;
	size_t linecap = 0, cap = 0, total = 0;
	bool nonzero = false;
	uint64_t lo = UINT64_MAX, hi = 0;
	while (getline(&line, &linecap, f) > 0) {
		char *p = line, *end;
		uint64_t addr = strtoull(p, &end, 16);
		if (end == p || *end != ' ')
			continue;
		total++;
		if (addr)
			nonzero = true;
		p = end + 1;
		char type = *p;
		if (!type || p[1] != ' ')
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		p += 2;
		size_t len = strcspn(p, " \t\n");
		if (!len)
			continue;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 65536;
			ksyms = xrealloc(ksyms, cap * sizeof *ksyms);
		}
		KSym *k = &ksyms[nksyms];
		k->addr = addr;
		k->name = xstrndup(p, len);
		k->rank = ksym_rank(k->name, type);
		k->seq = (unsigned)nksyms;
		k->type = type;
		nksyms++;
		if (type == 't' || type == 'T') {
			if (addr < lo)
				lo = addr;
			if (addr > hi)
				hi = addr;
		}
	}
	free(line);
	fclose(f);
	if (total && !nonzero) {
		fprintf(stderr, "pybpf: warning: /proc/kallsyms shows only zero addresses "
			"(kernel.kptr_restrict; run as root); kernel stack frames print as addresses\n");
		for (size_t i = 0; i < nksyms; i++)
			free(ksyms[i].name);
		nksyms = 0;
		kstate = -1;
		return;
	}
	/* Weak symbols: keep those that lie among the text symbols. */
	size_t n = 0;
	for (size_t i = 0; i < nksyms; i++) {
		KSym k = ksyms[i];
		if ((k.type == 'w' || k.type == 'W') && (k.addr < lo || k.addr > hi)) {
			free(k.name);
			continue;
		}
		ksyms[n++] = k;
	}
	nksyms = n;
	qsort(ksyms, nksyms, sizeof *ksyms, ksym_cmp);
	/* One symbol per address: the best ranked, then the first in kallsyms. */
	n = 0;
	for (size_t i = 0; i < nksyms; i++) {
		if (n && ksyms[n - 1].addr == ksyms[i].addr) {
			free(ksyms[i].name);
			continue;
		}
		ksyms[n++] = ksyms[i];
	}
	nksyms = n;
	kstate = nksyms ? 1 : -1;
}

const char *sym_kernel(uint64_t addr)
{
	Answer *a = answer_slot(-1, addr);
	if (a && a->used)
		return a->res;
	if (!kstate)
		kernel_load();
	const char *res = NULL;
	if (kstate > 0) {
		size_t lo = 0, hi = nksyms;   /* lo = number of symbols at or below addr */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (ksyms[mid].addr <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo) {
			const KSym *k = &ksyms[lo - 1];
			res = xasprintf("%s+%llu", k->name, (unsigned long long)(addr - k->addr));
		}
	}
	answer_put(-1, addr, res);
	return res;
}

/* ---- ELF symbol tables --------------------------------------------------- */

typedef struct {
	uint64_t start, size;
	char *name;
	int rank;       /* lower wins address ties */
} USym;

typedef struct {
	uint64_t off, vaddr, filesz;
} Load;

typedef struct ElfSyms {
	dev_t dev;
	ino_t ino;
	bool vdso;
	USym *syms;
	size_t n, cap;
	Load *loads;
	int nloads;
	struct ElfSyms *next;
} ElfSyms;

static ElfSyms *elfs;

static void elf_init(void)
{
	static bool done;
	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

/* Exported names first, then fewer leading underscores ("getpid" over
 * "__getpid" over the "__GI___getpid" local alias), FUNC before IFUNC. */
static int usym_rank(const char *name, const GElf_Sym *s)
{
	int under = 0;
	while (name[under] == '_')
		under++;
	return (GELF_ST_BIND(s->st_info) == STB_LOCAL) * 1000 + (under > 9 ? 9 : under) * 10 +
		(GELF_ST_TYPE(s->st_info) == STT_GNU_IFUNC);
}

static int usym_cmp(const void *pa, const void *pb)
{
	const USym *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return strcmp(a->name, b->name);
}

/* Append the sized function symbols of every SYMTAB (and DYNSYM) section. */
static bool collect_syms(ElfSyms *e, Elf *elf, bool dynsym_too)
{
	bool have_symtab = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_SYMTAB && !(dynsym_too && sh.sh_type == SHT_DYNSYM))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || !sh.sh_entsize)
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			have_symtab = true;
		size_t count = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < count; i++) {
			GElf_Sym s;
			if (!gelf_getsym(data, (int)i, &s))
				break;
			int type = GELF_ST_TYPE(s.st_info);
			if (type != STT_FUNC && type != STT_GNU_IFUNC)
				continue;
			if (s.st_shndx == SHN_UNDEF || !s.st_size || !s.st_value)
				continue;
			const char *name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			if (e->n == e->cap) {
				e->cap = e->cap ? e->cap * 2 : 256;
				e->syms = xrealloc(e->syms, e->cap * sizeof *e->syms);
			}
			USym *u = &e->syms[e->n++];
			u->start = s.st_value;
			u->size = s.st_size;
			u->name = xstrdup(name);
			u->rank = usym_rank(name, &s);
		}
	}
	return have_symtab;
}

static void collect_loads(ElfSyms *e, Elf *elf)
{
	size_t n;
	if (elf_getphdrnum(elf, &n))
		return;
	e->loads = xcalloc(n ? n : 1, sizeof *e->loads);
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		e->loads[e->nloads++] = (Load){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
}

static void finish_syms(ElfSyms *e)
{
	if (!e->n)
		return;
	qsort(e->syms, e->n, sizeof *e->syms, usym_cmp);
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++) {
		if (n && e->syms[n - 1].start == e->syms[i].start) {
			free(e->syms[i].name);
			continue;
		}
		e->syms[n++] = e->syms[i];
	}
	e->n = n;
}

/* Open an ELF file that has a .symtab; NULL (and fd closed) otherwise. */
static Elf *open_symtab_elf(const char *path, int *fdp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
				*fdp = fd;
				return elf;
			}
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return NULL;
}

/* The detached debug file of a stripped binary: by build ID under
 * /usr/lib/debug/.build-id, else by .gnu_debuglink next to the binary, in
 * its .debug/ directory, or under /usr/lib/debug. `root` ("/proc/PID/root" or
 * "") is tried first, then the host's own tree. */
static Elf *open_debug_file(Elf *elf, const char *path, const char *root, int *fdp)
{
	char buildid[2 * 64 + 1] = "";
	const char *debuglink = NULL;
	size_t shstrndx;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *sname = elf_strptr(elf, shstrndx, sh.sh_name);
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		if (sh.sh_type == SHT_NOTE && !buildid[0]) {
			size_t off = 0, next, name_off, desc_off;
			GElf_Nhdr nh;
			while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
				if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
				    !memcmp((char *)data->d_buf + name_off, "GNU", 4) &&
				    nh.n_descsz >= 2 && nh.n_descsz <= 64) {
					const unsigned char *d = (unsigned char *)data->d_buf + desc_off;
					for (size_t i = 0; i < nh.n_descsz; i++)
						sprintf(buildid + 2 * i, "%02x", d[i]);
					break;
				}
				off = next;
			}
		} else if (sname && !strcmp(sname, ".gnu_debuglink") &&
			   memchr(data->d_buf, 0, data->d_size)) {
			debuglink = data->d_buf;
		}
	}
	const char *roots[2] = { root, "" };
	int nroots = root[0] ? 2 : 1;
	Elf *dbg = NULL;
	for (int r = 0; r < nroots && !dbg; r++) {
		char *cand;
		if (buildid[0]) {
			cand = xasprintf("%s/usr/lib/debug/.build-id/%.2s/%s.debug", roots[r],
					 buildid, buildid + 2);
			dbg = open_symtab_elf(cand, fdp);
			free(cand);
			if (dbg)
				break;
		}
		if (debuglink && debuglink[0] && !strchr(debuglink, '/') && path[0] == '/') {
			const char *slash = strrchr(path, '/');
			int dirlen = (int)(slash - path);
			const char *fmts[3] = { "%s%.*s/%s", "%s%.*s/.debug/%s", "%s/usr/lib/debug%.*s/%s" };
			for (int i = 0; i < 3 && !dbg; i++) {
				cand = xasprintf(fmts[i], roots[r], dirlen, path, debuglink);
				dbg = open_symtab_elf(cand, fdp);
				free(cand);
			}
		}
	}
	return dbg;
}

/* Symbols of the ELF file open on fd (closed here). `path` is the file's
 * path inside the process, `root` its root prefix (for debug files). */
static ElfSyms *elf_load(int fd, const char *path, const char *root)
{
	struct stat st;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	for (ElfSyms *e = elfs; e; e = e->next)
		if (!e->vdso && e->dev == st.st_dev && e->ino == st.st_ino) {
			close(fd);
			return e;
		}
	elf_init();
	ElfSyms *e = xcalloc(1, sizeof *e);
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		collect_loads(e, elf);
		if (!collect_syms(e, elf, true)) {
			int dfd = -1;
			Elf *dbg = open_debug_file(elf, path, root, &dfd);
			if (dbg) {
				collect_syms(e, dbg, false);
				elf_end(dbg);
				close(dfd);
			}
		}
		finish_syms(e);
	}
	if (elf)
		elf_end(elf);
	close(fd);
	e->next = elfs;
	elfs = e;
	return e;
}

/* The vDSO is the same image in every 64-bit process: read our own. */
static ElfSyms *vdso_load(void)
{
	static ElfSyms *vdso;
	static bool tried;
	if (tried)
		return vdso;
	tried = true;
	uintptr_t base = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	if (!base)
		return NULL;
	size_t size = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	if (f) {
		char line[512];
		while (fgets(line, sizeof line, f)) {
			unsigned long s, e;
			if (strstr(line, "[vdso]") && sscanf(line, "%lx-%lx", &s, &e) == 2 && s == base)
				size = e - s;
		}
		fclose(f);
	}
	if (!size)
		return NULL;
	char *copy = xcalloc(1, size);   /* libelf may want writable memory */
	memcpy(copy, (void *)base, size);
	elf_init();
	Elf *elf = elf_memory(copy, size);
	ElfSyms *e = xcalloc(1, sizeof *e);
	e->vdso = true;
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		collect_loads(e, elf);
		collect_syms(e, elf, true);
		finish_syms(e);
	}
	if (elf)
		elf_end(elf);
	free(copy);
	vdso = e;
	return e;
}

/* The symbol containing ELF virtual address v. Nested symbols are rare:
 * look back a little past symbols that end before v. */
static const USym *usym_find(const ElfSyms *e, uint64_t v)
{
	size_t lo = 0, hi = e->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (e->syms[mid].start <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, k = 0; i > 0 && k < 32; i--, k++) {
		const USym *s = &e->syms[i - 1];
		if (v - s->start < s->size)
			return s;
	}
	return NULL;
}

/* ---- C++ names, demangled as bpftrace does -------------------------------
 * By a c++filt (binutils) co-process, started on the first "_Z" name: the
 * loader is C, and dlopen'ing libstdc++ would not work in the -static
 * build. It runs in its own process group (a Ctrl-C on the terminal must not
 * kill it just before the maps are printed) and talks over a socketpair
 * (MSG_NOSIGNAL: no SIGPIPE if it dies). Without it names stay mangled. */

static int cxxfilt_fd = -1;

static void cxxfilt_start(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	char *argv[] = { "c++filt", NULL };
	pid_t pid;
	int err = posix_spawnp(&pid, "c++filt", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(sv[1]);
	if (err) {
		close(sv[0]);
		return;
	}
	cxxfilt_fd = sv[0];
}

static void cxxfilt_stop(void)
{
	close(cxxfilt_fd);
	cxxfilt_fd = -1;
}

static char *demangle(const char *name)
{
	static bool tried;
	if (strncmp(name, "_Z", 2) || strpbrk(name, " \t\n"))
		return NULL;
	if (!tried) {
		tried = true;
		cxxfilt_start();
	}
	if (cxxfilt_fd < 0)
		return NULL;
	char *msg = xasprintf("%s\n", name);
	size_t len = strlen(msg), done = 0;
	while (done < len) {
		ssize_t n = send(cxxfilt_fd, msg + done, len - done, MSG_NOSIGNAL);
		if (n <= 0) {
			free(msg);
			cxxfilt_stop();
			return NULL;
		}
		done += (size_t)n;
	}
	free(msg);
	Str out = { 0 };
	for (;;) {
		struct pollfd pfd = { .fd = cxxfilt_fd, .events = POLLIN };
		char buf[4096];
		ssize_t n = -1;
		if (poll(&pfd, 1, 2000) == 1)
			n = recv(cxxfilt_fd, buf, sizeof buf, 0);
		if (n <= 0) {
			free(out.buf);
			cxxfilt_stop();
			return NULL;
		}
		str_add(&out, buf, (size_t)n);
		if (buf[n - 1] == '\n')
			break;
	}
	out.buf[--out.len] = 0;
	if (!out.len || !strcmp(out.buf, name)) {
		free(out.buf);
		return NULL;
	}
	return out.buf;
}

/* ---- processes ------------------------------------------------------------- */

typedef struct {
	uint64_t start, end, off, ino;
	char *path;         /* as in maps, " (deleted)" removed; "[vdso]" */
	bool deleted;
	bool tried;         /* elf looked up (elf may still be NULL) */
	ElfSyms *elf;
} Map;

typedef struct Proc {
	int pid;
	Map *maps;
	int nmaps;
	struct timespec read_at;
	struct Proc *next;
} Proc;

#define PROC_BUCKETS 256
static Proc *procs[PROC_BUCKETS];

/* Executable, file-backed (or vDSO) mappings of pid; false if unreadable. */
static bool maps_read(int pid, Map **out, int *nout)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	Map *maps = NULL;
	int n = 0, cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	while (getline(&line, &linecap, f) > 0) {
		unsigned long long start, end, off, ino;
		char perms[8];
		int pos = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %*x:%*x %llu %n", &start, &end, perms, &off,
			   &ino, &pos) < 5 || !pos)
			continue;
		if (!strchr(perms, 'x'))
			continue;
		char *name = line + pos;
		name[strcspn(name, "\n")] = 0;
		if (name[0] != '/' && strcmp(name, "[vdso]"))
			continue;   /* anonymous, [stack], [vsyscall], ... */
		bool deleted = false;
		size_t len = strlen(name);
		if (len > 10 && !strcmp(name + len - 10, " (deleted)")) {
			deleted = true;
			len -= 10;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			maps = xrealloc(maps, cap * sizeof *maps);
		}
		maps[n++] = (Map){ .start = start, .end = end, .off = off, .ino = ino,
				   .path = xstrndup(name, len), .deleted = deleted };
	}
	free(line);
	fclose(f);
	*out = maps;
	*nout = n;
	return true;
}

static void maps_free(Map *maps, int n)
{
	for (int i = 0; i < n; i++)
		free(maps[i].path);
	free(maps);
}

static Proc *proc_find(int pid)
{
	for (Proc *p = procs[(unsigned)pid % PROC_BUCKETS]; p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

static Proc *proc_get(int pid)
{
	Proc *p = proc_find(pid);
	if (p)
		return p;
	Map *maps;
	int n;
	if (!maps_read(pid, &maps, &n))
		return NULL;
	p = xcalloc(1, sizeof *p);
	p->pid = pid;
	p->maps = maps;
	p->nmaps = n;
	clock_gettime(CLOCK_MONOTONIC, &p->read_at);
	p->next = procs[(unsigned)pid % PROC_BUCKETS];
	procs[(unsigned)pid % PROC_BUCKETS] = p;
	return p;
}

/* Re-read the maps (new libraries, dlopen) at most every 100 ms; a process
 * that is gone keeps its last snapshot. */
static bool proc_refresh(Proc *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (now.tv_sec - p->read_at.tv_sec) * 1000LL +
		       (now.tv_nsec - p->read_at.tv_nsec) / 1000000;
	if (ms < 100)
		return false;
	p->read_at = now;
	Map *maps;
	int n;
	if (!maps_read(p->pid, &maps, &n))
		return false;
	maps_free(p->maps, p->nmaps);
	p->maps = maps;
	p->nmaps = n;
	return true;
}

static Map *map_find(Proc *p, uint64_t addr)
{
	for (int i = 0; i < p->nmaps; i++)
		if (addr >= p->maps[i].start && addr < p->maps[i].end)
			return &p->maps[i];
	return NULL;
}

static int open_checked(const char *path, uint64_t ino)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && ino && (fstat(fd, &st) || (uint64_t)st.st_ino != ino)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The file behind a mapping: through the process's root, else its
 * map_files entry (deleted files, other mount namespaces), else the plain
 * path when it is still the same inode (the process has exited). */
static ElfSyms *map_elf(Proc *p, Map *m)
{
	if (m->tried)
		return m->elf;
	m->tried = true;
	if (!strcmp(m->path, "[vdso]"))
		return m->elf = vdso_load();
	char root[48];
	snprintf(root, sizeof root, "/proc/%d/root", p->pid);
	int fd = -1;
	if (!m->deleted) {
		char *path = xasprintf("%s%s", root, m->path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		free(path);
	}
	if (fd < 0) {
		char path[96];
		snprintf(path, sizeof path, "/proc/%d/map_files/%llx-%llx", p->pid,
			 (unsigned long long)m->start, (unsigned long long)m->end);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0 && !m->deleted) {
		fd = open_checked(m->path, m->ino);
		root[0] = 0;
	}
	if (fd < 0)
		return NULL;
	m->elf = elf_load(fd, m->path, root);
	/* Share the result with the other mappings of the same file. */
	for (int i = 0; i < p->nmaps; i++)
		if (!p->maps[i].tried && p->maps[i].ino == m->ino && !strcmp(p->maps[i].path, m->path)) {
			p->maps[i].tried = true;
			p->maps[i].elf = m->elf;
		}
	return m->elf;
}

static const char *resolve_user(int pid, uint64_t addr)
{
	Proc *p = proc_get(pid);
	if (!p)
		return NULL;
	Map *m = map_find(p, addr);
	if (!m && proc_refresh(p))
		m = map_find(p, addr);
	if (!m)
		return NULL;
	ElfSyms *e = map_elf(p, m);
	if (!e || !e->n)
		return NULL;
	uint64_t file_off = addr - m->start + m->off;
	uint64_t v = file_off;
	for (int i = 0; i < e->nloads; i++) {
		const Load *l = &e->loads[i];
		if (file_off >= l->off && file_off - l->off < l->filesz) {
			v = file_off - l->off + l->vaddr;
			break;
		}
	}
	const USym *s = usym_find(e, v);
	if (!s)
		return NULL;
	char *dm = demangle(s->name);
	char *res = xasprintf("%s+%llu", dm ? dm : s->name, (unsigned long long)(v - s->start));
	free(dm);
	return res;
}

const char *sym_user(int pid, uint64_t addr)
{
	if (pid < 0)
		return NULL;
	Answer *a = answer_slot(pid, addr);
	if (a && a->used)
		return a->res;
	const char *res = resolve_user(pid, addr);
	answer_put(pid, addr, res);
	return res;
}

void sym_prefetch(int pid)
{
	if (pid > 0)
		proc_get(pid);
}
