/* usdt.c — read the USDT probes (SystemTap SDT notes, .note.stapsdt) of an
 * ELF binary, for `pybpf probes 'usdt:BINARY:PROVIDER:NAME'`.
 *
 * Each note of type 3 owned by "stapsdt" holds three addresses (probe pc,
 * .stapsdt.base, semaphore) then "provider\0name\0argspec\0".
 */
#include "usdt.h"
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
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
