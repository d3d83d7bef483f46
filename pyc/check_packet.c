/* check_packet.c — the packet path from Python: @xdp, @tc, @cgroup_skb
 * probes, their packet and its headers, addresses (docs/packets.md).
 *
 *     @xdp
 *     def fw(ctx) -> int:
 *         pkt = ctx.packet()
 *         eth = pkt.header(ethhdr)              # IndexError when too short
 *         ip = pkt.header(iphdr, after=eth)     # after the options too
 *         if ntohl(ip.saddr) == ip4("10.0.0.2"):
 *             return XDP_DROP
 *         return XDP_PASS
 *
 * A header is a pointer into the packet (a TY_KPTR with pkt set): the
 * emitter checks it against data_end once, where it is taken, and its
 * fields are then plain loads and stores the verifier accepts.
 */
#include "check_int.h"

#include <arpa/inet.h>
#include <string.h>

static Type t_ipv4 = {.kind = TY_FIXED, .size = 4, .addr = 4};
static Type t_ipv6 = {.kind = TY_BYTES, .size = 16, .addr = 6};
static Type t_packet = {.kind = TY_PACKET};

Type *addr_type(const char *name)
{
	if (!strcmp(name, "IPv4"))
		return &t_ipv4;
	if (!strcmp(name, "IPv6"))
		return &t_ipv6;
	return NULL;
}

/* The verdict names of the packet probes, as the kernel's UAPI numbers them */
static const struct {
	const char *name;
	int64_t value;
} verdicts[] = {
	{"XDP_ABORTED", 0}, {"XDP_DROP", 1}, {"XDP_PASS", 2}, {"XDP_TX", 3}, {"XDP_REDIRECT", 4},
	{"TC_ACT_UNSPEC", -1}, {"TC_ACT_OK", 0}, {"TC_ACT_SHOT", 2}, {"TC_ACT_REDIRECT", 7},
};

Sym *packet_const(Checker *c, Node *e)
{
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
		if (strcmp(e->name, verdicts[i].name) || !is_imported(c, e->name))
			continue;
		ConstDecl *k = xcalloc(1, sizeof(*k));
		Sym *y = xcalloc(1, sizeof(*y));
		k->name = y->name = verdicts[i].name;
		k->type = y->type = ty_int;
		k->value = k->src_value = verdicts[i].value;
		k->cname = y->cname = xasprintf("((__s64)%lld)", (long long)verdicts[i].value);
		y->kind = SYM_CONST;
		y->data = k;
		return y;
	}
	return NULL;
}

/* ---- probes ---------------------------------------------------------- */

/* @cgroup_sock_addr's hooks: the socket calls a program runs in */
static const char *const sock_addr_hooks[] = {
	"connect4", "connect6", "bind4", "bind6", "sendmsg4", "sendmsg6", "recvmsg4", "recvmsg6", "getpeername4",
	"getpeername6", "getsockname4", "getsockname6", NULL,
};
static const char *const directions[] = {"ingress", "egress", NULL};

/* The packet probe kinds: everything that differs between them */
static const struct PacketKind {
	const char *kind;
	const char *ctx;                 /* the kernel's context struct */
	const char *sec;                 /* the section, or its prefix: SEC("tcx/ingress") */
	const char *const *targets;      /* what the decorator takes (NULL: nothing) */
	bool iface;                      /* attached to --iface (else to --cgroup) */
	int pass;                        /* the verdict of an uncaught exception: as if no program were attached */
	const char *verdicts;            /* what it returns, for messages */
} packet_kinds[] = {
	{"xdp", "xdp_md", "xdp", NULL, true, 2, "XDP_PASS, XDP_DROP, ..."},
	{"tc", "__sk_buff", "tcx", directions, true, -1, "TC_ACT_OK, TC_ACT_SHOT, ..."},
	{"cgroup_skb", "__sk_buff", "cgroup_skb", directions, false, 1, "1 to let the packet through, 0 to drop it"},
	{"cgroup_sock_addr", "bpf_sock_addr", "cgroup", sock_addr_hooks, false, 1, "1 to let the call go on, 0 to fail it with EPERM"},
	/* -1: all of it (the kernel keeps at most the packet's length) */
	{"socket_filter", "__sk_buff", "socket", NULL, true, -1, "the bytes of the packet to keep: 0 drops it, ctx.len keeps all"},
};

