/* emit_packet.c — the C of the packet path (pyc/check_packet.c checked
 * it): the context's data and data_end, the bounds check of each header
 * where it is taken, len(pkt), pkt[a:b] and a context field.
 *
 * The context fields are read through volatile u32 pointers: the
 * verifier allows only a 4-byte load of each, which clang could
 * otherwise merge (data and data_end are neighbours in xdp_md). */
#include "pyc.h"
#include "btf.h"

#include <string.h>

/* bpf_skb_load_bytes (BPF_FUNC_skb_load_bytes, 26), as bpf_helper_defs.h declares it */
#define SKB_LOAD_BYTES "((long (*)(const void *, __u32, void *, __u32))26)"

static int ctx_offset(KBtf *k, const char *kind, const char *field)
{
	KField kf;
	int id = kbtf_find_struct(k, !strcmp(kind, "xdp") ? "xdp_md" : "__sk_buff");
	if (id < 0 || kbtf_member(k, id, field, &kf) < 0)
		ICE("no %s in the context of %s", field, kind);
	return kf.bit_off / 8;
}

/* A bitfield of a header, read as the byte it lies in (x86: the first
 * field the lowest bits): a header is a wire format, which no kernel
 * relocates, and the byte, shift and mask are what C writes by hand where
 * the CO-RE bitfield read takes six instructions more. NULL when the
 * field spans bytes. */
char *packet_bitfield(const char *base, const KField *kf)
{
	if (kf->bit_off / 8 != (kf->bit_off + kf->bit_size - 1) / 8)
		return NULL;
	return xasprintf("((__s64)((*((const __u8 *)(%s) + %u) >> %u) & 0x%x))", base, kf->bit_off / 8, kf->bit_off % 8,
			 (1u << kf->bit_size) - 1);
}

/* The word count (ihl, doff) of the header at base, as the bitfield read above */
static char *word_count(KEmit *ke, const char *base, const KField *step)
{
	char *r = packet_bitfield(base, step);
	return r ? r : (char *)kemit_bitfield_read(ke, base, step->name);
}

/* ((void *)(long)ctx->data) and ->data_end, as packet pointers */
char *packet_data(KBtf *k, const char *kind, bool end)
{
	return xasprintf("((void *)(long)*(volatile __u32 *)((char *)ctx + %d))", ctx_offset(k, kind, end ? "data_end" : "data"));
}

/* ctx.FIELD (size bytes at byte offset off) */
char *packet_ctx_read(int off, int size)
{
	return xasprintf("((__s64)*(volatile __u%d *)((char *)ctx + %d))", size * 8, off);
}

/* pkt.header(T) (prev NULL) or pkt.header(T, after=prev): h a fresh
 * name, id T's BTF id, prev_id prev's; step the bitfield that
 * counts prev's 32-bit words (ihl, doff), or NULL for its size; bad
 * raises ValueError (a word count below 5), shrt IndexError; end: where
 * the packet ends (pkt's local, read when pkt was taken) */
char *packet_header(KEmit *ke, const char *kind, KBtf *k, const char *h, int id, const char *prev, int prev_id,
		    const KField *step, const char *bad, const char *shrt, const char *end)
{
	Str s = {0};
	KInfo hi, pi;
	const char *ctype = kemit_c_type(ke, id), *prev_ctype = prev ? kemit_c_type(ke, prev_id) : NULL;
	/* sizes from BTF: the C declares only the members used */
	kbtf_info(k, id, &hi);
	if (prev)
		kbtf_info(k, prev_id, &pi);
	str_printf(&s, "({ %s *%s; ", ctype, h);
	if (!prev)
		str_printf(&s, "%s = %s; ", h, packet_data(k, kind, false));
	else if (!step)
		str_printf(&s, "%s = (void *)((char *)(%s) + %d); ", h, prev, pi.size);
	else
		str_printf(&s, "{ %s *__hp = (%s *)(%s); __u64 __n = %s; if (__n < 5) %s %s = (void *)((char *)__hp + __n * 4); } ",
			   prev_ctype, prev_ctype, prev, word_count(ke, "__hp", step), bad, h);
	str_printf(&s, "if ((void *)((char *)%s + %d) > %s) %s %s; })", h, hi.size, end, shrt, h);
	return s.buf;
}

/* A socket filter's header copy of n bytes keeps its offset at this
 * (aligned) byte: its buffer has 4 bytes more than the header, and up to
 * 3 of padding before them */
#define SLOT(n) (((n) + 3) & ~3)

/* A socket filter's pkt.header(T, after=prev) (it may not read the packet
 * in place): a copy of T's bytes in buf, read with bpf_skb_load_bytes;
 * buf also keeps, after the copy, where the header starts, which a later
 * header after it and pkt.offset(h) read. */
