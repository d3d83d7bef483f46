/* check_sock.c — the socket helpers of BTF programs: bpf.skc_to_tcp_sock(sk)
 * and its kin, bpf.sock_from_file(f).
 *
 * Each bpf.skc_to_X(sk) takes a kernel socket pointer the verifier trusts
 * (a @tp_btf probe's `struct sock *` argument, or another skc_to_X result):
 * any struct that starts with a struct sock_common (sock, inet_sock,
 * tcp_sock, ...: the verifier's ARG_PTR_TO_BTF_ID_SOCK_COMMON), and gives
 * the same socket as a struct X, or None when it is not one (its
 * RET_PTR_TO_BTF_ID_OR_NULL). bpf.sock_from_file(f) takes a trusted struct
 * file pointer and gives its struct socket, or None for a file that is no
 * socket.
 *
 * The result may be None, so as a kfunc's KF_RET_NULL reference of a with
 * block (check_with_kfunc) it is used through a name, tested first:
 *     t = bpf.skc_to_tcp_sock(sk)
 *     if t is not None:
 *         n = t.snd_cwnd
 * The call gives a TY_KPTR marked maybe_none, which only a new local may
 * hold; the local gets ref 3 (SYM_REF_MAYBE_NONE): check.c's None tests
 * narrow it as they do a with block's reference, and nothing releases it.
 * Not bpf.skc_to_mptcp_sock: its sk is a socket of the packet path
 * (ARG_PTR_TO_SOCK_COMMON), and the verifier refuses a BTF pointer there
 * ("R1 type=trusted_ptr_ expected=sock_common, sock, tcp_sock, xdp_sock",
 * a @tp_btf argument on 6.18: helpers/helper_matrix.txt's first run).
 * Which probe kinds may call the helpers: check_helpers.c's rules (the
 * kernel's verifier answer, the helpers' docs for tracing programs).
 */
#include "check_int.h"

#include <string.h>

#include "../helpers/helpers_gen.h"

static const char *const sock_helpers[] = {
	"bpf_skc_to_tcp_sock", "bpf_skc_to_tcp6_sock", "bpf_skc_to_udp6_sock", "bpf_skc_to_unix_sock",
	"bpf_skc_to_tcp_timewait_sock", "bpf_skc_to_tcp_request_sock", "bpf_sock_from_file", NULL,
};

bool sock_helper(const char *name)
{
	for (int i = 0; sock_helpers[i]; i++)
		if (!strcmp(sock_helpers[i], name))
			return true;
	return false;
}

/* "tcp_sock" of "struct tcp_sock *" */
static const char *ret_struct(const struct pyb_helper *h)
{
	return xasprintf("%.*s", (int)(strlen(h->ret.c) - 9), h->ret.c + 7);
}

static bool from_file(const struct pyb_helper *h)
{
	return !strcmp(h->name, "bpf_sock_from_file");
}

/* For `pybpf api`: "bpf.skc_to_tcp_sock(sk: socket) -> Optional[tcp_sock]" */
const char *sock_helper_sig(const struct pyb_helper *h)
{
	return xasprintf("bpf.%s(%s) -> Optional[%s]", h->name + 4,
			 from_file(h) ? "file: file" : "sk: socket (sock_common, sock, inet_sock, tcp_sock, ...)",
			 ret_struct(h));
}

/* Why a call's result may be None, for messages */
static const char *none_reason(const char *helper)
{
	const struct pyb_helper *h = pyb_helper_find(helper);
	if (!strcmp(helper, "bpf_fib_lookup"))   /* check_packet.c */
		return "ctx.fib_lookup() gives None when the kernel has no route and neighbour to forward the packet by";
	if (from_file(h))
		return "bpf.sock_from_file() gives None for a file that is not a socket";
	return xasprintf("bpf.%s() gives None when the socket is not a %s", helper + 4, ret_struct(h));
}

/* t of type got is a helper's result that may be None, used as a value
 * (a field read, an argument, a store): refused, naming the test. */
