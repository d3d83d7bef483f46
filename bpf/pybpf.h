/* pybpf.h — the runtime that every generated BPF C file starts with.
 *
 * pybpf embeds this header in its binary and pastes it at the top of each
 * generated file, so `pybpf compile -o x.bpf.c` output is self-contained and
 * clang never opens a system header (compile time matters: no vmlinux.h, no
 * bpf_helper_defs.h). Everything here carries the reserved prefix __pyb_,
 * __PYB_ or is a BPF helper name, so it never clashes with user names (the
 * emitter renames user names that would).
 *
 * Python semantics that need more than one C operator live here, not in the
 * emitter: floor division and modulo, overflow-checked arithmetic, the
 * lookup-or-init atomic add of `d[k] += n`.
 */
#ifndef __PYB_RUNTIME_H
#define __PYB_RUNTIME_H

typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __pyb_always_inline inline __attribute__((always_inline))
#define __pyb_unlikely(x) __builtin_expect(!!(x), 0)

/* BPF map types and flags used by the emitter (uapi/linux/bpf.h values). */
#define __PYB_MAP_HASH 1
#define __PYB_MAP_ARRAY 2
#define __PYB_MAP_PERCPU_HASH 5
#define __PYB_MAP_PERCPU_ARRAY 6
#define __PYB_MAP_LRU_HASH 9
#define __PYB_MAP_LRU_PERCPU_HASH 10
#define __PYB_MAP_QUEUE 22
#define __PYB_MAP_STACK 23
#define __PYB_MAP_BLOOM 30
#define __PYB_MAP_LPM_TRIE 11
#define __PYB_MAP_RINGBUF 27
#define __PYB_MAP_TASK_STORAGE 29
#define __PYB_MAP_CGRP_STORAGE 32
#define __PYB_MAP_SK_STORAGE 24
#define __PYB_MAP_INODE_STORAGE 28
#define __PYB_ANY 0
#define __PYB_NOEXIST 1
#define __PYB_EEXIST 17

/* BPF helpers (numbers from uapi/linux/bpf.h's __BPF_FUNC_MAPPER). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static void *(*bpf_map_lookup_percpu_elem)(void *map, const void *key, __u32 cpu) = (void *)195;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
/* TaskStorage / CgrpStorage / SkStorage items (the flags: BPF_LOCAL_STORAGE_GET_F_CREATE = 1) */
static void *(*bpf_task_storage_get)(void *map, void *task, void *value, __u64 flags) = (void *)156;
static long (*bpf_task_storage_delete)(void *map, void *task) = (void *)157;
static void *(*bpf_cgrp_storage_get)(void *map, void *cgroup, void *value, __u64 flags) = (void *)210;
static long (*bpf_cgrp_storage_delete)(void *map, void *cgroup) = (void *)211;
static void *(*bpf_sk_storage_get)(void *map, void *sk, void *value, __u64 flags) = (void *)107;
static long (*bpf_sk_storage_delete)(void *map, void *sk) = (void *)108;
static void *(*bpf_inode_storage_get)(void *map, void *inode, void *value, __u64 flags) = (void *)145;
static long (*bpf_inode_storage_delete)(void *map, void *inode) = (void *)146;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static __u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static __u64 (*bpf_get_current_uid_gid)(void) = (void *)15;
static long (*bpf_get_current_comm)(void *buf, __u32 size) = (void *)16;
static __u64 (*bpf_get_current_task)(void) = (void *)35;
static void *(*bpf_get_current_task_btf)(void) = (void *)158;
static long (*bpf_get_stackid)(void *ctx, void *map, __u64 flags) = (void *)27;
static long (*bpf_tail_call)(void *ctx, void *prog_array_map, __u32 index) = (void *)12;
static long (*bpf_map_push_elem)(void *map, const void *value, __u64 flags) = (void *)87;
static long (*bpf_map_pop_elem)(void *map, void *value) = (void *)88;
static long (*bpf_map_peek_elem)(void *map, void *value) = (void *)89;
static long (*bpf_for_each_map_elem)(void *map, void *callback_fn, void *callback_ctx, __u64 flags) = (void *)164;
static long (*bpf_probe_read_user)(void *dst, __u32 size, const void *src) = (void *)112;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;
static long (*bpf_probe_read_user_str)(void *dst, __u32 size, const void *src) = (void *)114;
static long (*bpf_probe_read_kernel_str)(void *dst, __u32 size, const void *src) = (void *)115;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;

