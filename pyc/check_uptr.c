/* check_uptr.c — typed user pointers (issue 18).
 *
 * A tracepoint field declared `struct NAME *` (sys_enter_nanosleep's
 * `struct __kernel_timespec * rqtp`, connect's `struct sockaddr * uservaddr`,
 * ...) is a TY_PTR that remembers NAME in sname. Nothing more happens
 * unless the program reads a field through it (args.rqtp.tv_sec): then the
 * checker looks NAME up in the kernel's BTF and reads the field as a
 * kernel struct's, but with bpf_probe_read_user (Type.user). The kernel's
 * copies of these UAPI structs have the user-space layout, so the
 * offsets are the fixed UAPI ones. Programs that only pass the pointer on
 * (user_bytes(args.rqtp, 16)) compile as before, without loading BTF. */
#include "pyc.h"

#include <string.h>

/* The struct name in a C type "struct NAME *" / "const struct NAME *", or NULL. */
static const char *struct_of_ctype(const char *ct)
{
	const char *p = ct, *q;
	if (!strncmp(p, "const ", 6))
		p += 6;
	if (strncmp(p, "struct ", 7))
		return NULL;
	p += 7;
	q = p;
	while (*q && *q != ' ' && *q != '*')
		q++;
	while (*q == ' ')
		q++;
	if (q[0] != '*' || q[1])
		return NULL;   /* not exactly one level of pointer */
	while (q > p && (q[-1] == ' ' || q[-1] == '*'))
		q--;
	return xstrndup(p, q - p);
}

Type *uptr_tp_field_type(const char *ctype)
{
	const char *name = struct_of_ctype(ctype);
	Type *t;
	if (!name)
		return ty_ptr;
	t = xcalloc(1, sizeof(*t));
	t->kind = TY_PTR;
	t->sname = name;
	t->user = true;
	return t;
}

/* user_read(p, T): user-space names of UAPI structs whose kernel copy is
 * named otherwise (the layout is the same on x86_64). */
const char *uptr_struct_alias(const char *name)
{
	static const char *const alias[][2] = {
		{"timespec", "__kernel_timespec"},
		{"timeval", "__kernel_old_timeval"},
		{"itimerspec", "__kernel_itimerspec"},
	};
	for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
		if (!strcmp(name, alias[i][0]))
			return alias[i][1];
	return name;
}
