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
#include "btf.h"

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

/* print(a6.sin6_addr), {a6.sin6_addr:ip}: an embedded struct in_addr or
 * in6_addr is shown as its 4 or 16 bytes (a bytes[N] value), which :ip
 * formats as the address. Other structs have no printed form. */
int uptr_addr_size(KBtf *k, Type *t)
{
	KInfo in;
	if (t->kind != TY_KVAL)
		return 0;
	kbtf_info(k, t->btf_id, &in);
	if ((!strcmp(in.name, "in_addr") && in.size == 4) || (!strcmp(in.name, "in6_addr") && in.size == 16))
		return in.size;
	return 0;
}

/* The emitted declaration of an address struct read whole: with its bytes
 * as members (s_addr; in6_u.u6_addr8), not empty. clang-19 crashes on
 * &p->sin6_addr when struct in6_addr is declared without members. */
void uptr_addr_use(KBtf *k, KEmit *ke, Type *t)
{
	KField *f = xcalloc(2, sizeof(*f));
	if (!kbtf_member(k, t->btf_id, "s_addr", &f[0])) {
		kemit_use_member(ke, t->btf_id, &f[0]);
	} else if (!kbtf_member(k, t->btf_id, "in6_u", &f[0]) && !kbtf_member(k, f[0].type, "u6_addr8", &f[1])) {
		kemit_use_member(ke, t->btf_id, &f[0]);
		kemit_use_member(ke, kbtf_skip(k, f[0].type), &f[1]);
	} else {
		ICE("struct in_addr / in6_addr without s_addr / in6_u.u6_addr8");
	}
}

/* {x:ip}: an int is an IPv4 address as read from memory (network order,
 * its low 32 bits), bytes[4] an IPv4 and bytes[16] an IPv6 address; the
 * loader and the CPython shim give the text of inet_ntop(3). */
const char *uptr_ip_spec_error(Type *t, int conv)
{
	if (!conv && (t->kind == TY_INT || (t->kind == TY_BYTES && (t->size == 4 || t->size == 16))))
		return NULL;
	return xasprintf("':ip' formats an IPv4 address (an int, bytes[4], struct in_addr) or an IPv6 address "
			 "(bytes[16], struct in6_addr), not %s%s", conv ? xasprintf("the !%c conversion of ", conv) : "", ty_name(t));
}
