/* usdt.c — read the USDT probes (SystemTap SDT notes, .note.stapsdt) of an
 * ELF binary: for `pybpf probes 'usdt:BINARY:PROVIDER:NAME'` and for the
 * checker, which types a @usdt probe's parameters from the argument specs.
 *
 * Each note of type 3 owned by "stapsdt" holds three addresses (probe pc,
 * .stapsdt.base, semaphore) then "provider\0name\0argspec\0".
 */
#include "usdt.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int usdt_notes(const char *path, Vec *names, Vec *args)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstr;

	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE)
		goto fail_fd;
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstr)) {
		if (e)
			elf_end(e);
		goto fail_fd;
	}
	size_t asz = gelf_getclass(e) == ELFCLASS32 ? 4 : 8;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *sname;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		sname = elf_strptr(e, shstr, sh.sh_name);
		if (!sname || strcmp(sname, ".note.stapsdt"))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		size_t off = 0, noff, doff;
		GElf_Nhdr nh;
		while (data && (off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			const char *owner = (const char *)data->d_buf + noff;
			const char *d = (const char *)data->d_buf + doff;
			if (nh.n_type != 3 || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8) ||
			    nh.n_descsz < 3 * asz + 3 || d[nh.n_descsz - 1])
				continue;
			const char *prov = d + 3 * asz;
			const char *name = prov + strlen(prov) + 1;
			if (name >= d + nh.n_descsz)
				continue;
			const char *spec = name + strlen(name) + 1;
			if (spec >= d + nh.n_descsz)
				spec = "";
			vec_push(names, xasprintf("%s:%s", prov, name));
			if (args)
				vec_push(args, xstrdup(spec));
		}
	}
	elf_end(e);
	close(fd);
	return 0;
fail_fd:
	if (fd >= 0)
		close(fd);
	return -1;
}

const char *usdt_argspec(const char *path, const char *provname)
{
	Vec names = {0}, args = {0};
	if (usdt_notes(path, &names, &args) < 0)
		return "";
	for (int i = 0; i < names.len; i++)
		if (!strcmp(names.data[i], provname))
			return args.data[i];
	return "";
}

/* "-4@%eax": size 4, signed; "8@-16(%rbp)": size 8, in memory. */
int usdt_parse_args(const char *spec, UsdtArg *out, int max)
{
	int n = 0;
	const char *s = spec;

	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *end = strchr(s, ' '), *at = strchr(s, '@');
		if (!end)
			end = s + strlen(s);
		if (n < max) {
			UsdtArg *a = &out[n];
			a->spec = xstrndup(s, end - s);
			a->is_signed = *s == '-';
			a->size = at && at < end ? abs(atoi(s)) : 8;   /* no size given: a long */
			if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
				a->size = 8;
			a->memory = memchr(s, '(', end - s) != NULL;
		}
		n++;
		s = end;
	}
	return n;
}

const char *usdt_find_binary(const char *name)
{
	const char *path = getenv("PATH");
	if (strchr(name, '/'))
		return access(name, R_OK) == 0 ? name : NULL;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char *full = xasprintf("%.*s/%s", (int)n, p, name);
		if (n && access(full, X_OK) == 0)
			return full;
		free(full);
		p += n + (c != NULL);
	}
	return NULL;
}

/* Up to max names of names nearest to want ("provider:name", or a name
 * alone), closest first, as "a, b, c"; "" when none is close. */
const char *usdt_nearest(Vec *names, const char *want, int max)
{
	const char *wname = strchr(want, ':') ? strchr(want, ':') + 1 : want;
	int lim = strlen(wname) / 3 + 2, n = 0;
	const char **best = xcalloc(max + 1, sizeof(*best));
	int *dist = xcalloc(max + 1, sizeof(*dist));
	Str out = {0};

	for (int i = 0; i < names->len; i++) {
		const char *cand = VEC_AT(*names, i), *cname = strchr(cand, ':') + 1;
		int d = edit_distance(want, cand), d2 = edit_distance(wname, cname);
		if (d2 < d)
			d = d2;
		if (d > lim)
			continue;
		bool dup = false;
		for (int j = 0; j < n; j++)
			dup |= !strcmp(best[j], cand);
		if (dup)
			continue;
		int j = n < max ? n++ : max;
		if (j == max && d >= dist[max - 1])
			continue;
		if (j == max)
			j = max - 1;
		for (; j > 0 && dist[j - 1] > d; j--)
			best[j] = best[j - 1], dist[j] = dist[j - 1];
		best[j] = cand;
		dist[j] = d;
	}
	for (int j = 0; j < n; j++)
		str_printf(&out, "%s%s", j ? ", " : "", best[j]);
	return out.buf ? out.buf : "";
}
