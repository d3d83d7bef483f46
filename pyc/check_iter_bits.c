/* check_iter_bits.c — for b in bpf_iter_bits(words, nr_words): the set bits.
 *
 * The kernel's bit iterator (bpf_iter_bits_new(it, const u64 *unsafe_ptr__ign,
 * u32 nr_words)) copies nr_words 64-bit words with a fault-safe read (so
 * the verifier ignores the pointer) and gives the index of each set bit,
 * lowest first, bit j of word i being index 64 * i + j. pybpf's words are
 * an int -- its 64 bits, two's complement, as `v & (2**64 - 1)` has them --
 * or a bytes[8*K] value, K little-endian words (a local, a Struct's
 * field). nr_words counts the words read, 0 to K: a constant
 * outside is a compile-time error, a value outside raises ValueError (the
 * kernel would read past the words); 0 words have no bits. More than one
 * word is copied into memory the kernel allocates, and its failure
 * (-ENOMEM) raises OSError as a kfunc's errno does. The for loop itself
 * (_new, _next, _destroy on every way out) is check_for_kfunc_iter's.
 */
#include "check_int.h"

/* How many 64-bit words a bpf_iter_bits words value of type t holds, or 0 */
int iter_bits_words(Type *t)
{
	if (is_intlike(t))
		return 1;
	return t->kind == TY_BYTES && t->size > 0 && t->size % 8 == 0 ? t->size / 8 : 0;
}

void check_iter_bits_args(Checker *c, Node *it)
{
	Node *w = VEC_AT(it->elts, 0), *nr = VEC_AT(it->elts, 1);
	Type *t = check_expr(c, w);
	int k = iter_bits_words(t);
	int64_t v;

	if (!k)
		error_at(node_loc(w), "the words of bpf_iter_bits must be an int (one 64-bit word) or a bytes[8*K] value "
			 "(K little-endian 64-bit words), not %s", ty_name(t));
	need_int(c, nr, "argument 'nr_words' of bpf_iter_bits");
	if (const_int(c, nr, &v) && (v < 0 || v > k))
		error_at(node_loc(nr), "bpf_iter_bits reads %lld words, but its words (%s) hold %d: nr_words must be 0 to %d",
			 (long long)v, ty_name(t), k, k);
	it->raise = new_raise(c, it, "ValueError");   /* nr_words outside 0..K */
	new_raise(c, it, "OSError");                  /* bpf_iter_bits_new's -ENOMEM */
}