static const struct PacketKind *kind_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(packet_kinds) / sizeof(packet_kinds[0]); i++)
		if (!strcmp(packet_kinds[i].kind, kind))
			return &packet_kinds[i];
	return NULL;
}

bool packet_kind(const char *kind)
{
	return kind_of(kind) != NULL;
}

bool packet_on_iface(const char *kind)
{
	return kind_of(kind) && kind_of(kind)->iface;
}

/* The kernel's context struct of a packet probe kind */
static const char *ctx_struct(const char *kind)
{
	return kind_of(kind)->ctx;
}

/* What a probe returns when an exception escapes it: a packet probe's
 * packet goes on as if no program were attached; any other probe's 0 */
int packet_default_verdict(const char *kind)
{
	return kind_of(kind) ? kind_of(kind)->pass : 0;
}

/* @xdp; @tc("ingress" | "egress"); @cgroup_skb(...); @cgroup_sock_addr("connect4"); @socket_filter */
void packet_decorator(Checker *c, Probe *p, Node *d)
{
	const struct PacketKind *k = kind_of(p->kind);
	const char *where = k->iface ? "the interface is named when it is loaded: pybpf load --iface NAME"
				     : "the cgroup is named when it is loaded: pybpf load --cgroup PATH";
	(void)c;
	p->ret = ty_int;   /* the verdict */
	if (!k->targets) {
		if (d->kind == ND_CALL && (d->elts.len || d->vals.len))
			error_at(node_loc(d), "@%s takes no arguments: the interface is named when it is loaded "
				 "(pybpf load --iface NAME)", p->kind);
		p->sec = k->sec;
		p->target = "";
		return;
	}
	Node *arg = d->kind == ND_CALL && d->elts.len == 1 && !d->vals.len ? VEC_AT(d->elts, 0) : NULL;
	if (!arg || arg->kind != ND_STR || arg->tok->is_bytes || !in_list(k->targets, arg->tok->str)) {
		if (k->targets == sock_addr_hooks)
			error_at(node_loc(arg ? arg : d), "@cgroup_sock_addr takes the socket call it runs in: \"connect4\", "
				 "\"connect6\", \"bind4\", \"sendmsg4\", \"recvmsg4\", \"getpeername4\", ... (%s)", where);
		error_at(node_loc(arg ? arg : d), "@%s takes the direction: @%s(\"ingress\") or @%s(\"egress\") (%s)", p->kind,
			 p->kind, p->kind, where);
	}
	p->target = arg->tok->str;
	p->target_loc = node_loc(arg);
	p->sec = xasprintf("%s/%s", k->sec, p->target);
}

/* A packet probe's one parameter: its context (ctx.packet(), ctx.len) */
Type *packet_param(Checker *c, Probe *p, Node *pa, int i)
{
	const char *want = ctx_struct(p->kind);
	(void)c;
	if (i > 0)
		error_at(node_loc(pa), "a packet probe takes one parameter: its context (%s), as in 'def %s(ctx) -> int:'", want,
			 p->name);
	if (pa->annotation && (pa->annotation->kind != ND_NAME || strcmp(pa->annotation->name, want)))
		error_at(node_loc(pa->annotation), "the context of @%s is the kernel's %s: annotate it '%s', or not at all", p->kind,
			 want, want);
	pa->op = 0;   /* PS_ARGS: the context itself */
	return ty_ctx;
}

/* -> int, or nothing; and every path returns a verdict */
void packet_returns(Checker *c, Probe *p, Node *fn, bool returns)
{
	(void)c;
	if (fn->returns && (fn->returns->kind != ND_NAME || strcmp(fn->returns->name, "int")))
		error_at(node_loc(fn->returns), "@%s returns its verdict: annotate it '-> int'", p->kind);
	if (!returns)
		error_at(node_loc(VEC_AT(fn->body, fn->body.len - 1)), "'%s' can reach its end without returning a verdict (%s); "
			 "end every path with a return", p->name, kind_of(p->kind)->verdicts);
}