/* What bpf.loop's callback tells its caller: the exception it did not
 * catch (its slot and class + 1; cls 0: none); and what the caller gives
 * it: the program's context (for kstack(), ctx()) */
struct __pyb_cbx {
	__u32 slot, cls;
	void *ctx;
};

/* Open-coded iterators (kernel 6.4+): `for i in range(...)` counts with
 * one, so the verifier checks the body once, not once per iteration. */
struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __attribute__((weak, section(".ksyms")));
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __attribute__((weak, section(".ksyms")));
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __attribute__((weak, section(".ksyms")));
#define __PYB_MAX_LOOPS (8 * 1024 * 1024)   /* the kernel's BPF_MAX_LOOPS */

/* A dynptr (the kernel's struct bpf_dynptr, 16 opaque bytes) on the BPF
 * stack: a Dynptr local (pyc/check_dynptr.c). */
struct __pyb_dynptr {
	__u64 __opaque[2];
} __attribute__((aligned(8)));

/* Always 0, but the verifier cannot know it: global data is writable. */
volatile __s64 __pyb_opaque_zero SEC(".data") = 0;

/* Eight zero bytes: the first value of a missing key (integer values). */
const volatile __u64 __pyb_zero8 = 0;
/* The first value of d[k] += 1 for a missing key, of any integer size
 * (little-endian: its first 1, 2 or 4 bytes are 1 too). From .rodata the
 * insert takes its address in one instruction, not a store to the stack
 * and its address (four). */
const volatile __u64 __pyb_one8 = 1;
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "pybpf: __pyb_one8 assumes little-endian BPF");

/* ktime_ns(): nanoseconds since boot, below 2**63 for 292 years (the
 * checker takes it as 0 .. 2**63-1 too). Telling clang lets it drop
 * overflow checks that cannot fire, e.g. in ktime_ns() - t with t >= 0. */
static __pyb_always_inline __s64 __pyb_ktime_ns(void)
{
	__s64 t = (__s64)bpf_ktime_get_ns();
	__builtin_assume(t >= 0);
	return t;
}

/* wallclock_ns(): nanoseconds since the epoch, as boot time plus the
 * offset CLOCK_REALTIME - CLOCK_BOOTTIME the loader measured just before
 * load (loader/wallclock.c). A macro: __pyb_wall_offset exists only in
 * programs that use it. */
#define __pyb_wallclock_ns() ((__s64)bpf_ktime_get_boot_ns() + __pyb_wall_offset)

/* len(range(a, b, s)) for s != 0, without overflow. */
static __pyb_always_inline __u64 __pyb_range_len(__s64 a, __s64 b, __s64 s)
{
	if (s > 0)
		return a < b ? ((__u64)b - (__u64)a - 1) / (__u64)s + 1 : 0;
	return a > b ? ((__u64)a - (__u64)b - 1) / (-(__u64)s) + 1 : 0;
}

/* The print channel: one ring buffer for every print() record. Each record
 * starts with a __u64 holding the print site's id; the loader formats it. */
