/* check_map_items.c — a map's first contents, written where it is declared:
 *
 *     blocked: LPMTrie[IPv4, u32] = LPMTrie(max_entries=64,
 *                                           items={(ip4("10.1.0.0"), 16): 1})
 *
 * The items become the body of a probe of pybpf's own, __pyb_init, an XDP
 * program (any map a program may update, an XDP program may: LPM tries
 * too, which @begin, a sleepable syscall program, may not): `m[k] = v` for
 * each item, checked like any other assignment. The loader runs it once
 * with BPF_PROG_TEST_RUN, after the load and before anything is attached,
 * so that the first event already finds the items; it is never attached.
 */
#include "check_int.h"

#include <string.h>

#define INIT_PROBE "__pyb_init"

/* items={k: v, ...} of map m's constructor */
void map_items_declared(Checker *c, MapDecl *m, Node *items)
{
	(void)c;
	if (items->kind != ND_DICT || !items->elts.len)
		error_at(node_loc(items), "items= takes a dict literal of the map's first items: items={key: value, ...}");
	for (int i = 0; i < items->elts.len; i++)
		if (!VEC_AT(items->elts, i))
			error_at(node_loc(items), "items= takes the items themselves, not **mapping");
	if (m->type->map_kind != MAP_HASH && m->type->map_kind != MAP_LRU_HASH && m->type->map_kind != MAP_LPM &&
	    m->type->map_kind != MAP_ARRAY)
		error_at(node_loc(items), "items= fills a Hash, LRUHash, LPMTrie or Array, not a %s", map_kind_names[m->type->map_kind]);
	m->items = items;
}

/* m[k] = v at the item's key */
static Node *item_store(MapDecl *m, Node *k, Node *v)
{
	Node *st = synth_node(ND_ASSIGN, k), *sub = synth_node(ND_SUBSCRIPT, k), *name = synth_node(ND_NAME, k);
	name->name = m->name;
	sub->lhs = name;
	sub->rhs = k;
	vec_push(&st->targets, sub);
	st->value = v;
	return st;
}

/* The probe that stores every map's items, or NULL when no map has any:
 * `def __pyb_init(ctx) -> int: m[k] = v ...; return XDP_PASS`, decorated @xdp */
Node *map_items_probe(Checker *c)
{
	Node *fn = NULL, *at = NULL;
	for (int i = 0; i < c->prog->maps.len; i++) {
		MapDecl *m = VEC_AT(c->prog->maps, i);
		if (!m->items)
			continue;
		if (!fn) {
			at = m->items;
			fn = synth_node(ND_FUNCDEF, at);
			fn->name = INIT_PROBE;
			Node *d = synth_node(ND_NAME, at), *pa = synth_node(ND_PARAM, at);
			d->name = "xdp";
			vec_push(&fn->decorators, d);
			pa->name = "ctx";
			vec_push(&fn->params, pa);
		}
		for (int j = 0; j < m->items->elts.len; j++)
			vec_push(&fn->body, item_store(m, VEC_AT(m->items->elts, j), VEC_AT(m->items->vals, j)));
	}
	if (!fn)
		return NULL;
	Node *ret = synth_node(ND_RETURN, at), *v = synth_node(ND_INT, at);
	Token *t = xcalloc(1, sizeof(*t));
	*t = *at->tok;
	t->kind = TK_INT;
	t->ival = 2;   /* XDP_PASS */
	v->tok = t;
	ret->value = v;
	vec_push(&fn->body, ret);
	scope_add(&c->module, SYM_PROBE, fn->name, fn);
	return fn;
}

bool is_init_probe(const Probe *p)
{
	return !strcmp(p->name, INIT_PROBE);
}