/* ---- the context and the packet ----------------------------------------- */

/* The context fields the verifier refuses a kind to read (the kernel's
 * *_is_valid_access: xdp_is_valid_access, tc_cls_act_is_valid_access,
 * cg_skb_is_valid_access, sk_filter_is_valid_access) */
static const char *const ctx_refused[][2] = {
	{"xdp", "egress_ifindex"},   /* a devmap program's only */
	{"tc", "family"}, {"tc", "remote_ip4"}, {"tc", "local_ip4"}, {"tc", "remote_ip6"}, {"tc", "local_ip6"},
	{"tc", "remote_port"}, {"tc", "local_port"},
	{"cgroup_skb", "tc_classid"}, {"cgroup_skb", "wire_len"},
	{"socket_filter", "tc_classid"}, {"socket_filter", "family"}, {"socket_filter", "remote_ip4"},
	{"socket_filter", "local_ip4"}, {"socket_filter", "remote_ip6"}, {"socket_filter", "local_ip6"},
	{"socket_filter", "remote_port"}, {"socket_filter", "local_port"}, {"socket_filter", "tstamp"},
	{"socket_filter", "wire_len"}, {"socket_filter", "hwtstamp"},
};

static bool ctx_field_refused(const char *kind, const char *field)
{
	for (size_t i = 0; i < sizeof(ctx_refused) / sizeof(ctx_refused[0]); i++)
		if (!strcmp(ctx_refused[i][0], kind) && !strcmp(ctx_refused[i][1], field))
			return true;
	return false;
}

/* ctx.FIELD: an integer field of the context, read directly */
Type *packet_ctx_field(Checker *c, Node *e)
{
	KBtf *k = need_btf(c, e);
	const char *sn = ctx_struct(c->probe->kind);
	int id = kbtf_find_struct(k, sn);
	KField *kf = xcalloc(1, sizeof(*kf));
	KInfo in;
	if (id < 0)
		error_at(node_loc(e), "the kernel's BTF has no struct %s", sn);
	if (kbtf_member(k, id, e->name, kf) < 0) {
		const char *near = kbtf_nearest_members(k, id, e->name, 3);
		error_at(node_loc(e), "the context of @%s (%s) has no field '%s'%s%s", c->probe->kind, sn, e->name,
			 near[0] ? "; did you mean " : "", near[0] ? xasprintf("%s?", near) : "");
	}
	if (!strncmp(e->name, "data", 4))   /* data, data_end, data_meta: packet pointers */
		error_at(node_loc(e), "ctx.%s is where the packet is in the kernel's memory, not a number; read the packet "
			 "through ctx.packet() (len(pkt), pkt.header(T))", e->name);
	kbtf_info(k, kf->type, &in);
	if (kf->bit_size)
		error_at(node_loc(e), "ctx.%s is a bitfield of %s, which the kernel lets no program read", e->name, sn);
	if (in.kind != KK_INT && in.kind != KK_CHAR)   /* __u8 is an unsigned char */
		error_at(node_loc(e), "ctx.%s is %s, not an integer field; the packet is ctx.packet()", e->name,
			 kbtf_type_name(k, kf->type));
	if (ctx_field_refused(c->probe->kind, e->name))
		error_at(node_loc(e), "a @%s program may not read ctx.%s (the verifier refuses it in %s programs)",
			 c->probe->kind, e->name, helper_prog_type(c->probe->kind));
	e->kf = kf;
	e->op = 'x';
	e->cval = in.size;
	return ty_int;
}

static Type *header_type(Checker *c, Node *an)
{
	int id = an->kind == ND_NAME ? kbtf_find_struct(need_btf(c, an), an->name) : -1;
	if (id < 0)
		error_at(node_loc(an), "pkt.header() takes a kernel struct: ethhdr, vlan_hdr, iphdr, ipv6hdr, tcphdr, udphdr, "
			 "icmphdr, ...");
	kemit_use_type(c->prog->kemit, id);
	Type *t = ty_kernel(TY_KPTR, id);
	t->pkt = true;
	return t;
}