char *socket_header(KEmit *ke, KBtf *k, const char *buf, int id, const char *prev, int prev_id, const KField *step,
		    const char *bad, const char *shrt)
{
	Str s = {0};
	KInfo hi, pi;
	kbtf_info(k, id, &hi);
	str_printf(&s, "({ __u32 __o = 0; ");
	if (prev) {
		kbtf_info(k, prev_id, &pi);
		const char *pct = kemit_c_type(ke, prev_id);
		str_printf(&s, "{ %s *__hp = (%s *)(%s); __o = *(__u32 *)((char *)__hp + %d); ", pct, pct, prev, SLOT(pi.size));
		if (step)
			str_printf(&s, "__u64 __n = %s; if (__n < 5) %s __o += __n * 4; } ", word_count(ke, "__hp", step), bad);
		else
			str_printf(&s, "__o += %d; } ", pi.size);
	}
	str_printf(&s, "if (" SKB_LOAD_BYTES "(ctx, __o, %s, %d)) %s *(__u32 *)(%s + %d) = __o; (%s *)%s; })", buf, hi.size, shrt, buf,
		   SLOT(hi.size), kemit_c_type(ke, id), buf);
	return s.buf;
}

/* pkt.offset(h): where header h (of BTF struct id) starts in the packet */
char *packet_offset(KBtf *k, const char *kind, const char *h, int id)
{
	KInfo in;
	if (!strcmp(kind, "socket_filter")) {   /* kept after the copy */
		kbtf_info(k, id, &in);
		return xasprintf("((__s64)*(__u32 *)((char *)(%s) + %d))", h, SLOT(in.size));
	}
	/* both are packet pointers: their difference is a number */
	return xasprintf("((__s64)((char *)(%s) - (char *)%s))", h, packet_data(k, kind, false));
}

/* len(pkt) */
char *packet_len(KBtf *k, const char *kind)
{
	if (!strcmp(kind, "socket_filter"))   /* the skb's length: the filter reads past its linear part too */
		return xasprintf("((__s64)*(volatile __u32 *)((char *)ctx + %d))", ctx_offset(k, kind, "len"));
	return xasprintf("((__s64)(%s - %s))", packet_data(k, kind, true), packet_data(k, kind, false));
}

/* pkt[a:b] into buf (b - a bytes) */
char *packet_slice(KBtf *k, const char *kind, const char *buf, int a, int n, const char *shrt)
{
	if (!strcmp(kind, "socket_filter"))
		return xasprintf("({ if (" SKB_LOAD_BYTES "(ctx, %d, %s, %d)) %s (const char *)%s; })", a, buf, n, shrt, buf);
	return xasprintf("({ char *__s = (char *)%s + %d; if ((void *)(__s + %d) > %s) %s __builtin_memcpy(%s, __s, %d); "
			 "(const char *)%s; })", packet_data(k, kind, false), a, n, packet_data(k, kind, true), shrt, buf, n, buf);
}

static int moff(KBtf *k, const char *sname, const char *field)
{
	KField kf;
	int id = kbtf_find_struct(k, sname);
	if (id < 0 || kbtf_member(k, id, field, &kf) < 0)
		ICE("no %s in struct %s", field, sname);
	return kf.bit_off / 8;
}

/* fib = ctx.fib_lookup(ip, flags): buf (a struct bpf_fib_lookup's bytes,
 * alive as long as the probe) filled from IPv4 header ip and the
 * interface the packet came in on, looked up (bpf_fib_lookup,
 * BPF_FUNC_fib_lookup 69); NULL unless the kernel found where to forward it */
char *packet_fib_lookup(KBtf *k, const char *kind, const char *buf, const char *ip, const char *flags, const char *os_raise)
{
	KInfo in;
	const char *F = "bpf_fib_lookup";
	kbtf_info(k, kbtf_find_struct(k, F), &in);
	return xasprintf("({ char *__f = (char *)%s; const char *__ip = (const char *)(%s); __builtin_memset(__f, 0, %d); "
			 "*(__u8 *)(__f + %d) = 2; *(__u8 *)(__f + %d) = *(const __u8 *)(__ip + %d); "
			 "*(__u16 *)(__f + %d) = __builtin_bswap16(*(const __u16 *)(__ip + %d)); "
			 "*(__u8 *)(__f + %d) = *(const __u8 *)(__ip + %d); "
			 "*(__u32 *)(__f + %d) = *(const __u32 *)(__ip + %d); *(__u32 *)(__f + %d) = *(const __u32 *)(__ip + %d); "
			 "*(__u32 *)(__f + %d) = *(volatile __u32 *)((char *)ctx + %d); "
			 "long __fr = ((long (*)(void *, void *, int, __u32))69)(ctx, __f, %d, (__u32)(%s)); "
			 "if (__fr < 0) %s (struct bpf_fib_lookup *)(__fr == 0 ? __f : 0); })",
			 buf, ip, in.size, moff(k, F, "family"), moff(k, F, "l4_protocol"), moff(k, "iphdr", "protocol"),
			 moff(k, F, "tot_len"), moff(k, "iphdr", "tot_len"), moff(k, F, "tos"), moff(k, "iphdr", "tos"),
			 moff(k, F, "ipv4_src"), moff(k, "iphdr", "saddr"), moff(k, F, "ipv4_dst"), moff(k, "iphdr", "daddr"),
			 moff(k, F, "ifindex"), ctx_offset(k, kind, !strcmp(kind, "xdp") ? "ingress_ifindex" : "ifindex"), in.size,
			 flags, os_raise);
}
