/* harness.c — fuzz target for the whole pybpf front end:
 *
 *   lex_file -> parse_module -> check_program -> emit_program (into a Str)
 *
 *   harness-afl  FILE      (AFL++ fork-server mode: afl-fuzz ... -- harness-afl @@)
 *   harness-asan [FILE]    (same code with gcc/clang ASan+UBSan; stdin when no FILE)
 *
 * A user error in the input is not a finding: diag_jmp is set, so error_at()
 * and fatal() longjmp back here and the harness exits 0. A finding is any
 * crash, sanitizer report, abort, hang, or an internal compiler error: ice_at()
 * calls ice_hook (diag.c) before exit(70), and the hook aborts, so AFL++ sees
 * a crash. Exit status: 0 = accepted or rejected cleanly; anything else (a
 * signal, ASan/UBSan's exit code, 1 from out-of-memory, 2 for an unreadable
 * input) = a bug.
 *
 * Diagnostics: the stdio stream `stderr` is pointed at /dev/null unless
 * PYBPF_FUZZ_VERBOSE is set. Only the FILE* is replaced, file descriptor 2
 * stays open, so sanitizer reports (written to fd 2) are still seen.
 *
 * Second phase (cheap, no clang: running clang per input is far too slow):
 * when the emitter succeeded, emit the same Prog a second time and require
 * byte-identical output (emit.c promises determinism), and require the C
 * text to contain no NUL byte. PYBPF_FUZZ_EMIT=PATH writes the C text there,
 * so a corpus can be compiled with clang offline.
 *
 * Not a persistent-mode harness: the compiler allocates and never frees by
 * design, so each input runs in a fresh (forked) process.
 */
#include "pyc.h"

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* diag.c: called by ice_at() before exit(70) when set. */
extern void (*ice_hook)(void);

/* The compiler leaks by design: no leak checking. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0";
}
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
	return "print_stacktrace=1:halt_on_error=1";
}

static void ice_abort(void)
{
	abort();
}

static jmp_buf user_error;

static char *read_stdin(size_t *len)
{
	Str s = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		str_add(&s, buf, n);
	if (ferror(stdin))
		return NULL;
	str_add(&s, "", 0);
	*len = s.len;
	return s.buf;
}

int main(int argc, char **argv)
{
	static SrcFile file;   /* static: unchanged across the longjmp */
	static Str out, again;
	const char *path = argc > 1 ? argv[1] : NULL;
	char *text;
	size_t len = 0;

	text = path ? read_file(path, &len) : read_stdin(&len);
	if (!text) {
		fprintf(stderr, "harness: cannot read %s: %s\n", path ? path : "stdin", strerror(errno));
		return 2;
	}
	if (!getenv("PYBPF_FUZZ_VERBOSE")) {
		FILE *null = fopen("/dev/null", "w");
		if (null)
			stderr = null;
	}
	ice_hook = ice_abort;

	file.name = path ? path : "<stdin>";
	file.text = text;
	file.len = len;

	diag_jmp = &user_error;
	if (setjmp(user_error))
		return 0;      /* a user error: reported (or silenced), not a bug */

	Token *toks = lex_file(&file);
	Node *mod = parse_module(&file, toks);
	Prog *prog = check_program(&file, mod);
	emit_program(prog, &out);
	diag_jmp = NULL;

	/* second phase: invariants of the emitted C */
	if (!out.buf || strlen(out.buf) != out.len) {
		fprintf(stderr, "harness: emitted C is empty or contains a NUL byte\n");
		abort();
	}
	emit_program(prog, &again);
	if (again.len != out.len || memcmp(again.buf, out.buf, out.len)) {
		fprintf(stderr, "harness: emit_program is not deterministic\n");
		abort();
	}
	const char *emit_path = getenv("PYBPF_FUZZ_EMIT");
	if (emit_path) {
		FILE *f = fopen(emit_path, "w");
		if (!f || fwrite(out.buf, 1, out.len, f) != out.len || fclose(f)) {
			fprintf(stderr, "harness: cannot write %s\n", emit_path);
			return 2;
		}
	}
	return 0;
}
