/* jitdump: write the JITed machine code of loaded BPF programs.
 *
 *   jitdump ID OUT.bin
 *
 * Reads the program's JIT image (every subprogram, in order) with
 * BPF_OBJ_GET_INFO_BY_FD and writes the raw bytes to OUT.bin, then prints
 * one line per function: "func N LEN". bench/codesize.py disassembles the
 * file with objdump to count machine instructions: Debian's bpftool is
 * built without a disassembler ("No JIT disassembly support").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), nfuncs, *lens;
	unsigned char *code;
	FILE *f;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: jitdump ID OUT.bin\n");
		return 2;
	}
	fd = bpf_prog_get_fd_by_id((__u32)strtoul(argv[1], NULL, 10));
	if (fd < 0) {
		fprintf(stderr, "jitdump: program %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_prog_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "jitdump: program %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	nfuncs = info.nr_jited_func_lens;
	code = calloc(1, info.jited_prog_len ? info.jited_prog_len : 1);
	lens = calloc(nfuncs ? nfuncs : 1, sizeof(*lens));
	if (!code || !lens)
		return 1;
	len = info.jited_prog_len;
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = len;
	info.jited_prog_insns = (__u64)(unsigned long)code;
	info.nr_jited_func_lens = nfuncs;
	info.jited_func_lens = (__u64)(unsigned long)lens;
	len = sizeof(info);
	if (bpf_prog_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "jitdump: program %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(code, 1, info.jited_prog_len, f) != info.jited_prog_len || fclose(f)) {
		fprintf(stderr, "jitdump: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (__u32 i = 0; i < nfuncs; i++)
		printf("func %u %u\n", i, lens[i]);
	close(fd);
	return 0;
}
