/* userrb.c — UserRingBuf maps at run time (pyc/check_userrb.c).
 *
 * A UserRingBuf (BPF_MAP_TYPE_USER_RINGBUF) is written by user space and
 * drained by the program's bpf.user_ringbuf_drain. The loader writes each
 * line of its standard input, until the end of it, as one record, before
 * @begin runs: a str[N] record holds the line without its newline, padded
 * with NULs to N bytes (at most N-1 characters); an integer record, the
 * line read as a Python int literal (underscores, 0x/0o/0b) that must fit
 * the type. A line that does not fit, or that finds the ring buffer full
 * (the program drains it only when a probe runs), is not written and is
 * reported on stderr with its number: nothing is dropped silently.
 */
#include "userrb.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MapDecl *user_ringbuf_of(Prog *prog)
{
	for (int i = 0; i < prog->maps.len; i++)
		if (((MapDecl *)VEC_AT(prog->maps, i))->type->map_kind == MAP_USER_RINGBUF)
			return VEC_AT(prog->maps, i);
	return NULL;
}

/* line as an int of type t, as Python's int(line, 0) reads it (a decimal
 * with leading zeros aside): 0, or the reason it is not one */
static const char *parse_int(const char *line, Type *t, int64_t *v)
{
	char digits[128];
	size_t n = 0;
	const char *s = line;
	char *end;
	int base = 10;
	bool neg = false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
		base = s[1] == 'x' || s[1] == 'X' ? 16 : s[1] == 'o' || s[1] == 'O' ? 8 : 2;
		s += 2;
	}
	for (; *s && *s != ' ' && *s != '\t' && n + 1 < sizeof(digits); s++) {
		if (*s != '_')
			digits[n++] = *s;
		else if (!n || !s[1] || s[1] == '_' || s[1] == ' ' || s[1] == '\t')
			return "it is not an int";   /* Python takes one _ between digits only */
	}
	digits[n] = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	errno = 0;
	unsigned long long u = n ? strtoull(digits, &end, base) : 0;
	if (!n || *end || *s || digits[0] == '-' || digits[0] == '+')
		return "it is not an int";
	if (errno == ERANGE || u > (unsigned long long)INT64_MAX + neg)
		return xasprintf("it does not fit %s", ty_name(t));
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	if (t->is_signed ? (*v < -(1LL << (t->size * 8 - 1)) || (t->size < 8 && *v >= (1LL << (t->size * 8 - 1))))
			 : (*v < 0 || (t->size < 8 && *v >= (1LL << (t->size * 8)))))
		return xasprintf("it does not fit %s", ty_name(t));
	return NULL;
}

/* One line as m's record, or why not */
static const char *write_line(struct user_ring_buffer *rb, MapDecl *m, const char *line, size_t len)
{
	Type *t = m->type->val;
	int64_t v = 0;
	const char *why;
	void *rec;
	if (t->kind == TY_STR && len >= (size_t)t->size)
		return xasprintf("it is longer than %d characters", t->size - 1);
	if (t->kind != TY_STR && (why = parse_int(line, t, &v)))
		return why;
	if (!(rec = user_ring_buffer__reserve(rb, (uint32_t)t->size)))
		return errno == ENOSPC ? "the ring buffer is full" : xasprintf("%s", strerror(errno));
	memset(rec, 0, (size_t)t->size);
	if (t->kind == TY_STR)
		memcpy(rec, line, len);
	else
		memcpy(rec, &v, (size_t)t->size);   /* little endian: the low bytes */
	user_ring_buffer__submit(rb, rec);
	return NULL;
}

int user_ringbuf_pin_refused(Prog *prog, const char *how)
{
	MapDecl *m = user_ringbuf_of(prog);
	if (!m)
		return 0;
	fprintf(stderr, "pybpf: error: '%s' is a UserRingBuf: the standard input of the pybpf that loads it feeds it, so "
		"%s programs cannot have one yet\n", m->name, how);
	return -1;
}

int user_ringbuf_feed(struct bpf_object *obj, Prog *prog)
{
	MapDecl *m = user_ringbuf_of(prog);
	struct user_ring_buffer *rb;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long no = 0;
	if (!m)
		return 0;
	rb = user_ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, m->cname)), NULL);
	if (!rb) {
		fprintf(stderr, "pybpf: error: cannot write UserRingBuf '%s': %s\n", m->name, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		const char *why;
		no++;
		if (n && line[n - 1] == '\n')
			line[--n] = 0;
		if ((why = write_line(rb, m, line, (size_t)n)))
			fprintf(stderr, "pybpf: line %ld of standard input was not written to UserRingBuf '%s': %s\n", no,
				m->name, why);
	}
	free(line);
	user_ring_buffer__free(rb);
	return 0;
}