static Type *check_header(Checker *c, Node *e)
{
	Node *after = NULL;
	if (e->elts.len != 1)
		error_at(node_loc(e), "write pkt.header(T) or pkt.header(T, after=h)");
	for (int i = 0; i < e->vals.len; i++) {
		Node *kw = VEC_AT(e->vals, i);
		if (!kw->name || strcmp(kw->name, "after"))
			error_at(node_loc(kw), "pkt.header() takes after=h (the header this one follows), nothing else");
		after = kw->lhs;
	}
	Type *t = header_type(c, VEC_AT(e->elts, 0));
	e->rhs = after;
	e->raise = new_raise(c, e, "IndexError");   /* the packet ends before the header does */
	if (after) {
		Type *at = check_expr(c, after);
		if (at->kind != TY_KPTR || !at->pkt)
			error_at(node_loc(after), "after= takes a header of the packet (h = pkt.header(T)), not %s", ty_name(at));
		const char *an = kbtf_type_name(c->prog->btf, at->btf_id);
		if (!strcmp(an, "struct iphdr") || !strcmp(an, "struct tcphdr")) {
			KField *kf = xcalloc(1, sizeof(*kf));
			if (kbtf_member(c->prog->btf, at->btf_id, an[7] == 'i' ? "ihl" : "doff", kf) < 0)
				ICE("%s has no word count", an);
			kemit_use_member(c->prog->kemit, at->btf_id, kf);
			e->kf = kf;   /* the emitter reads it: where this header starts */
			new_raise(c, e, "ValueError");   /* ihl (doff) below 5 */
		}
	}
	e->op = 'x';
	e->cval = PK_HEADER;
	return t;
}

/* The context's methods that are helpers of the packet path, by kind:
 * ctx.adjust_head(n) is bpf.xdp_adjust_head(ctx, n) in an @xdp probe */
static const char *const ctx_methods[][3] = {
	{"xdp", "adjust_head", "xdp_adjust_head"}, {"xdp", "adjust_tail", "xdp_adjust_tail"},
	{"xdp", "redirect", "redirect"}, {"tc", "redirect", "redirect"}, {"tc", "pull_data", "skb_pull_data"},
	{"tc", "change_tail", "skb_change_tail"}, {"tc", "adjust_room", "skb_adjust_room"},
};

/* fib = ctx.fib_lookup(ip) (flags=0): bpf_fib_lookup of an IPv4 header's
 * addresses, from the interface the packet came in on; None when the
 * kernel has no route to forward it by, OSError for an errno */
static Type *check_fib_lookup(Checker *c, Node *e)
{
	Node *ip = e->elts.len >= 1 && e->elts.len <= 2 && !e->vals.len ? VEC_AT(e->elts, 0) : NULL;
	Type *it = ip ? check_expr(c, ip) : NULL;
	int id = kbtf_find_struct(need_btf(c, e), "bpf_fib_lookup");
	if (!it || it->kind != TY_KPTR || !it->pkt || strcmp(kbtf_type_name(c->prog->btf, it->btf_id), "struct iphdr"))
		error_at(node_loc(e), "ctx.fib_lookup(ip) takes the packet's IPv4 header (ip = pkt.header(iphdr, after=eth)), and "
			 "flags as a second argument (BPF_FIB_LOOKUP_*, default 0)");
	if (e->elts.len == 2)
		need_int(c, VEC_AT(e->elts, 1), "the flags of ctx.fib_lookup()");
	if (id < 0)
		error_at(node_loc(e), "the kernel's BTF has no struct bpf_fib_lookup");
	helper_allowed(c->probe->kind, "bpf_fib_lookup", e, NULL);
	kemit_use_type(c->prog->kemit, id);
	e->raise = new_raise(c, e, "OSError");
	e->op = 'x';
	e->cval = PK_FIB;
	Type *t = ty_kernel(TY_KPTR, id);
	t->pkt = true;   /* a copy on the stack: its fields are read in place */
	t->maybe_none = "bpf_fib_lookup";
	return t;
}