void sock_none_refused(Node *at, Type *got)
{
	if (got->kind == TY_KPTR && got->maybe_none)
		error_at(node_loc(at), "this value may be None (%s): assign it to a name and test 'if NAME is not None:' "
			 "before using it", none_reason(got->maybe_none));
}

/* y, new, gets value (of type vt): a sock helper's result makes y a
 * pointer that may be None until tested. */
void sock_result_local(Sym *y, Type *vt)
{
	if (vt->kind != TY_KPTR || !vt->maybe_none)
		return;
	y->type = ty_kernel(TY_KPTR, vt->btf_id);
	y->type->pkt = vt->pkt;   /* ctx.fib_lookup()'s copy: read in place (check_packet.c) */
	y->ref = SYM_REF_MAYBE_NONE;
	y->data = (void *)vt->maybe_none;
}

/* Messages for a local of ref SYM_REF_MAYBE_NONE: used untested, given
 * another value, copied (check.c calls these where it checks a with
 * block's reference) */
const char *sock_local_none(Sym *y)
{
	return none_reason(y->data);
}

void sock_local_reassigned(Node *tg, Sym *y)
{
	if (y->ref == SYM_REF_MAYBE_NONE)
		error_at(node_loc(tg), "'%s' holds the result of bpf.%s(), which may be None until tested; "
			 "give the new value a name of its own", tg->name, (const char *)y->data + 4);
}

void sock_local_copied(Node *value)
{
	if (value->kind == ND_NAME && value->sym && value->sym->ref == SYM_REF_MAYBE_NONE)
		error_at(node_loc(value), "'%s' holds the result of bpf.%s(), which may be None; a variable cannot "
			 "hold a copy of it: use '%s' itself", value->name, (const char *)value->sym->data + 4, value->name);
}

/* A socket helper's result is a pointer the verifier knows the type of
 * but does not trust (PTR_TO_BTF_ID without PTR_TRUSTED), which a kfunc
 * with KF_TRUSTED_ARGS refuses; BTF does not say which kfuncs have that
 * flag, so none takes one (the socket helpers and an SkStorage do). */
void sock_result_to_kfunc(Node *a, const char *what)
{
	if (a->kind == ND_NAME && a->sym && a->sym->ref == SYM_REF_MAYBE_NONE)
		error_at(node_loc(a), "%s cannot be '%s', the result of bpf.%s(): the verifier does not trust that pointer "
			 "as a kfunc's argument (a probe's own argument is one it trusts)", what, a->name, (const char *)a->sym->data + 4);
}

/* bpf.skc_to_X(sk), bpf.sock_from_file(f) */
Type *check_sock_call(Checker *c, Node *e)
{
	const struct pyb_helper *h = pyb_helper_find(xasprintf("bpf_%s", e->lhs->name));
	const char *pyname = xasprintf("bpf.%s()", e->lhs->name), *what;
	Node *a;
	Type *got, *t;
	int want;
	e->cval = h - pyb_helpers;
	e->op = 'H';
	use_helper(c, e);   /* the probe kind first: where the kernel refuses the helper, the rest does not matter */
	if (e->vals.len)
		error_at(node_loc(VEC_AT(e->vals, 0)), "%s takes positional arguments only", pyname);
	if (e->elts.len != 1)
		error_at(node_loc(e), "%s takes 1 argument but %d %s given: %s", pyname, e->elts.len,
			 e->elts.len == 1 ? "was" : "were", sock_helper_sig(h));
	a = VEC_AT(e->elts, 0);
	got = check_expr(c, a);
	sock_none_refused(a, got);
	what = xasprintf("argument '%s' of %s", h->args[0].name, pyname);
	if (from_file(h))
		want = helper_kptr_type(c, a, "struct file *")->btf_id;
	else
		want = helper_kptr_type(c, a, "struct sock_common *")->btf_id;
	check_kptr_arg_as(c, a, got, want, what, from_file(h) ? "a struct file *" :
			  "a socket (a struct sock_common * or a struct that starts with one: sock, inet_sock, tcp_sock, ...)",
			  from_file(h));
	t = helper_kptr_type(c, e, h->ret.c);
	t->maybe_none = h->name;
	return t;
}
