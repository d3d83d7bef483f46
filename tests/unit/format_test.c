/* format_test.c — drive loader/format.c from stdin for format_cases.py.
 *
 * Input lines:  KIND<TAB>SPEC<TAB>VALUE
 *   KIND int     VALUE is a signed 64-bit decimal
 *        uint    VALUE is an unsigned 64-bit decimal
 *        str     VALUE is the string itself (UTF-8, no tab/newline)
 *        strhex  VALUE is the string's bytes in hex (any bytes)
 *        repr    VALUE is hex bytes; prints fmt_repr_str() (SPEC ignored)
 * Output, one line per input: format(VALUE, SPEC), or "ERROR: <message>"
 * when fmt_check() rejects the spec, or "RUNTIME-ERROR" when fmt_* returns
 * -1. In the output, '\' is written as "\\" and a newline as "\n" so every
 * result stays on one line. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			fputs("\\\\", stdout);
		else if (s[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(s[i]);
	}
	putchar('\n');
}

static size_t unhex(char *s)
{
	size_t n = 0;

	for (char *p = s; p[0] && p[1]; p += 2) {
		char b[3] = { p[0], p[1], 0 };
		s[n++] = (char)strtoul(b, NULL, 16);
	}
	return n;
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char *kind = line, *spec, *val;
		const char *err;
		enum fmt_kind fk;
		Str out = { 0 };
		size_t vlen;
		int r;

		if (n > 0 && line[n - 1] == '\n')
			line[--n] = 0;
		spec = strchr(kind, '\t');
		if (!spec) {
			puts("BAD-INPUT");
			continue;
		}
		*spec++ = 0;
		val = strchr(spec, '\t');
		if (!val) {
			puts("BAD-INPUT");
			continue;
		}
		*val++ = 0;
		vlen = strlen(val);

		if (!strcmp(kind, "repr")) {
			vlen = unhex(val);
			fmt_repr_str(&out, val, vlen);
			put_escaped(out.buf, out.len);
			free(out.buf);
			continue;
		}
		fk = !strcmp(kind, "int") || !strcmp(kind, "uint") ? FMT_INT : FMT_STR;
		err = fmt_check(spec, fk);
		if (err) {
			printf("ERROR: %s\n", err);
			continue;
		}
		if (!strcmp(kind, "int"))
			r = fmt_int(&out, (uint64_t)strtoll(val, NULL, 10), false, spec);
		else if (!strcmp(kind, "uint"))
			r = fmt_int(&out, strtoull(val, NULL, 10), true, spec);
		else {
			if (!strcmp(kind, "strhex"))
				vlen = unhex(val);
			r = fmt_str(&out, val, vlen, spec);
		}
		if (r < 0)
			puts("RUNTIME-ERROR");
		else
			put_escaped(out.buf ? out.buf : "", out.len);
		free(out.buf);
	}
	free(line);
	return 0;
}