/* ctx.NAME(args): bpf.HELPER(ctx, args), or bpf.redirect(args) (it takes no context) */
static Type *ctx_method(Checker *c, Node *e, bool stmt)
{
	Node *f = e->lhs;
	if (!strcmp(f->name, "fib_lookup") && (!strcmp(c->probe->kind, "xdp") || !strcmp(c->probe->kind, "tc")))
		return check_fib_lookup(c, e);
	for (size_t i = 0; i < sizeof(ctx_methods) / sizeof(ctx_methods[0]); i++) {
		if (strcmp(ctx_methods[i][0], c->probe->kind) || strcmp(ctx_methods[i][1], f->name))
			continue;
		Node *bpf = synth_node(ND_NAME, f), *call = synth_node(ND_ATTR, f);
		bpf->name = "bpf";
		call->lhs = bpf;
		call->name = ctx_methods[i][2];
		if (strcmp(f->name, "redirect")) {   /* the context first */
			vec_push(&e->elts, NULL);
			memmove(&e->elts.data[1], &e->elts.data[0], (e->elts.len - 1) * sizeof(void *));
			e->elts.data[0] = f->lhs;
		}
		e->lhs = call;
		return check_bpf_helper(c, e, stmt);
	}
	return NULL;
}

/* ctx.packet(), pkt.header(T, after=h), pkt.offset(h), ctx.adjust_head(n), ... */
Type *check_packet_method(Checker *c, Node *e, Type *t, bool stmt)
{
	Node *f = e->lhs;
	Type *r;
	if (!c->probe || !packet_kind(c->probe->kind))
		error_at(node_loc(f), "%s has no method '%s'%s", c->probe ? xasprintf("a @%s probe's context", c->probe->kind) :
			 ty_name(t), f->name, !strcmp(f->name, "packet") ? " (packet probes have: @xdp, @tc, @cgroup_skb, "
			 "@socket_filter)" : "");
	if (t->kind == TY_CTX && !strcmp(f->name, "packet") && !strcmp(c->probe->kind, "cgroup_sock_addr"))
		error_at(node_loc(f), "a @cgroup_sock_addr program sees the socket call's address (ctx.user_ip4, ctx.user_port), "
			 "not a packet");
	if (t->kind == TY_CTX && !strcmp(f->name, "packet")) {
		if (e->elts.len || e->vals.len)
			error_at(node_loc(e), "ctx.packet() takes no arguments");
		e->op = 'x';
		e->cval = PK_PACKET;
		return &t_packet;
	}
	if (t->kind == TY_PACKET && !strcmp(f->name, "header"))
		return check_header(c, e);
	if (t->kind == TY_PACKET && !strcmp(f->name, "offset")) {
		Node *h = e->elts.len == 1 && !e->vals.len ? VEC_AT(e->elts, 0) : NULL;
		Type *ht = h ? check_expr(c, h) : NULL;
		if (!ht || ht->kind != TY_KPTR || !ht->pkt)
			error_at(node_loc(e), "pkt.offset(h) takes a header of the packet: where it starts, in bytes");
		e->op = 'x';
		e->cval = PK_OFFSET;
		return ty_int;
	}
	if (t->kind == TY_CTX && (r = ctx_method(c, e, stmt)))
		return r;
	error_at(node_loc(f), "%s has no method '%s'%s", t->kind == TY_CTX ? xasprintf("the context of @%s (%s)", c->probe->kind,
		 ctx_struct(c->probe->kind)) : ty_name(t), f->name,
		 t->kind == TY_CTX ? (!strcmp(c->probe->kind, "xdp") ? "; an @xdp context has packet(), adjust_head(n), "
				      "adjust_tail(n) and redirect(ifindex, flags)" : !strcmp(c->probe->kind, "tc") ?
				      "; a @tc context has packet(), pull_data(n), change_tail(len, flags), adjust_room(...) "
				      "and redirect(ifindex, flags)" : "; the context has packet()") :
		 "; a Packet has header(T, after=h) and offset(h)");
}

/* len(pkt): data_end - data */
Type *check_packet_len(Checker *c, Node *e, Node *a)
{
	(void)c;
	(void)a;
	e->op = 'x';
	e->cval = PK_LEN;
	return ty_int;
}