struct {
	__uint(type, __PYB_MAP_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} __pyb_events SEC(".maps");

/* Counters the loader reads and shows -- records that did not fit in a ring
 * buffer, and uncaught exceptions per raise site -- are one array in a
 * section of their own (.bss.pyb), sized by the emitter after the program. */

/* ---- integers: Python's int is a 64-bit signed value here; a result that
 * does not fit raises OverflowError (never wraps silently). -------------- */

/* Floor division and modulo as Python defines them. The caller has ruled
 * out b == 0 and INT64_MIN // -1. BPF before cpu v4 has only unsigned
 * division, so both work on magnitudes. */
static __pyb_always_inline __s64 __pyb_floordiv(__s64 a, __s64 b)
{
	/* a constant b > 0 (a // 1000), without a branch: with s = -1 when
	 * a < 0 (else 0), a ^ s is -a - 1 >= 0 and floor(a / b) is
	 * -((-a - 1) / b) - 1, which is ((a ^ s) / b) ^ s */
	if (__builtin_constant_p(b) && b > 0) {
		__s64 s = a >> 63;
		return (__s64)(((__u64)(a ^ s) / (__u64)b) ^ (__u64)s);
	}
	__u64 ua = a < 0 ? -(__u64)a : (__u64)a;
	__u64 ub = b < 0 ? -(__u64)b : (__u64)b;
	__u64 q = ua / ub;

	if ((a < 0) != (b < 0))
		return (__s64)(-(q + (ua % ub != 0)));
	return (__s64)q;
}

static __pyb_always_inline __s64 __pyb_mod(__s64 a, __s64 b)
{
	/* a constant b > 0 (a % 1000): as above, (-a - 1) % b is m, and
	 * a % b is b - 1 - m, which is (m ^ s) + b */
	if (__builtin_constant_p(b) && b > 0) {
		__s64 s = a >> 63;
		return (__s64)((((__u64)(a ^ s) % (__u64)b) ^ (__u64)s) + ((__u64)s & (__u64)b));
	}
	if (b == -1)
		return 0;
	return (__s64)((__u64)a - (__u64)b * (__u64)__pyb_floordiv(a, b));
}

/* a * b without leaving 64 signed bits: 1 and *res, or 0 on overflow.
 * (__builtin_mul_overflow would need a 128-bit multiply, which BPF lacks.) */
static __pyb_always_inline int __pyb_mul_ok(__s64 a, __s64 b, __s64 *res)
{
	__u64 ua = a < 0 ? -(__u64)a : (__u64)a;
	__u64 ub = b < 0 ? -(__u64)b : (__u64)b;
	__u64 p = ua * ub, all = 0xffffffffffffffffULL;

	*res = (__s64)((__u64)a * (__u64)b);
	/* clang knows "ub > ~0 / ua" for a multiply-overflow test and turns
	 * it into one (a 128-bit multiply): hide the constant from it */
	asm volatile("" : "+r"(all));
	if (ua != 0 && ub > all / ua)
		return 0;
	return (a < 0) != (b < 0) ? p <= 0x8000000000000000ULL : p <= 0x7fffffffffffffffULL;
}

/* Shifts: Python's a << b for 0 <= b; overflow raises (checked by caller
 * through __pyb_shl_ok). a >> b floors (arithmetic shift); b >= 64 gives
 * 0 or -1 as Python would. */
static __pyb_always_inline __s64 __pyb_shr(__s64 a, __s64 b)
{
	return b >= 64 ? (a < 0 ? -1 : 0) : (a >> b);
}

static __pyb_always_inline int __pyb_shl_ok(__s64 a, __s64 b, __s64 *res)
{
	if (a == 0) {
		*res = 0;
		return 1;
	}
	if (b >= 64)
		return 0;
	*res = (__s64)((__u64)a << b);
	return (*res >> b) == a;
}

/* ---- strings: str[N] is a NUL-padded char array of capacity N ---------- */

/* a == b for two bytes[n] (every byte, NULs included). */
static __pyb_always_inline int __pyb_byteseq(const char *a, const char *b, __u32 n)
{
	for (__u32 i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* a == b for two fixed-capacity strings (compares up to the first NUL). */
static __pyb_always_inline int __pyb_streq(const char *a, __u32 na, const char *b, __u32 nb)
{
	__u32 n = na < nb ? na : nb;
	for (__u32 i = 0; i < n; i++) {
		if (a[i] != b[i])
			return 0;
		if (a[i] == 0)
			return 1;
	}
	/* equal over the shorter capacity: the longer one must end there */
	if (na > nb)
		return a[n] == 0;
	if (nb > na)
		return b[n] == 0;
	return 1;
}

/* x in T for a Final tuple T of n items: strs of capacity w (T is n * w
 * bytes) or __s64s. An open-coded iterator, so the verifier checks the
 * body once rather than once per item (a 463-item tuple unrolled passed
 * its million-instruction limit). */
static __pyb_always_inline int __pyb_in_strs(const char *x, __u32 nx, const char *t, __u32 n, __u32 w)
{
	struct bpf_iter_num it;
	int *p, found = 0;
	bpf_iter_num_new(&it, 0, (int)n);
	while ((p = bpf_iter_num_next(&it))) {
		__u32 j = *p;
		if (j >= n)
			break;
		if (__pyb_streq(x, nx, t + j * w, w)) {
			found = 1;
			break;
		}
	}
	bpf_iter_num_destroy(&it);
	return found;
}

static __pyb_always_inline int __pyb_in_s64s(__s64 x, const __s64 *t, __u32 n)
{
	struct bpf_iter_num it;
	int *p, found = 0;
	bpf_iter_num_new(&it, 0, (int)n);
	while ((p = bpf_iter_num_next(&it))) {
		__u32 j = *p;
		if (j >= n)
			break;
		if (t[j] == x) {
			found = 1;
			break;
		}
	}
	bpf_iter_num_destroy(&it);
	return found;
}

static __pyb_always_inline int __pyb_strlen(const char *a, __u32 n)
{
	for (__u32 i = 0; i < n; i++)
		if (a[i] == 0)
			return i;
	return n;
}

/* s.startswith(p) / s.endswith(p) for capacities ns and np */
static __pyb_always_inline int __pyb_startswith(const char *s, __u32 ns, const char *p, __u32 np)
{
	int ls = __pyb_strlen(s, ns), lp = __pyb_strlen(p, np);
	if (lp > ls)
		return 0;
	for (__u32 i = 0; i < np && i < ns; i++)
		if ((int)i < lp && s[i] != p[i])
			return 0;
	return 1;
}

static __pyb_always_inline int __pyb_endswith(const char *s, __u32 ns, const char *p, __u32 np)
{
	int ls = __pyb_strlen(s, ns), lp = __pyb_strlen(p, np);
	if (lp > ls)
		return 0;
	for (__u32 i = 0; i < np && i < ns; i++) {
		__u32 j = (__u32)(ls - lp) + i;
		if ((int)i < lp && (j >= ns || s[j] != p[i]))
			return 0;
	}
	return 1;
}

/* s[a:b] with Python's clipping into out (capacity n, the same as s's),
 * NUL-padded. A missing a is 0 and a missing b is 2**63-1: after clipping
 * they mean what Python's omitted bounds mean. A BPF subprogram, not
 * inlined: its loop would crowd the caller's 512-byte stack. */
static __attribute__((noinline)) int __pyb_slice(char *out, const char *s, __u32 n, __s64 start, __s64 stop)
{
	__s64 len = __pyb_strlen(s, n);
	if (start < 0) {
		start += len;
		if (start < 0)
			start = 0;
	}
	if (start > len)
		start = len;
	if (stop < 0) {
		stop += len;
		if (stop < 0)
			stop = 0;
	}
	if (stop > len)
		stop = len;
	for (__u32 i = 0; i < n; i++) {
		__u64 j = (__u64)start + i;
		out[i] = (__s64)i < stop - start && j < n ? s[j] : 0;
	}
	return 0;
}

/* ---- maps --------------------------------------------------------------- */

/* The truth value of a condition that can jump out of itself (a raise
 * site in a try body). Without the empty asm, clang merges the branch into
 * the paths that jumped away, as one "or" of conditions; on those paths it
 * reads a statement expression's value that was never written (a temporary
 * it carries around a loop), and the verifier rejects "R8 !read_ok". */
static __pyb_always_inline int __pyb_cond(int c)
{
	asm volatile("" : "+r"(c));
	return c;
}

/* k in d: 1 when the lookup found a value. The 0/1 goes through an empty
 * asm, so clang cannot fold the pointer itself into later arithmetic (e.g.
 * `(p != 0) == x` as `(p | y) == 0`): the verifier forbids any arithmetic
 * on a pointer that may be NULL. */
static __pyb_always_inline int __pyb_found(const void *p)
{
	int r = p != 0;
	asm volatile("" : "+r"(r));
	return r;
}

/* d[k] of a defaultdict: the value, inserting zero (from zero, at least the
 * value size of zero bytes) when the key is missing; NULL when the map is
 * full. A BPF subprogram: inlined, clang would thread its branches into
 * paths the verifier cannot tell apart from real ones. */
static __attribute__((noinline)) void *__pyb_lookup_or_init(void *map, const void *key, const void *zero)
{
	void *v = bpf_map_lookup_elem(map, key);
	long err;
	if (v)
		return v;
	err = bpf_map_update_elem(map, key, zero, __PYB_NOEXIST);
	if (err && err != -__PYB_EEXIST)
		return 0;
	return bpf_map_lookup_elem(map, key);
}

/* The slow half of an aggregation's lookup-or-init: insert zero (from
 * zero) and look the key up again (NULL: the map is full; -EEXIST, another
 * CPU inserted it first, is fine). A BPF subprogram, shared by every
 * aggregation of a probe: the fast path (the key is there) stays inline. */
static __attribute__((noinline)) void *__pyb_insert(void *map, const void *key, const void *zero)
{
	bpf_map_update_elem(map, key, zero, __PYB_NOEXIST);
	return bpf_map_lookup_elem(map, key);
}

/* d[k] += n with lookup-or-init: the add is atomic (32- and 64-bit values;
 * 8- and 16-bit values are read-modify-write). Returns 0, or 1 when the map
 * is full, or 2 when the new value does not fit the value type. As in
 * CPython, the item then keeps its old value (an atomic add is undone), and
 * a missing key has been inserted with 0 (the defaultdict read). */
#define __PYB_DEFINE_MAP_ADD(T, LO, HI)                                             \
static __pyb_always_inline int __pyb_map_add_##T(void *map, const void *key, __s64 d) \
{                                                                                     \
	__##T *v = bpf_map_lookup_elem(map, key);                                     \
	__##T init;                                                                   \
	long err;                                                                     \
	if (!v) {                                                                     \
		int fits = !(d < (__s64)(LO) || (HI >= 0 && d > (__s64)(HI)));       \
		init = fits ? (__##T)d : 0;                                           \
		err = bpf_map_update_elem(map, key, __builtin_constant_p(d) && d == 1 \
					  ? (const void *)&__pyb_one8 : (const void *)&init, \
					  __PYB_NOEXIST);                                     \
		if (err == 0)                                                         \
			return fits ? 0 : 2;                                          \
		/* -EEXIST: another CPU inserted it first; any other error is a  \
		 * full map, unless another CPU has inserted it since */         \
		v = bpf_map_lookup_elem(map, key);                                    \
		if (!v)                                                               \
			return 1;                                                     \
	}                                                                             \
	return __pyb_ptr_add_##T(v, d);                                               \
}

/* x += d on a u64 is x = x + d with Python ints under pybpf's rule: x is
 * read as an int (above 2**63-1 it is not one) and the sum must be an int
 * too, then fit u64: so it lies in 0 .. 2**63-1. */
static __pyb_always_inline int __pyb_add_fits_u64(__u64 old, __s64 d)
{
	__s64 r;
	/* a constant d >= 0 (x += 1): one signed compare. old <= 2**63-1-d
	 * gives a sum in d .. 2**63-1; a larger old wraps the sum (mod 2**64)
	 * to 2**63 .. 2**64-1 (negative) or to 0 .. d-1, both below d.
	 * (The empty asm keeps clang from turning it back into an unsigned
	 * compare with 2**63-1-d, a 64-bit constant: two more instructions.) */
	if (__builtin_constant_p(d) && d >= 0) {
		__u64 sum = old + (__u64)d;
		asm("" : "+r"(sum));
		return (__s64)sum >= d;
	}
	if (old > 0x7fffffffffffffffULL)
		return 0;
	if (__builtin_add_overflow((__s64)old, d, &r))
		return 0;
	return r >= 0;
}
static __pyb_always_inline int __pyb_add_fits_s64(__s64 old, __s64 d)
{
	__s64 r;
	return !__builtin_add_overflow(old, d, &r);
}
#define __PYB_DEFINE_ADD_FITS(T, LO, HI)                                       \
static __pyb_always_inline int __pyb_add_fits_##T(__##T old, __s64 d)         \
{                                                                        \
	__s64 r;                                                         \
	if (__builtin_add_overflow((__s64)old, d, &r))                   \
		return 0;                                                \
	return r >= (LO) && r <= (HI);                                   \
}
__PYB_DEFINE_ADD_FITS(u32, 0, 4294967295LL)
__PYB_DEFINE_ADD_FITS(s32, -2147483648LL, 2147483647LL)
__PYB_DEFINE_ADD_FITS(u16, 0, 65535)
__PYB_DEFINE_ADD_FITS(s16, -32768, 32767)
__PYB_DEFINE_ADD_FITS(u8, 0, 255)
__PYB_DEFINE_ADD_FITS(s8, -128, 127)

/* *v += d on a map item v: d[k] += n once the item is found or inserted,
 * and s[t] += d on the item v of a TaskStorage / CgrpStorage (from
 * bpf_task_storage_get with BPF_LOCAL_STORAGE_GET_F_CREATE: zero when it
 * was missing): 0, 1 when v is NULL (no memory for it), 2 when the sum
 * does not fit (the item keeps its old value: an atomic add is undone). */
#define __PYB_DEFINE_PTR_ADD(T, ATOMIC)                                            \
static __pyb_always_inline int __pyb_ptr_add_##T(__##T *v, __s64 d)               \
{                                                                                 \
	__##T old;                                                                \
	if (!v)                                                                   \
		return 1;                                                         \
	if (ATOMIC) {                                                             \
		old = __sync_fetch_and_add(v, (__##T)d);                          \
		if (__pyb_add_fits_##T(old, d))                                   \
			return 0;                                                 \
		__sync_fetch_and_add(v, (__##T)0 - (__##T)d);   /* undone */  \
		return 2;                                                         \
	}                                                                         \
	old = *v;                                                                 \
	if (!__pyb_add_fits_##T(old, d))                                          \
		return 2;                                                         \
	*v = (__##T)(old + d);                                                    \
	return 0;                                                                 \
}
__PYB_DEFINE_PTR_ADD(u64, 1)
__PYB_DEFINE_PTR_ADD(s64, 1)
__PYB_DEFINE_PTR_ADD(u32, 1)
__PYB_DEFINE_PTR_ADD(s32, 1)
__PYB_DEFINE_PTR_ADD(u16, 0)
__PYB_DEFINE_PTR_ADD(u8, 0)
__PYB_DEFINE_PTR_ADD(s16, 0)
__PYB_DEFINE_PTR_ADD(s8, 0)

__PYB_DEFINE_MAP_ADD(u64, 0, -1)
__PYB_DEFINE_MAP_ADD(s64, (-9223372036854775807LL - 1), -1)
__PYB_DEFINE_MAP_ADD(u32, 0, 4294967295LL)
__PYB_DEFINE_MAP_ADD(s32, -2147483648LL, 2147483647LL)
__PYB_DEFINE_MAP_ADD(u16, 0, 65535)
__PYB_DEFINE_MAP_ADD(s16, -32768, 32767)
__PYB_DEFINE_MAP_ADD(u8, 0, 255)
__PYB_DEFINE_MAP_ADD(s8, -128, 127)

/* ---- aggregations (per-CPU map values; the loader merges the CPUs) ------ */

struct __pyb_stats {
	__s64 count, sum, min, max;
};

/* Stats, Min, Max, Avg: 0 when the sum would leave 64 bits */
static __pyb_always_inline int __pyb_stats_add(void *p, __s64 x)
{
	struct __pyb_stats *s = p;
	__s64 sum;
	if (__builtin_add_overflow(s->sum, x, &sum))
		return 0;
	s->sum = sum;
	s->count += 1;
	if (s->count == 1 || x < s->min)
		s->min = x;
	if (s->count == 1 || x > s->max)
		s->max = x;
	return 1;
}

/* Hist: slot 0 for x < 0, 1 for 0, 2 + floor(log2(x)) for x > 0 */
static __pyb_always_inline __u32 __pyb_hist_slot(__s64 x)
{
	__u64 v = (__u64)x;
	__u32 r = 0;
	if (x < 0)
		return 0;
	if (x == 0)
		return 1;
	__u64 hi = v >> 32;
	/* clang would test v > 0xffffffff: a 64-bit constant, twice */
	asm("" : "+r"(hi));
	/* the empty asm volatile keeps each step a branch around two
	 * instructions: as selects, clang tests every condition twice */
	if (hi) { v = hi; r = 32; asm volatile(""); }
	if (v >> 16) { v >>= 16; r += 16; asm volatile(""); }
	if (v >> 8) { v >>= 8; r += 8; asm volatile(""); }
	if (v >> 4) { v >>= 4; r += 4; asm volatile(""); }
	if (v >> 2) { v >>= 2; r += 2; asm volatile(""); }
	if (v >> 1) { r += 1; asm volatile(""); }
	__builtin_assume(r <= 63);   /* so the caller's slot < 66 test goes */
	return 2 + r;
}

/* ---- SortedList[T]: the kernel's BPF red-black tree ------------------------
 * Each list is a root and the spin lock that guards it, in a data section of
 * their own (the verifier wants both in one map value), and the number of
 * items. Nodes come from bpf_obj_new; the kernel frees what is left in the
 * tree with the map. */
#ifdef __PYB_USDT   /* only with a @usdt probe */
/* USDT arguments. libbpf's bpf_program__attach_usdt parses each note's
 * argument specs in user space, writes them into __bpf_usdt_specs (one
 * entry per distinct spec, the entry's index the link's BPF cookie) and
 * handles semaphores and PIE/shared-library addresses. It finds the two
 * maps by name, so their names, types and sizes are an interface with
 * libbpf's usdt.c (its struct usdt_spec / struct usdt_arg_spec); the maps
 * of a pybpf object are these, and the reading below is pybpf's. */
enum __pyb_usdt_arg_type { __PYB_USDT_CONST, __PYB_USDT_REG, __PYB_USDT_REG_DEREF };
struct __bpf_usdt_arg_spec {
	__u64 val_off;                   /* the constant, or the offset from the register */
	enum __pyb_usdt_arg_type arg_type;
	short reg_off;                   /* offsetof(struct pt_regs, the register) */
	_Bool arg_signed;
	char arg_bitshift;               /* 64 - 8 * size */
};
#define __PYB_USDT_MAX_ARGS 12
struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[__PYB_USDT_MAX_ARGS];
	__u64 usdt_cookie;
	short arg_cnt;
};
_Static_assert(sizeof(struct __bpf_usdt_spec) == 208, "libbpf's struct usdt_spec");
struct {
	__uint(type, __PYB_MAP_ARRAY);
	__uint(max_entries, 256);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps");
struct {   /* used by libbpf only on kernels without BPF cookies (before 5.15) */
	__uint(type, __PYB_MAP_HASH);
	__uint(max_entries, 1024);
	__type(key, long);
	__type(value, __u32);
} __bpf_usdt_ip_to_spec_id SEC(".maps");
static __u64 (*bpf_get_attach_cookie)(void *ctx) = (void *)174;

/* Argument i of the note that fired, widened by its size and sign as the
 * spec says; *err is set when a memory operand cannot be read (or the
 * link carries no spec). */
static __pyb_always_inline __s64 __pyb_usdt_arg(void *ctx, __u32 i, int *err)
{
	int id = (int)bpf_get_attach_cookie(ctx);
	struct __bpf_usdt_spec *spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &id);
	struct __bpf_usdt_arg_spec *a;
	__u64 v = 0;

	*err = 1;
	if (!spec || i >= __PYB_USDT_MAX_ARGS || i >= (__u32)spec->arg_cnt)
		return 0;
	a = &spec->args[i];
	if (a->arg_type == __PYB_USDT_CONST) {
		v = a->val_off;
	} else {
		if (a->reg_off < 0 || a->reg_off > 160 || bpf_probe_read_kernel(&v, sizeof(v), (char *)ctx + a->reg_off))
			return 0;
		if (a->arg_type == __PYB_USDT_REG_DEREF && bpf_probe_read_user(&v, sizeof(v), (void *)(v + a->val_off)))
			return 0;
	}
	*err = 0;
	v <<= (a->arg_bitshift & 63);
	return a->arg_signed ? (__s64)v >> (a->arg_bitshift & 63) : (__s64)(v >> (a->arg_bitshift & 63));
}
#endif /* __PYB_USDT */

#ifdef __PYB_RBTREE   /* only with a SortedList: vmlinux.h declares these types too */
struct bpf_spin_lock { __u32 val; };
struct bpf_rb_root { __u64 __opaque[2]; } __attribute__((aligned(8)));
struct bpf_rb_node { __u64 __opaque[4]; } __attribute__((aligned(8)));
extern void *bpf_obj_new_impl(__u64 local_type_id, void *meta) __attribute__((weak, section(".ksyms")));
extern void bpf_obj_drop_impl(void *kptr, void *meta) __attribute__((weak, section(".ksyms")));
extern int bpf_rbtree_add_impl(struct bpf_rb_root *root, struct bpf_rb_node *node,
			       int (less)(struct bpf_rb_node *a, const struct bpf_rb_node *b), void *meta,
			       __u64 off) __attribute__((weak, section(".ksyms")));
extern struct bpf_rb_node *bpf_rbtree_first(struct bpf_rb_root *root) __attribute__((weak, section(".ksyms")));
extern struct bpf_rb_node *bpf_rbtree_remove(struct bpf_rb_root *root,
					     struct bpf_rb_node *node) __attribute__((weak, section(".ksyms")));
static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *)93;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *)94;
#define __pyb_container_of(p, type, member) ((type *)((void *)(p) - __builtin_offsetof(type, member)))
#define __PYB_SL_DATA(N) __attribute__((section(".data.sl_" #N), used, visibility("hidden"), aligned(8)))

/* N: the list's C name; T: its item type; MAX: max_entries.
 * add: 0, or -1 when full (MAX items, or no memory).
 * take: the smallest item (removed when pop), or -1 when empty. */
#define __PYB_SORTEDLIST(N, T, MAX)                                                                        \
	struct __pyb_sln_##N { T key; struct bpf_rb_node rb; };                                           \
	__PYB_SL_DATA(N) struct bpf_spin_lock __pyb_sl_lock_##N;                                         \
	__PYB_SL_DATA(N) struct bpf_rb_root __pyb_sl_root_##N                                              \
		__attribute__((btf_decl_tag("contains:__pyb_sln_" #N ":rb")));                            \
	__PYB_SL_DATA(N) __s64 __pyb_sl_len_##N;                                                          \
	static int __pyb_sl_less_##N(struct bpf_rb_node *a, const struct bpf_rb_node *b)                 \
	{                                                                                                   \
		return __pyb_container_of(a, struct __pyb_sln_##N, rb)->key <                            \
		       __pyb_container_of(b, struct __pyb_sln_##N, rb)->key;                             \
	}                                                                                                   \
	static inline __attribute__((always_inline)) int __pyb_sl_add_##N(T v)                                                  \
	{                                                                                                   \
		struct __pyb_sln_##N *n = bpf_obj_new_impl(__builtin_btf_type_id(*(struct __pyb_sln_##N *)0, 0), 0); \
		if (!n)                                                                                     \
			return -1;                                                                          \
		n->key = v;                                                                                 \
		bpf_spin_lock(&__pyb_sl_lock_##N);                                                         \
		if (__pyb_sl_len_##N >= (MAX)) {                                                           \
			bpf_spin_unlock(&__pyb_sl_lock_##N);                                               \
			bpf_obj_drop_impl(n, 0);                                                            \
			return -1;                                                                          \
		}                                                                                           \
		bpf_rbtree_add_impl(&__pyb_sl_root_##N, &n->rb, __pyb_sl_less_##N, 0, 0);                \
		__pyb_sl_len_##N++;                                                                         \
		bpf_spin_unlock(&__pyb_sl_lock_##N);                                                       \
		return 0;                                                                                   \
	}                                                                                                   \
	static inline __attribute__((always_inline)) int __pyb_sl_take_##N(T *out, int pop)                                    \
	{                                                                                                   \
		struct bpf_rb_node *f;                                                                      \
		struct __pyb_sln_##N *n;                                                                    \
		bpf_spin_lock(&__pyb_sl_lock_##N);                                                         \
		f = bpf_rbtree_first(&__pyb_sl_root_##N);                                                  \
		if (!f) {                                                                                   \
			bpf_spin_unlock(&__pyb_sl_lock_##N);                                               \
			return -1;                                                                          \
		}                                                                                           \
		if (!pop) {                                                                                 \
			*out = __pyb_container_of(f, struct __pyb_sln_##N, rb)->key;                       \
			bpf_spin_unlock(&__pyb_sl_lock_##N);                                               \
			return 0;                                                                           \
		}                                                                                           \
		f = bpf_rbtree_remove(&__pyb_sl_root_##N, f);                                              \
		if (f)                                                                                      \
			__pyb_sl_len_##N--;                                                                 \
		bpf_spin_unlock(&__pyb_sl_lock_##N);                                                       \
		if (!f)                                                                                     \
			return -1;                                                                          \
		n = __pyb_container_of(f, struct __pyb_sln_##N, rb);                                       \
		*out = n->key;                                                                              \
		bpf_obj_drop_impl(n, 0);                                                                    \
		return 0;                                                                                   \
	}
#endif /* __PYB_RBTREE */

#endif /* __PYB_RUNTIME_H */
