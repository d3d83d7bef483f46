/* util.c — allocation, growable buffers and vectors, file reading.
 * The compiler allocates and never frees: it runs once and exits. */
#include "pyc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void oom(void)
{
	fputs("pybpf: error: out of memory\n", stderr);
	exit(1);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(1, n + 1);
	memcpy(p, s, n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	va_end(ap);
	return p;
}

void str_add(Str *s, const char *data, size_t n)
{
	if (!n && s->buf)
		return;
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		while (cap < s->len + n + 1)
			cap *= 2;
		s->buf = xrealloc(s->buf, cap);
		s->cap = cap;
	}
	if (n)
		memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = 0;
}

void str_puts(Str *s, const char *text)
{
	str_add(s, text, strlen(text));
}

void str_printf(Str *s, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;
	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	str_add(s, p, n);
	free(p);
}

void vec_push(Vec *v, void *p)
{
	if (v->len == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4;
		v->data = xrealloc(v->data, v->cap * sizeof(void *));
	}
	v->data[v->len++] = p;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	Str s = {0};
	char buf[65536];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		str_add(&s, buf, n);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(s.buf);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	if (!s.buf)
		str_add(&s, "", 0);
	if (len)
		*len = s.len;
	return s.buf;
}

/* Levenshtein distance, for "did you mean" suggestions. */
int edit_distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b);
	int *prev = xcalloc(lb + 1, sizeof(int)), *cur = xcalloc(lb + 1, sizeof(int));
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
		}
		int *t = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