/* pkt[a:b], constant 0 <= a < b: a bytes[b - a] copy (IndexError when short) */
Type *check_packet_slice(Checker *c, Node *e)
{
	Node *sl = e->rhs;
	int64_t a = 0, b;
	if (sl->kind != ND_SLICE || sl->third || !sl->rhs)
		error_at(node_loc(e->rhs), "a packet is read in slices with constant bounds: pkt[a:b]; pkt.header(T) reads a header");
	if ((sl->lhs && !const_int(c, sl->lhs, &a)) || !const_int(c, sl->rhs, &b) || a < 0 || b <= a || b - a > 256 ||
	    b > 0xffff)
		error_at(node_loc(sl), "pkt[a:b] takes constants 0 <= a < b, at most 256 bytes apart");
	e->raise = new_raise(c, e, "IndexError");
	e->op = 'x';
	e->cval = PK_SLICE;
	sl->cval = a;
	return ty_bytes((int)(b - a));
}

static int kfield_size(KBtf *k, const KField *kf)
{
	KInfo in;
	kbtf_info(k, kf->type, &in);
	return in.size;
}

/* h.FIELD = v of a header: a store into the packet (@xdp, @tc) */
void check_packet_store(Checker *c, Node *tg, Node *value, Type *vt)
{
	if (!strcmp(c->probe->kind, "cgroup_skb") || !strcmp(c->probe->kind, "socket_filter"))
		error_at(node_loc(tg), "a @%s program cannot change the packet (the kernel gives it read-only access%s)",
			 c->probe->kind, !strcmp(c->probe->kind, "socket_filter") ? "; its headers are copies" : "");
	if (tg->kf && tg->type->kind == TY_STR)   /* a byte array of the wire, as check.c reads one */
		tg->type = ty_bytes(tg->type->size);
	if (tg->kf && tg->type->kind == TY_BYTES) {   /* eth.h_dest = fib.dmac: the bytes copied in */
		tg->raise = NULL;
		tg->op = 'x';
		check_store(c, value, vt, tg->type, xasprintf("field '%s' of %s", tg->name, kbtf_type_name(c->prog->btf, tg->kstruct)));
		return;
	}
	if (!tg->kf || tg->kf->bit_size || tg->type->kind != TY_INT)
		error_at(node_loc(tg), "only the integer and byte-array fields of a header can be assigned (not bitfields or "
			 "structs)");
	tg->raise = NULL;
	tg->op = 'x';
	tg->type = ty_fixed(kfield_size(c->prog->btf, tg->kf), false);   /* what the emitter stores */
	check_store(c, value, vt, tg->type, xasprintf("field '%s' of %s", tg->name, kbtf_type_name(c->prog->btf, tg->kstruct)));
}

/* ip4("10.0.0.2"): 0x0a000002, as int(ipaddress.IPv4Address("10.0.0.2")) */
Type *check_ip4(Checker *c, Node *e)
{
	Node *a = e->elts.len == 1 && !e->vals.len ? VEC_AT(e->elts, 0) : NULL;
	struct in_addr in;
	(void)c;
	if (!a || a->kind != ND_STR || a->tok->is_bytes)
		error_at(node_loc(e), "ip4() takes an IPv4 address as a string literal: ip4(\"10.0.0.2\")");
	if (inet_pton(AF_INET, a->tok->str, &in) != 1)
		error_at(node_loc(a), "'%s' is not an IPv4 address (four decimal numbers 0..255: \"10.0.0.2\")", a->tok->str);
	e->op = 'L';   /* a constant */
	e->cval = ntohl(in.s_addr);
	return ty_int;
}

/* ---- helpers that move the packet --------------------------------------- */

/* The helpers after which the verifier forgets every packet pointer (the
 * kernel's bpf_helper_changes_pkt_data): a header taken before one of them
 * must be taken again. */
