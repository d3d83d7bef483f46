/* diag.c — diagnostics that editors can jump to:
 *
 *   probe.py:12:9: error: cannot assign 'u64' to 'n' (declared 'u32')
 *       n = ktime_ns()
 *           ^~~~~~~~~~
 *
 * User errors never return (or longjmp to diag_jmp when a harness set it).
 * Compiler bugs go through ice_at(), which names the compiler's own source. */
#include "pyc.h"

#include <stdlib.h>
#include <string.h>

jmp_buf *diag_jmp;

/* Called by ice_at() just before exit(70) when set: the fuzzer harness
 * (tests/fuzz/harness.c) aborts there so that an ICE counts as a crash. */
void (*ice_hook)(void);

/* Print the source line of loc with a caret under loc.col and '~' under
 * the rest of the span (clipped to the line). Tabs are kept so the caret
 * lines up in a terminal. */
static void show_line(Loc loc)
{
	const char *text, *start, *end, *p;
	int span;

	if (!loc.file || !loc.file->text || loc.line <= 0)
		return;
	text = loc.file->text;
	start = text;
	for (int l = 1; l < loc.line && *start; start++)
		if (*start == '\n')
			l++;
	end = start;
	while (*end && *end != '\n')
		end++;
	if (end > start && end[-1] == '\r')
		end--;
	fprintf(stderr, "    %.*s\n    ", (int)(end - start), start);
	p = start;
	for (int c = 1; c < loc.col && p < end; c++, p++)
		fputc(*p == '\t' ? '\t' : ' ', stderr);
	fputc('^', stderr);
	span = loc.len > 1 ? loc.len : 1;
	for (int i = 1; i < span && p + i < end; i++)
		fputc('~', stderr);
	fputc('\n', stderr);
}

DiagLast diag_last;

void diag_last_reset(void)
{
	free(diag_last.file);
	free(diag_last.msg);
	memset(&diag_last, 0, sizeof(diag_last));
}

static void note_first(Loc loc, const char *fmt, va_list ap)
{
	if (diag_last.set)
		return;
	diag_last.set = true;
	diag_last.file = loc.file ? xstrdup(loc.file->name) : NULL;
	diag_last.line = loc.file ? loc.line : 0;
	diag_last.col = loc.file ? loc.col : 0;
	if (vasprintf(&diag_last.msg, fmt, ap) < 0)
		diag_last.msg = NULL;
}

static void vreport(Loc loc, const char *kind, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	if (!strcmp(kind, "error"))
		note_first(loc, fmt, aq);
	va_end(aq);
	fflush(stdout);
	if (loc.file)
		fprintf(stderr, "%s:%d:%d: %s: ", loc.file->name, loc.line, loc.col, kind);
	else
		fprintf(stderr, "pybpf: %s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	show_line(loc);
}

_Noreturn void diag_exit(void)
{
	if (diag_jmp)
		longjmp(*diag_jmp, 1);
	exit(1);
}

void error_begin(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(loc, "error", fmt, ap);
	va_end(ap);
}

_Noreturn void error_at(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(loc, "error", fmt, ap);
	va_end(ap);
	diag_exit();
}

void note_at(Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(loc, "note", fmt, ap);
	va_end(ap);
}

_Noreturn void fatal(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("pybpf: error: ", stderr);
	va_start(ap, fmt);
	note_first((Loc){0}, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	diag_exit();
}

_Noreturn void ice_at(const char *cfile, int cline, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "pybpf: internal compiler error at %s:%d: ", cfile, cline);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(this is a bug in pybpf, not in your program; please report it)\n", stderr);
	if (ice_hook)
		ice_hook();
	exit(70);
}