static const char *const movers[] = {
	"skb_store_bytes", "skb_change_head", "skb_change_tail", "skb_pull_data", "skb_change_proto", "skb_adjust_room",
	"skb_vlan_push", "skb_vlan_pop", "l3_csum_replace", "l4_csum_replace", "xdp_adjust_head", "xdp_adjust_meta",
	"xdp_adjust_tail", "clone_redirect", "lwt_push_encap", "lwt_seg6_store_bytes", "lwt_seg6_adjust_srh",
	"lwt_seg6_action", "msg_pull_data", "msg_push_data", "msg_pop_data", NULL,
};

void packet_helper_called(Checker *c, Node *e)
{
	if (in_list(movers, e->lhs->name)) {
		c->pkt_gen++;
		c->pkt_moved = e;
	}
}

/* a header, or pkt (which holds where the packet ends) */
static bool is_header(Sym *y)
{
	return y->kind == SYM_LOCAL && y->type && ((y->type->kind == TY_KPTR && y->type->pkt) || y->type->kind == TY_PACKET);
}

void packet_local_assigned(Checker *c, Sym *y)
{
	if (is_header(y))
		y->pkt_gen = c->pkt_gen;
}

void packet_local_used(Checker *c, Node *e, Sym *y)
{
	if (!is_header(y) || y->pkt_gen == c->pkt_gen)
		return;
	error_begin(node_loc(e), "'%s' points into the packet as it was before bpf.%s() moved it; take %s again "
		    "after the call (%s = %s)", e->name, c->pkt_moved->lhs->name, y->type->kind == TY_PACKET ? "it" : "the header",
		    e->name, y->type->kind == TY_PACKET ? "ctx.packet()" : "pkt.header(...)");
	note_at(node_loc(c->pkt_moved), "the packet may move here");
	diag_exit();
}

/* The context fields a program may write, by the kernel's rules */
static const char *const ctx_writable[][2] = {
	{"cgroup_sock_addr", "user_ip4"}, {"cgroup_sock_addr", "user_port"}, {"cgroup_sock_addr", "msg_src_ip4"},
	{"tc", "mark"}, {"tc", "priority"}, {"tc", "tc_index"}, {"tc", "tc_classid"}, {"tc", "queue_mapping"},
	{"cgroup_skb", "mark"}, {"cgroup_skb", "priority"},
};

/* ctx.FIELD = v */
void check_ctx_store(Checker *c, Node *tg, Node *value, Type *vt)
{
	const char *kind = c->probe->kind;
	Str ok = {0};
	packet_ctx_field(c, tg);
	for (size_t i = 0; i < sizeof(ctx_writable) / sizeof(ctx_writable[0]); i++) {
		if (strcmp(ctx_writable[i][0], kind))
			continue;
		if (!strcmp(ctx_writable[i][1], tg->name)) {
			tg->type = ty_fixed((int)tg->cval, false);   /* what the emitter stores */
			check_store(c, value, vt, tg->type, xasprintf("ctx.%s", tg->name));
			return;
		}
		str_printf(&ok, "%s%s", ok.len ? ", " : "", ctx_writable[i][1]);
	}
	error_at(node_loc(tg), "a @%s program cannot change ctx.%s%s%s", kind, tg->name, ok.len ? "; it may change " : "",
		 ok.len ? ok.buf : "");
}

/* ip6("fe80::1"): its 16 bytes, a bytes literal from here on */
Type *check_ip6(Checker *c, Node *e)
{
	Node *a = e->elts.len == 1 && !e->vals.len ? VEC_AT(e->elts, 0) : NULL;
	unsigned char b[16];
	(void)c;
	if (!a || a->kind != ND_STR || a->tok->is_bytes)
		error_at(node_loc(e), "ip6() takes an IPv6 address as a string literal: ip6(\"fe80::1\")");
	if (inet_pton(AF_INET6, a->tok->str, b) != 1)
		error_at(node_loc(a), "'%s' is not an IPv6 address (as inet_pton reads one: \"fe80::1\", \"::ffff:10.0.0.2\")",
			 a->tok->str);
	Token *t = xcalloc(1, sizeof(*t));
	*t = *e->tok;
	t->kind = TK_STRING;
	t->str = xcalloc(1, 17);
	memcpy(t->str, b, 16);
	t->slen = 16;
	t->is_bytes = true;
	e->kind = ND_STR;
	e->tok = t;
	return ty_bytes(16);
}
