/* parse.c — recursive-descent parser for Python 3.11's statement and
 * expression grammar (the token list comes from lex.c).
 *
 * Each parse function carries its grammar rule in a comment. The grammar is
 * the whole of 3.11 except the 'match' statement, which is recognized (the
 * soft keyword at the start of a statement whose line ends with ':') and
 * rejected with "the 'match' statement is not supported in pybpf".
 *
 * Syntax errors use CPython's wording where reasonable, including the
 * assignment-target checks ("cannot assign to function call here. Maybe you
 * meant '==' instead of '='?") and a few compile-time checks CPython does
 * after parsing (duplicate parameters, several starred targets, a default
 * 'except:' that is not last). Nesting is capped at MAX_DEPTH so no input
 * can overflow the C stack.
 *
 * AST conventions beyond pyc.h: ND_HANDLER keeps the exception type in
 * value; ND_GLOBAL/ND_NONLOCAL put their ND_NAMEs in both names and elts;
 * ND_CLASSDEF bases are in elts and keywords in vals; ND_DEL has one target
 * per comma-separated item; a self-documenting f-string field {x=} gets the
 * literal part "x=" before it and conv 'r' when it has neither !conv nor
 * :spec (as CPython does).
 */
#include "pyc.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 300           /* recursion of the parser */
#define MAX_HEIGHT 2500         /* height of an expression tree */

/* ORDER NodeKind */
const char *const node_names[ND__COUNT] = {
	"Name", "Int", "Str", "FString",
	"True", "False", "None", "Ellipsis",
	"Attribute", "Subscript", "Slice", "Call", "Keyword", "BinOp", "UnaryOp",
	"BoolOp", "Compare", "IfExp", "Lambda",
	"Tuple", "List", "Set",
	"Dict",
	"ListComp", "SetComp", "GeneratorExp",
	"DictComp",
	"comprehension",
	"Starred", "NamedExpr", "Yield", "Await",
	"Expr", "Assign", "AugAssign", "AnnAssign", "If", "While", "For",
	"Break", "Continue", "Pass",
	"Return", "FunctionDef", "Param", "ClassDef", "Import", "ImportFrom", "alias",
	"Global", "Nonlocal",
	"Delete", "Assert", "Raise", "Try", "ExceptHandler", "With", "withitem",
	"Match", "Module",
};

static Token *tok;              /* the current token */
static Token *prev;             /* the last token consumed */
static int depth;               /* expression nesting */
static bool no_in;              /* parsing a for target: 'in' ends it */
static const char *prefix = ""; /* "f-string: " inside a replacement field */

static bool starts_expr(Token *t);
static Node *expression(void);
static Node *named_expression(void);
static Node *star_expressions(void);
static Node *star_named_expression(void);
static Node *bitwise_or(void);
static Node *disjunction(void);
static Node *yield_expr(void);
static void statement(Vec *body);
static void simple_stmts(Vec *body);

/* ---- helpers ----------------------------------------------------------- */

static void advance(void)
{
	prev = tok;
	if (tok->next)
		tok = tok->next;
}

static bool at(TokKind k)
{
	return tok->kind == k;
}

static bool accept(TokKind k)
{
	if (tok->kind != k)
		return false;
	advance();
	return true;
}

static _Noreturn void syntax_error(Token *t)
{
	error_at(t->loc, "%sinvalid syntax", prefix);
}

static Token *expect(TokKind k)
{
	Token *t = tok;

	if (!accept(k)) {
		if (k == TK_COLON || k == TK_LPAR)
			error_at(tok->loc, "%sexpected %s", prefix, tok_names[k]);
		if ((k == TK_RPAR || k == TK_RSQB || k == TK_RBRACE) && starts_expr(tok) &&
		    tok->kind != TK_STAR)
			error_at(tok->loc, "%sinvalid syntax. Perhaps you forgot a comma?", prefix);
		syntax_error(tok);
	}
	return t;
}

static Token *expect_name(void)
{
	Token *t = tok;

	if (!accept(TK_NAME))
		syntax_error(tok);
	return t;
}

static Node *new_node(NodeKind kind, Token *t)
{
	Node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->tok = t;
	n->loc = t->loc;
	return n;
}

/* A node starting where another one starts (binary operators, trailers). */
static Node *new_node_at(NodeKind kind, Node *first)
{
	Node *n = new_node(kind, first->tok);

	n->loc = first->loc;
	return n;
}

static int height_of(Node *n)
{
	return n ? n->height : 0;
}

static int vec_height(Vec *v, int h)
{
	for (int i = 0; i < v->len; i++)
		if (height_of(VEC_AT(*v, i)) > h)
			h = height_of(VEC_AT(*v, i));
	return h;
}

/* Extend n's span to the end of the last token consumed, and compute the
 * height of the expression tree: long operator chains like 1+1+...+1 nest
 * to the left without recursing here, but would make later passes recurse
 * (CPython rejects them too, with a RecursionError). */
static Node *finish(Node *n)
{
	int h = 0;

	if (prev && prev->loc.file == n->loc.file && prev->loc.p >= n->loc.p)
		n->loc.len = (int)(prev->loc.p + prev->loc.len - n->loc.p);
	Node *one[] = { n->lhs, n->rhs, n->third, n->test, n->value, n->target,
			n->iter, n->annotation };
	for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		if (height_of(one[i]) > h)
			h = height_of(one[i]);
	h = vec_height(&n->elts, h);
	h = vec_height(&n->vals, h);
	h = vec_height(&n->comps, h);
	h = vec_height(&n->params, h);
	for (int i = 0; i < n->nfparts; i++)
		if (height_of(n->fparts[i].expr) > h)
			h = height_of(n->fparts[i].expr);
	n->height = h + 1;
	if (n->height > MAX_HEIGHT)
		error_at(n->tok->loc, "expression nested too deeply");
	return n;
}

static void enter(void)
{
	if (++depth > MAX_DEPTH)
		error_at(tok->loc, "expression nested too deeply");
}

static void leave(void)
{
	depth--;
}

static bool is_augassign(TokKind k)
{
	return k >= TK_PLUSEQ && k <= TK_DSTAREQ;
}

/* The binary operator of an augmented assignment. */
static int augassign_op(TokKind k)
{
	switch (k) {
	case TK_PLUSEQ: return TK_PLUS;
	case TK_MINUSEQ: return TK_MINUS;
	case TK_STAREQ: return TK_STAR;
	case TK_SLASHEQ: return TK_SLASH;
	case TK_DSLASHEQ: return TK_DSLASH;
	case TK_PERCENTEQ: return TK_PERCENT;
	case TK_ATEQ: return TK_AT;
	case TK_AMPEQ: return TK_AMP;
	case TK_PIPEEQ: return TK_PIPE;
	case TK_CARETEQ: return TK_CARET;
	case TK_RSHIFTEQ: return TK_RSHIFT;
	case TK_LSHIFTEQ: return TK_LSHIFT;
	case TK_DSTAREQ: return TK_DSTAR;
	default: unreachable();
	}
}

/* Can t begin an expression (or a starred one)? */
static bool starts_expr(Token *t)
{
	switch (t->kind) {
	case TK_NAME: case TK_INT: case TK_STRING: case TK_FSTRING:
	case TK_FALSE: case TK_NONE: case TK_TRUE: case TK_ELLIPSIS:
	case TK_LPAR: case TK_LSQB: case TK_LBRACE:
	case TK_MINUS: case TK_PLUS: case TK_TILDE: case TK_NOT:
	case TK_LAMBDA: case TK_AWAIT: case TK_STAR:
		return true;
	default:
		return false;
	}
}

/* ---- assignment targets ------------------------------------------------ */

/* What CPython calls an expression in "cannot assign to %s". */
static const char *expr_name(Node *n)
{
	switch (n->kind) {
	case ND_ATTR: return "attribute";
	case ND_SUBSCRIPT: return "subscript";
	case ND_STARRED: return "starred";
	case ND_NAME: return "name";
	case ND_LIST: return "list";
	case ND_TUPLE: return "tuple";
	case ND_LAMBDA: return "lambda";
	case ND_CALL: return "function call";
	case ND_BOOLOP: case ND_BINOP: case ND_UNARY: return "expression";
	case ND_GENEXP: return "generator expression";
	case ND_YIELD: return "yield expression";
	case ND_AWAIT: return "await expression";
	case ND_LISTCOMP: return "list comprehension";
	case ND_SETCOMP: return "set comprehension";
	case ND_DICTCOMP: return "dict comprehension";
	case ND_DICT: return "dict literal";
	case ND_SET: return "set display";
	case ND_FSTR: return "f-string expression";
	case ND_NONE: return "None";
	case ND_TRUE: return "True";
	case ND_FALSE: return "False";
	case ND_ELLIPSIS: return "ellipsis";
	case ND_INT: case ND_STR: return "literal";
	case ND_COMPARE: return "comparison";
	case ND_IFEXP: return "conditional expression";
	case ND_NAMEDEXPR: return "named expression";
	default: return "expression";
	}
}

/* The first node inside target n that cannot be assigned to (or deleted). */
static Node *invalid_target(Node *n, bool del)
{
	switch (n->kind) {
	case ND_NAME: case ND_ATTR: case ND_SUBSCRIPT:
		return NULL;
	case ND_TUPLE: case ND_LIST:
		for (int i = 0; i < n->elts.len; i++) {
			Node *e = VEC_AT(n->elts, i), *bad;
			if (e->kind == ND_STARRED && !del)
				e = e->lhs;
			if ((bad = invalid_target(e, del)))
				return bad;
		}
		return NULL;
	default:
		return n;
	}
}

/* Several starred targets in one tuple or list (CPython's compiler check). */
static void check_starred(Node *n)
{
	int nstar = 0;

	if (n->kind != ND_TUPLE && n->kind != ND_LIST)
		return;
	for (int i = 0; i < n->elts.len; i++) {
		Node *e = VEC_AT(n->elts, i);
		if (e->kind == ND_STARRED) {
			nstar++;
			check_starred(e->lhs);
		} else {
			check_starred(e);
		}
	}
	if (nstar > 1)
		error_at(n->loc, "multiple starred expressions in assignment");
}

/* Check an assignment target (for, with, comprehension, chained '='). */
static void check_target(Node *n)
{
	Node *bad;

	if (n->kind == ND_STARRED)
		error_at(n->loc, "starred assignment target must be in a list or tuple");
	if ((bad = invalid_target(n, false)))
		error_at(bad->loc, "cannot assign to %s", expr_name(bad));
	check_starred(n);
}

/* Targets of 't1 = t2 = ... = value' (n targets). CPython adds a hint when a
 * single target looks like a comparison written with '='. */
static void check_assign_target(Node *t, int ntargets, Node *value)
{
	Node *bad;

	if (t->kind == ND_YIELD)
		error_at(t->loc, "assignment to yield expression not possible");
	if (t->kind == ND_STARRED)
		error_at(t->loc, "starred assignment target must be in a list or tuple");
	bad = invalid_target(t, false);
	if (!bad) {
		check_starred(t);
		return;
	}
	if (ntargets == 1 && (bad == t || (t->kind == ND_TUPLE && !t->parens &&
					    !(bad->parens && bad->kind == ND_TUPLE)))) {
		bool here = true;
		switch (bad->kind) {
		case ND_COMPARE: case ND_BOOLOP: case ND_IFEXP: case ND_LAMBDA:
		case ND_TUPLE: case ND_LIST: case ND_GENEXP:
		case ND_TRUE: case ND_FALSE: case ND_NONE: case ND_NAMEDEXPR:
			here = false;
			break;
		case ND_UNARY:
			here = bad->op != TK_NOT;
			break;
		default:
			break;
		}
		switch (value->tok->kind) {
		case TK_YIELD: case TK_LAMBDA: case TK_NOT: case TK_STAR:
			here = false;
			break;
		default:
			break;
		}
		if (here)
			error_at(bad->loc, "cannot assign to %s here. Maybe you meant '==' "
				 "instead of '='?", expr_name(bad));
	}
	error_at(bad->loc, "cannot assign to %s", expr_name(bad));
}

static void check_del_target(Node *n)
{
	Node *bad = invalid_target(n, true);

	if (bad)
		error_at(bad->loc, "cannot delete %s", expr_name(bad));
}

/* A starred expression alone where a value is expected. */
static void no_bare_star(Node *n)
{
	if (n && n->kind == ND_STARRED)
		error_at(n->loc, "can't use starred expression here");
}

/* ---- strings ----------------------------------------------------------- */

static Node *fstring_expr(FPart *fp)
{
	Token *save_tok = tok, *save_prev = prev;
	bool save_no_in = no_in;
	const char *save_prefix = prefix;
	Node *e;

	tok = lex_span(fp->expr_loc);
	prev = NULL;
	no_in = false;
	prefix = "f-string: ";
	e = at(TK_YIELD) ? yield_expr() : star_expressions();
	if (!at(TK_EOF)) {
		if (starts_expr(tok) && tok->kind != TK_STAR)
			error_at(tok->loc, "f-string: invalid syntax. Perhaps you forgot a comma?");
		error_at(tok->loc, "f-string: invalid syntax");
	}
	tok = save_tok;
	prev = save_prev;
	no_in = save_no_in;
	prefix = save_prefix;
	return e;
}

static void add_fpart(Vec *parts, FPart *fp)
{
	FPart *last = parts->len ? VEC_AT(*parts, parts->len - 1) : NULL;

	if (!fp->is_expr && last && !last->is_expr) {
		/* adjacent literals are merged */
		char *t = xcalloc(1, last->text_len + fp->text_len + 1);
		memcpy(t, last->text, last->text_len);
		memcpy(t + last->text_len, fp->text, fp->text_len);
		last->text = t;
		last->text_len += fp->text_len;
		return;
	}
	if (!fp->is_expr && !fp->text_len)
		return;
	vec_push(parts, fp);
}

/* strings: (STRING | FSTRING)+ */
static Node *strings(void)
{
	Token *first = tok, *t;
	bool fstr = false;
	int n = 0;
	Node *node;

	for (t = tok; t->kind == TK_STRING || t->kind == TK_FSTRING; t = t->next) {
		if (t->is_bytes != first->is_bytes)
			error_at(t->loc, "cannot mix bytes and nonbytes literals");
		fstr |= t->kind == TK_FSTRING;
		n++;
	}
	if (!fstr && n == 1) {
		advance();
		return new_node(ND_STR, first);
	}
	if (!fstr) {
		Str s = { 0 };
		Token *cat = xcalloc(1, sizeof(*cat));
		*cat = *first;
		while (at(TK_STRING)) {
			str_add(&s, tok->str, tok->slen);
			advance();
		}
		cat->str = s.buf ? s.buf : xstrdup("");
		cat->slen = s.len;
		cat->loc.len = (int)(prev->loc.p + prev->loc.len - first->loc.p);
		cat->next = tok;
		node = new_node(ND_STR, cat);
		return finish(node);
	}
	node = new_node(ND_FSTR, first);
	Vec parts = { 0 };
	while (at(TK_STRING) || at(TK_FSTRING)) {
		if (at(TK_STRING)) {
			FPart *fp = xcalloc(1, sizeof(*fp));
			fp->text = tok->str;
			fp->text_len = tok->slen;
			add_fpart(&parts, fp);
		} else {
			for (int i = 0; i < tok->nfparts; i++) {
				FPart *fp = xcalloc(1, sizeof(*fp));
				*fp = tok->fparts[i];
				if (fp->is_expr)
					fp->expr = fstring_expr(fp);
				add_fpart(&parts, fp);
			}
		}
		advance();
	}
	node->nfparts = parts.len;
	node->fparts = xcalloc(parts.len, sizeof(FPart));
	for (int i = 0; i < parts.len; i++)
		node->fparts[i] = *(FPart *)VEC_AT(parts, i);
	return finish(node);
}

/* ---- expressions ------------------------------------------------------- */

/* for_if_clauses: (['async'] 'for' star_targets 'in' disjunction ('if' disjunction)*)+ */
static void for_if_clauses(Vec *comps)
{
	while (at(TK_FOR) || (at(TK_ASYNC) && tok->next->kind == TK_FOR)) {
		Node *c = new_node(ND_COMPREHENSION, tok);
		bool save = no_in;
		c->is_async = accept(TK_ASYNC);
		expect(TK_FOR);
		no_in = true;
		c->target = star_expressions();
		no_in = save;
		check_target(c->target);
		expect(TK_IN);
		c->iter = disjunction();
		while (accept(TK_IF))
			vec_push(&c->elts, disjunction());
		vec_push(comps, finish(c));
	}
}

/* Build a comprehension of the given kind around its element. */
static Node *comprehension(NodeKind kind, Token *start, Node *elt)
{
	Node *n = new_node(kind, start);

	if (elt->kind == ND_STARRED)
		error_at(elt->loc, "iterable unpacking cannot be used in comprehension");
	n->lhs = elt;
	for_if_clauses(&n->comps);
	return n;
}

/* Elements of a tuple, list or set after the first one, up to close:
 * (',' star_named_expression)* [','] */
static void more_elts(Node *n, TokKind close)
{
	while (accept(TK_COMMA)) {
		if (at(close))
			break;
		vec_push(&n->elts, star_named_expression());
	}
}

/* group / tuple / genexp:
 *   '(' (yield_expr | named_expression) ')'
 *   '(' [star_named_expression ',' [star_named_expressions]] ')'
 *   '(' named_expression for_if_clauses ')' */
static Node *paren_atom(void)
{
	Token *open = tok;
	Node *n, *first;

	expect(TK_LPAR);
	if (accept(TK_RPAR)) {
		n = new_node(ND_TUPLE, open);
		n->parens = true;
		return finish(n);
	}
	if (at(TK_YIELD)) {
		n = yield_expr();
		expect(TK_RPAR);
		n->parens = true;
		return n;
	}
	first = star_named_expression();
	if (at(TK_FOR) || at(TK_ASYNC)) {
		n = comprehension(ND_GENEXP, open, first);
		expect(TK_RPAR);
		n->parens = true;
		return finish(n);
	}
	if (at(TK_COMMA)) {
		n = new_node(ND_TUPLE, open);
		vec_push(&n->elts, first);
		more_elts(n, TK_RPAR);
		expect(TK_RPAR);
		n->parens = true;
		return finish(n);
	}
	if (first->kind == ND_STARRED)
		error_at(first->loc, "cannot use starred expression here");
	expect(TK_RPAR);
	first->parens = true;
	return first;
}

/* list / listcomp: '[' [star_named_expressions] ']' | '[' named_expression for_if_clauses ']' */
static Node *list_atom(void)
{
	Token *open = tok;
	Node *n, *first;

	expect(TK_LSQB);
	if (accept(TK_RSQB))
		return finish(new_node(ND_LIST, open));
	first = star_named_expression();
	if (at(TK_FOR) || at(TK_ASYNC)) {
		n = comprehension(ND_LISTCOMP, open, first);
		expect(TK_RSQB);
		return finish(n);
	}
	n = new_node(ND_LIST, open);
	vec_push(&n->elts, first);
	more_elts(n, TK_RSQB);
	expect(TK_RSQB);
	return finish(n);
}

/* dict / set / dictcomp / setcomp:
 *   '{' [double_starred_kvpairs] '}'
 *   '{' kvpair for_if_clauses '}'
 *   '{' star_named_expressions '}'
 *   '{' named_expression for_if_clauses '}'
 * double_starred_kvpair: '**' bitwise_or | expression ':' expression */
static Node *brace_atom(void)
{
	Token *open = tok;
	Node *n, *first = NULL;

	expect(TK_LBRACE);
	if (accept(TK_RBRACE))
		return finish(new_node(ND_DICT, open));
	if (at(TK_DSTAR) || (first = star_named_expression(), at(TK_COLON))) {
		n = new_node(ND_DICT, open);
		if (accept(TK_DSTAR)) {
			vec_push(&n->elts, NULL);
			vec_push(&n->vals, bitwise_or());
			if (at(TK_FOR) || at(TK_ASYNC))
				error_at(tok->loc, "dict unpacking cannot be used in dict comprehension");
		} else {
			if (first->kind == ND_STARRED)
				syntax_error(tok);
			expect(TK_COLON);
			vec_push(&n->elts, first);
			vec_push(&n->vals, expression());
			if (at(TK_FOR) || at(TK_ASYNC)) {
				Node *c = new_node(ND_DICTCOMP, open);
				c->lhs = first;
				c->rhs = VEC_AT(n->vals, 0);
				for_if_clauses(&c->comps);
				expect(TK_RBRACE);
				return finish(c);
			}
		}
		while (accept(TK_COMMA)) {
			if (at(TK_RBRACE))
				break;
			if (accept(TK_DSTAR)) {
				vec_push(&n->elts, NULL);
				vec_push(&n->vals, bitwise_or());
				continue;
			}
			vec_push(&n->elts, expression());
			expect(TK_COLON);
			vec_push(&n->vals, expression());
		}
		expect(TK_RBRACE);
		return finish(n);
	}
	if (at(TK_FOR) || at(TK_ASYNC)) {
		n = comprehension(ND_SETCOMP, open, first);
		expect(TK_RBRACE);
		return finish(n);
	}
	n = new_node(ND_SET, open);
	vec_push(&n->elts, first);
	more_elts(n, TK_RBRACE);
	expect(TK_RBRACE);
	return finish(n);
}

/* atom: NAME | 'True' | 'False' | 'None' | strings | NUMBER | '...'
 *     | (tuple | group | genexp) | (list | listcomp) | (dict | set | dictcomp | setcomp) */
static Node *atom(void)
{
	Token *t = tok;
	Node *n;
	bool save = no_in;

	switch (t->kind) {
	case TK_NAME:
		advance();
		n = new_node(ND_NAME, t);
		n->name = t->str;
		return n;
	case TK_INT:
		advance();
		return new_node(ND_INT, t);
	case TK_STRING: case TK_FSTRING:
		return strings();
	case TK_TRUE: advance(); return new_node(ND_TRUE, t);
	case TK_FALSE: advance(); return new_node(ND_FALSE, t);
	case TK_NONE: advance(); return new_node(ND_NONE, t);
	case TK_ELLIPSIS: advance(); return new_node(ND_ELLIPSIS, t);
	case TK_LPAR: case TK_LSQB: case TK_LBRACE:
		no_in = false;
		n = t->kind == TK_LPAR ? paren_atom() : t->kind == TK_LSQB ? list_atom() : brace_atom();
		no_in = save;
		return n;
	case TK_INDENT:
		error_at(t->loc, "unexpected indent");
	default:
		syntax_error(t);
	}
}

/* arguments: ','.(starred_expression | (assignment_expression | expression !':=') !'=')+
 *            [',' kwargs] [','] | kwargs [',']
 * kwargs: ','.(NAME '=' expression | starred_expression | '**' expression)+
 * The call node collects positional arguments in elts, keywords in vals. */
static void arguments(Node *call)
{
	bool seen_kw = false, seen_dstar = false;

	expect(TK_LPAR);
	while (!at(TK_RPAR)) {
		Token *start = tok;
		if (at(TK_STAR)) {
			Node *s = new_node(ND_STARRED, tok);
			advance();
			s->lhs = expression();
			if (seen_dstar)
				error_at(start->loc, "iterable argument unpacking follows keyword "
					 "argument unpacking");
			vec_push(&call->elts, finish(s));
		} else if (at(TK_DSTAR)) {
			Node *k = new_node(ND_KEYWORD, tok);
			advance();
			k->lhs = expression();
			vec_push(&call->vals, finish(k));
			seen_dstar = true;
		} else if (at(TK_NAME) && tok->next->kind == TK_ASSIGN) {
			Node *k = new_node(ND_KEYWORD, tok);
			k->name = tok->str;
			advance();
			advance();
			k->lhs = expression();
			vec_push(&call->vals, finish(k));
			seen_kw = true;
		} else {
			Node *e = named_expression();
			if (at(TK_ASSIGN)) {
				if (e->kind == ND_TRUE || e->kind == ND_FALSE || e->kind == ND_NONE)
					error_at(e->loc, "cannot assign to %s", expr_name(e));
				Loc l = e->loc;
				l.len = (int)(tok->loc.p - l.p);
				error_at(l, "expression cannot contain assignment, perhaps you meant \"==\"?");
			}
			if (at(TK_FOR) || at(TK_ASYNC)) {
				e = finish(comprehension(ND_GENEXP, start, e));
				if (call->elts.len || call->vals.len || !at(TK_RPAR))
					error_at(e->loc, "Generator expression must be parenthesized");
			}
			if (seen_dstar)
				error_at(e->loc, "positional argument follows keyword argument unpacking");
			if (seen_kw)
				error_at(e->loc, "positional argument follows keyword argument");
			vec_push(&call->elts, e);
		}
		if (!accept(TK_COMMA))
			break;
	}
	expect(TK_RPAR);
}

/* slice: [expression] ':' [expression] [':' [expression]] | named_expression | starred_expression */
static Node *slice(void)
{
	Node *n, *lower = NULL;
	Token *start = tok;

	if (at(TK_STAR)) {
		n = new_node(ND_STARRED, tok);
		advance();
		n->lhs = bitwise_or();
		return finish(n);
	}
	if (!at(TK_COLON))
		lower = named_expression();
	if (!at(TK_COLON))
		return lower;
	n = lower ? new_node_at(ND_SLICE, lower) : new_node(ND_SLICE, start);
	n->lhs = lower;
	expect(TK_COLON);
	if (!at(TK_COLON) && !at(TK_COMMA) && !at(TK_RSQB))
		n->rhs = expression();
	if (accept(TK_COLON) && !at(TK_COMMA) && !at(TK_RSQB))
		n->third = expression();
	return finish(n);
}

/* slices: slice !',' | ','.(slice | starred_expression)+ [','] */
static Node *slices(void)
{
	Node *first = slice(), *t;

	if (!at(TK_COMMA))
		return first;
	t = new_node_at(ND_TUPLE, first);
	vec_push(&t->elts, first);
	while (accept(TK_COMMA)) {
		if (at(TK_RSQB))
			break;
		vec_push(&t->elts, slice());
	}
	return finish(t);
}

/* primary: primary '.' NAME | primary genexp | primary '(' [arguments] ')'
 *        | primary '[' slices ']' | atom */
static Node *primary(void)
{
	Node *n = atom();
	bool save = no_in;

	for (;;) {
		Node *p;
		if (accept(TK_DOT)) {
			Token *name = expect_name();
			p = new_node_at(ND_ATTR, n);
			p->lhs = n;
			p->name = name->str;
		} else if (at(TK_LPAR)) {
			p = new_node_at(ND_CALL, n);
			p->lhs = n;
			no_in = false;
			arguments(p);
			no_in = save;
		} else if (at(TK_LSQB)) {
			p = new_node_at(ND_SUBSCRIPT, n);
			p->lhs = n;
			advance();
			no_in = false;
			p->rhs = slices();
			no_in = save;
			expect(TK_RSQB);
		} else {
			return n;
		}
		n = finish(p);
	}
}

/* await_primary: 'await' primary | primary */
static Node *await_primary(void)
{
	if (at(TK_AWAIT)) {
		Node *n = new_node(ND_AWAIT, tok);
		advance();
		n->lhs = primary();
		return finish(n);
	}
	return primary();
}

static Node *factor(void);

/* power: await_primary '**' factor | await_primary */
static Node *power(void)
{
	Node *n = await_primary();

	if (at(TK_DSTAR)) {
		Node *b = new_node_at(ND_BINOP, n);
		b->op = TK_DSTAR;
		advance();
		b->lhs = n;
		b->rhs = factor();
		n = finish(b);
	}
	return n;
}

/* factor: '+' factor | '-' factor | '~' factor | power */
static Node *factor(void)
{
	Node *n;

	if (!at(TK_PLUS) && !at(TK_MINUS) && !at(TK_TILDE))
		return power();
	enter();
	n = new_node(ND_UNARY, tok);
	n->op = tok->kind;
	advance();
	n->lhs = factor();
	leave();
	return finish(n);
}

/* Left-associative binary operator levels, loosest first:
 *   bitwise_or: bitwise_or '|' bitwise_xor | bitwise_xor
 *   bitwise_xor: bitwise_xor '^' bitwise_and | bitwise_and
 *   bitwise_and: bitwise_and '&' shift_expr | shift_expr
 *   shift_expr: shift_expr ('<<' | '>>') sum | sum
 *   sum: sum ('+' | '-') term | term
 *   term: term ('*' | '/' | '//' | '%' | '@') factor | factor */
static const TokKind binop_levels[][5] = {
	{ TK_PIPE },
	{ TK_CARET },
	{ TK_AMP },
	{ TK_LSHIFT, TK_RSHIFT },
	{ TK_PLUS, TK_MINUS },
	{ TK_STAR, TK_SLASH, TK_DSLASH, TK_PERCENT, TK_AT },
};

static bool in_level(int level, TokKind k)
{
	for (int i = 0; i < 5 && binop_levels[level][i]; i++)
		if (binop_levels[level][i] == k)
			return true;
	return false;
}

static Node *binop_level(int level)
{
	Node *n = level == 5 ? factor() : binop_level(level + 1);

	while (in_level(level, tok->kind)) {
		Node *b = new_node_at(ND_BINOP, n);
		b->op = tok->kind;
		advance();
		b->lhs = n;
		b->rhs = level == 5 ? factor() : binop_level(level + 1);
		n = finish(b);
	}
	return n;
}

static Node *bitwise_or(void)
{
	return binop_level(0);
}

/* comparison: bitwise_or (compare_op bitwise_or)*
 * compare_op: '==' | '!=' | '<=' | '<' | '>=' | '>' | 'not' 'in' | 'in' | 'is' 'not' | 'is' */
static Node *comparison(void)
{
	Node *n = bitwise_or(), *c = NULL;
	int cap = 0;

	for (;;) {
		CmpOp op;
		switch (tok->kind) {
		case TK_EQ: op = CMP_EQ; break;
		case TK_NE: op = CMP_NE; break;
		case TK_LT: op = CMP_LT; break;
		case TK_LE: op = CMP_LE; break;
		case TK_GT: op = CMP_GT; break;
		case TK_GE: op = CMP_GE; break;
		case TK_IN:
			if (no_in)
				return c ? finish(c) : n;
			op = CMP_IN;
			break;
		case TK_IS:
			op = tok->next->kind == TK_NOT ? CMP_IS_NOT : CMP_IS;
			break;
		case TK_NOT:
			if (tok->next->kind != TK_IN || no_in)
				return c ? finish(c) : n;
			op = CMP_NOT_IN;
			break;
		default:
			return c ? finish(c) : n;
		}
		if (!c) {
			c = new_node_at(ND_COMPARE, n);
			c->lhs = n;
		}
		if (op == CMP_IS_NOT || op == CMP_NOT_IN)
			advance();
		advance();
		if (c->elts.len == cap) {
			cap = cap ? cap * 2 : 4;
			c->cmpops = xrealloc(c->cmpops, cap * sizeof(CmpOp));
		}
		c->cmpops[c->elts.len] = op;
		vec_push(&c->elts, bitwise_or());
	}
}

/* inversion: 'not' inversion | comparison */
static Node *inversion(void)
{
	Node *n;

	if (!at(TK_NOT))
		return comparison();
	enter();
	n = new_node(ND_UNARY, tok);
	n->op = TK_NOT;
	advance();
	n->lhs = inversion();
	leave();
	return finish(n);
}

/* conjunction: inversion ('and' inversion)+ | inversion
 * disjunction: conjunction ('or' conjunction)+ | conjunction */
static Node *boolop(TokKind op)
{
	Node *n = op == TK_OR ? boolop(TK_AND) : inversion(), *b;

	if (!at(op))
		return n;
	b = new_node_at(ND_BOOLOP, n);
	b->op = op;
	vec_push(&b->elts, n);
	while (accept(op))
		vec_push(&b->elts, op == TK_OR ? boolop(TK_AND) : inversion());
	return finish(b);
}

static Node *disjunction(void)
{
	return boolop(TK_OR);
}

/* Parameters of a def (annotations allowed) or a lambda, up to close.
 * parameters: slash_no_default param_no_default* param_with_default* [star_etc]
 *           | ... (all of Python's forms: a, b=1, /, *, *args, kw, **kwargs) */
static void parameters(Vec *params, TokKind close, bool annotations)
{
	bool seen_slash = false, seen_star = false, seen_default = false;
	Node *bare_star = NULL, *kwargs = NULL;
	int first_kwonly = -1;

	while (!at(close)) {
		Token *start = tok;
		Node *p;
		if (kwargs)
			error_at(tok->loc, "arguments cannot follow var-keyword argument");
		if (at(TK_SLASH)) {
			if (seen_slash)
				error_at(tok->loc, "/ may appear only once");
			if (seen_star)
				error_at(tok->loc, "/ must be ahead of *");
			if (!params->len)
				error_at(tok->loc, "at least one argument must precede /");
			for (int i = 0; i < params->len; i++)
				((Node *)VEC_AT(*params, i))->param_kind = PARAM_POSONLY;
			seen_slash = true;
			advance();
			if (!accept(TK_COMMA))
				break;
			continue;
		}
		if (at(TK_STAR)) {
			if (seen_star)
				error_at(tok->loc, "* argument may appear only once");
			seen_star = true;
			advance();
			if (!at(TK_NAME)) {
				bare_star = new_node(ND_PARAM, start);
				first_kwonly = params->len;
				if (!accept(TK_COMMA))
					break;
				continue;
			}
			p = new_node(ND_PARAM, tok);
			p->param_kind = PARAM_VARARGS;
		} else if (at(TK_DSTAR)) {
			advance();
			p = new_node(ND_PARAM, tok);
			p->param_kind = PARAM_KWARGS;
			kwargs = p;
		} else {
			p = new_node(ND_PARAM, tok);
			p->param_kind = seen_star ? PARAM_KWONLY : PARAM_NORMAL;
		}
		p->name = expect_name()->str;
		for (int i = 0; i < params->len; i++) {
			Node *q = VEC_AT(*params, i);
			if (!strcmp(q->name, p->name))
				error_at(p->loc, "duplicate argument '%s' in function definition", p->name);
		}
		if (annotations && accept(TK_COLON))
			p->annotation = p->param_kind == PARAM_VARARGS ? (at(TK_STAR) ? star_named_expression() : expression()) : expression();
		if (at(TK_ASSIGN)) {
			if (p->param_kind == PARAM_VARARGS)
				error_at(tok->loc, "var-positional argument cannot have default value");
			if (p->param_kind == PARAM_KWARGS)
				error_at(tok->loc, "var-keyword argument cannot have default value");
			advance();
			p->value = expression();
			if (p->param_kind == PARAM_NORMAL)
				seen_default = true;
		} else if (p->param_kind == PARAM_NORMAL && seen_default) {
			error_at(p->loc, "non-default argument follows default argument");
		}
		if (p->param_kind == PARAM_KWONLY && first_kwonly < 0)
			first_kwonly = params->len;
		vec_push(params, finish(p));
		if (!accept(TK_COMMA))
			break;
	}
	if (bare_star) {
		bool any = false;
		for (int i = first_kwonly; i >= 0 && i < params->len; i++)
			any |= ((Node *)VEC_AT(*params, i))->param_kind == PARAM_KWONLY;
		if (!any)
			error_at(bare_star->loc, "named arguments must follow bare *");
	}
}

/* lambdef: 'lambda' [lambda_params] ':' expression */
static Node *lambdef(void)
{
	Node *n = new_node(ND_LAMBDA, tok);

	expect(TK_LAMBDA);
	parameters(&n->params, TK_COLON, false);
	expect(TK_COLON);
	n->lhs = expression();
	return finish(n);
}

/* expression: disjunction 'if' disjunction 'else' expression | disjunction | lambdef */
static Node *expression(void)
{
	Node *n, *e;

	enter();
	if (at(TK_LAMBDA)) {
		n = lambdef();
		leave();
		return n;
	}
	n = disjunction();
	if (at(TK_IF)) {
		e = new_node_at(ND_IFEXP, n);
		advance();
		e->lhs = n;
		e->test = disjunction();
		if (!accept(TK_ELSE)) {
			finish(e);
			error_at(e->loc, "expected 'else' after 'if' expression");
		}
		e->rhs = expression();
		n = finish(e);
	}
	leave();
	return n;
}

/* named_expression: NAME ':=' expression | expression !':=' */
static Node *named_expression(void)
{
	Node *n = expression(), *w;

	if (!at(TK_WALRUS))
		return n;
	if (n->kind != ND_NAME || n->parens)
		error_at(n->loc, "cannot use assignment expressions with %s", expr_name(n));
	w = new_node_at(ND_NAMEDEXPR, n);
	advance();
	w->lhs = n;
	w->rhs = expression();
	return finish(w);
}

/* star_named_expression: '*' bitwise_or | named_expression */
static Node *star_named_expression(void)
{
	if (at(TK_STAR)) {
		Node *n = new_node(ND_STARRED, tok);
		advance();
		n->lhs = bitwise_or();
		return finish(n);
	}
	return named_expression();
}

/* star_expression: '*' bitwise_or | expression */
static Node *star_expression(void)
{
	if (at(TK_STAR)) {
		Node *n = new_node(ND_STARRED, tok);
		advance();
		n->lhs = bitwise_or();
		return finish(n);
	}
	return expression();
}

/* star_expressions: star_expression (',' star_expression)* [','] */
static Node *star_expressions(void)
{
	Node *first = star_expression(), *t;

	if (!at(TK_COMMA))
		return first;
	t = new_node_at(ND_TUPLE, first);
	vec_push(&t->elts, first);
	while (accept(TK_COMMA)) {
		if (!starts_expr(tok))
			break;
		vec_push(&t->elts, star_expression());
	}
	return finish(t);
}

/* yield_expr: 'yield' 'from' expression | 'yield' [star_expressions] */
static Node *yield_expr(void)
{
	Node *n = new_node(ND_YIELD, tok);

	expect(TK_YIELD);
	if (accept(TK_FROM)) {
		n->is_from = true;
		n->lhs = expression();
	} else if (starts_expr(tok)) {
		n->lhs = star_expressions();
	}
	return finish(n);
}

/* ---- simple statements ------------------------------------------------- */

/* The right-hand side of an assignment: yield_expr | star_expressions */
static Node *assign_value(void)
{
	Node *v = at(TK_YIELD) ? yield_expr() : star_expressions();

	no_bare_star(v);
	return v;
}

/* assignment:
 *     NAME ':' expression ['=' annotated_rhs]
 *   | ('(' single_target ')' | single_subscript_attribute_target) ':' expression ['=' annotated_rhs]
 *   | (star_targets '=')+ (yield_expr | star_expressions) !'='
 *   | single_target augassign (yield_expr | star_expressions)
 * star_expressions (an expression statement) */
static Node *expr_stmt(void)
{
	Token *start = tok;
	Node *e = at(TK_YIELD) ? yield_expr() : star_expressions(), *n;

	if (at(TK_COLON)) {
		if (e->kind == ND_TUPLE || e->kind == ND_LIST)
			error_at(e->loc, "only single target (not %s) can be annotated", expr_name(e));
		if (e->kind != ND_NAME && e->kind != ND_ATTR && e->kind != ND_SUBSCRIPT)
			error_at(e->loc, "illegal target for annotation");
		n = new_node(ND_ANNASSIGN, start);
		advance();
		n->target = e;
		n->annotation = expression();
		if (accept(TK_ASSIGN))
			n->value = assign_value();
		return finish(n);
	}
	if (is_augassign(tok->kind)) {
		if (e->kind != ND_NAME && e->kind != ND_ATTR && e->kind != ND_SUBSCRIPT)
			error_at(e->loc, "'%s' is an illegal expression for augmented assignment",
				 expr_name(e));
		n = new_node(ND_AUGASSIGN, start);
		n->op = augassign_op(tok->kind);
		advance();
		n->target = e;
		n->value = assign_value();
		return finish(n);
	}
	if (at(TK_ASSIGN)) {
		Vec all = { 0 };
		n = new_node(ND_ASSIGN, start);
		vec_push(&all, e);
		while (accept(TK_ASSIGN))
			vec_push(&all, at(TK_YIELD) ? yield_expr() : star_expressions());
		n->value = VEC_AT(all, all.len - 1);
		for (int i = 0; i < all.len - 1; i++) {
			check_assign_target(VEC_AT(all, i), all.len - 1, VEC_AT(all, i + 1));
			vec_push(&n->targets, VEC_AT(all, i));
		}
		no_bare_star(n->value);
		return finish(n);
	}
	no_bare_star(e);
	n = new_node(ND_EXPR_STMT, start);
	n->value = e;
	return finish(n);
}

/* dotted_name: dotted_name '.' NAME | NAME */
static const char *dotted_name(void)
{
	Str s = { 0 };

	str_puts(&s, expect_name()->str);
	while (accept(TK_DOT)) {
		str_puts(&s, ".");
		str_puts(&s, expect_name()->str);
	}
	return s.buf;
}

/* import_name: 'import' dotted_as_names
 * dotted_as_name: dotted_name ['as' NAME] */
static Node *import_name(void)
{
	Node *n = new_node(ND_IMPORT, tok);

	expect(TK_IMPORT);
	do {
		Node *a = new_node(ND_ALIAS, tok);
		a->name = dotted_name();
		if (accept(TK_AS))
			a->asname = expect_name()->str;
		vec_push(&n->names, finish(a));
	} while (accept(TK_COMMA));
	return finish(n);
}

/* import_from: 'from' ('.' | '...')* dotted_name 'import' import_from_targets
 *            | 'from' ('.' | '...')+ 'import' import_from_targets
 * import_from_targets: '(' import_from_as_names [','] ')' | import_from_as_names !',' | '*' */
static Node *import_from(void)
{
	Node *n = new_node(ND_IMPORTFROM, tok);
	bool parens;

	expect(TK_FROM);
	for (;;) {
		if (accept(TK_DOT))
			n->level++;
		else if (accept(TK_ELLIPSIS))
			n->level += 3;
		else
			break;
	}
	if (!at(TK_IMPORT) || !n->level)
		n->name = dotted_name();
	expect(TK_IMPORT);
	if (at(TK_STAR)) {
		Node *a = new_node(ND_ALIAS, tok);
		advance();
		a->name = "*";
		vec_push(&n->names, a);
		return finish(n);
	}
	parens = accept(TK_LPAR);
	for (;;) {
		Node *a = new_node(ND_ALIAS, tok);
		a->name = expect_name()->str;
		if (accept(TK_AS))
			a->asname = expect_name()->str;
		vec_push(&n->names, finish(a));
		if (!at(TK_COMMA))
			break;
		advance();
		if (parens && at(TK_RPAR))
			break;
		if (!parens && !at(TK_NAME))
			error_at(prev->loc, "trailing comma not allowed without surrounding parentheses");
	}
	if (parens)
		expect(TK_RPAR);
	return finish(n);
}

/* simple_stmt: assignment | star_expressions | return_stmt | import_stmt
 *            | raise_stmt | 'pass' | del_stmt | yield_stmt | assert_stmt
 *            | 'break' | 'continue' | global_stmt | nonlocal_stmt */
static Node *simple_stmt(void)
{
	Token *t = tok;
	Node *n;

	switch (t->kind) {
	case TK_PASS:
		advance();
		return new_node(ND_PASS, t);
	case TK_BREAK:
		advance();
		return new_node(ND_BREAK, t);
	case TK_CONTINUE:
		advance();
		return new_node(ND_CONTINUE, t);
	case TK_RETURN:
		/* return_stmt: 'return' [star_expressions] */
		n = new_node(ND_RETURN, t);
		advance();
		if (starts_expr(tok))
			n->value = star_expressions();
		no_bare_star(n->value);
		return finish(n);
	case TK_RAISE:
		/* raise_stmt: 'raise' expression ['from' expression] | 'raise' */
		n = new_node(ND_RAISE, t);
		advance();
		if (starts_expr(tok)) {
			n->value = expression();
			if (accept(TK_FROM))
				n->lhs = expression();
		}
		return finish(n);
	case TK_GLOBAL: case TK_NONLOCAL:
		/* global_stmt: 'global' ','.NAME+ ; nonlocal_stmt: 'nonlocal' ','.NAME+ */
		n = new_node(t->kind == TK_GLOBAL ? ND_GLOBAL : ND_NONLOCAL, t);
		advance();
		do {
			Node *name = new_node(ND_NAME, tok);
			name->name = expect_name()->str;
			vec_push(&n->names, name);
			vec_push(&n->elts, name);
		} while (accept(TK_COMMA));
		return finish(n);
	case TK_DEL: {
		/* del_stmt: 'del' del_targets &(';' | NEWLINE)
		 * del_targets: ','.del_target+ [','] */
		n = new_node(ND_DEL, t);
		advance();
		Node *targets = star_expressions();
		if (targets->kind == ND_TUPLE && !targets->parens) {
			for (int i = 0; i < targets->elts.len; i++)
				vec_push(&n->targets, VEC_AT(targets->elts, i));
		} else {
			vec_push(&n->targets, targets);
		}
		for (int i = 0; i < n->targets.len; i++)
			check_del_target(VEC_AT(n->targets, i));
		return finish(n);
	}
	case TK_ASSERT:
		/* assert_stmt: 'assert' expression [',' expression] */
		n = new_node(ND_ASSERT, t);
		advance();
		n->test = expression();
		if (accept(TK_COMMA))
			n->value = expression();
		return finish(n);
	case TK_IMPORT:
		return import_name();
	case TK_FROM:
		return import_from();
	default:
		return expr_stmt();
	}
}

/* simple_stmts: simple_stmt (';' simple_stmt)* [';'] NEWLINE */
static void simple_stmts(Vec *body)
{
	for (;;) {
		vec_push(body, simple_stmt());
		if (!accept(TK_SEMI))
			break;
		if (at(TK_NEWLINE))
			break;
	}
	if (!accept(TK_NEWLINE))
		syntax_error(tok);
}

/* ---- compound statements ----------------------------------------------- */

/* block: NEWLINE INDENT statements DEDENT | simple_stmts
 * what/kw name the statement for "expected an indented block after ..." */
static void block(Vec *body, const char *what, Token *kw)
{
	if (!at(TK_NEWLINE)) {
		simple_stmts(body);
		return;
	}
	advance();
	if (!at(TK_INDENT)) {
		Token *t = at(TK_EOF) || at(TK_DEDENT) ? prev : tok;
		error_at(t->loc, "expected an indented block after %s on line %d", what, kw->loc.line);
	}
	advance();
	while (!at(TK_DEDENT) && !at(TK_EOF))
		statement(body);
	expect(TK_DEDENT);
}

/* if_stmt: 'if' named_expression ':' block elif_stmt | 'if' named_expression ':' block [else_block]
 * elif_stmt: 'elif' named_expression ':' block (elif_stmt | [else_block])
 * else_block: 'else' ':' block */
static Node *if_stmt(void)
{
	Node *first = NULL, *last = NULL;

	do {
		Token *kw = tok;
		Node *n = new_node(ND_IF, kw);
		advance();
		n->test = named_expression();
		expect(TK_COLON);
		block(&n->body, kw->kind == TK_IF ? "'if' statement" : "'elif' statement", kw);
		finish(n);
		if (last)
			vec_push(&last->orelse, n);
		else
			first = n;
		last = n;
	} while (at(TK_ELIF));
	if (at(TK_ELSE)) {
		Token *kw = tok;
		advance();
		expect(TK_COLON);
		block(&last->orelse, "'else' statement", kw);
	}
	return finish(first);
}

static void else_block(Vec *orelse)
{
	Token *kw = tok;

	if (!accept(TK_ELSE))
		return;
	expect(TK_COLON);
	block(orelse, "'else' statement", kw);
}

/* while_stmt: 'while' named_expression ':' block [else_block] */
static Node *while_stmt(void)
{
	Token *kw = tok;
	Node *n = new_node(ND_WHILE, kw);

	advance();
	n->test = named_expression();
	expect(TK_COLON);
	block(&n->body, "'while' statement", kw);
	else_block(&n->orelse);
	return finish(n);
}

/* for_stmt: ['async'] 'for' star_targets 'in' star_expressions ':' block [else_block] */
static Node *for_stmt(Token *start, bool is_async)
{
	Token *kw = tok;
	Node *n = new_node(ND_FOR, start);

	n->is_async = is_async;
	expect(TK_FOR);
	no_in = true;
	n->target = star_expressions();
	no_in = false;
	check_target(n->target);
	if (!at(TK_IN))
		syntax_error(tok);
	advance();
	n->iter = star_expressions();
	expect(TK_COLON);
	block(&n->body, "'for' statement", kw);
	else_block(&n->orelse);
	return finish(n);
}

/* with_item: expression 'as' star_target &(',' | ')' | ':') | expression */
static Node *with_item(void)
{
	Node *n = new_node(ND_WITHITEM, tok);

	n->value = expression();
	if (accept(TK_AS)) {
		n->target = star_expression();
		check_target(n->target);
	}
	return finish(n);
}

/* Is the '(' at tok the start of parenthesized with-items: '(' ... ')' ':' ?
 * (CPython tries that alternative first and backtracks; we look ahead.) */
static bool paren_with_items(void)
{
	int level = 0;

	for (Token *t = tok; t && t->kind != TK_EOF && t->kind != TK_NEWLINE; t = t->next) {
		if (t->kind == TK_LPAR || t->kind == TK_LSQB || t->kind == TK_LBRACE)
			level++;
		else if (t->kind == TK_RPAR || t->kind == TK_RSQB || t->kind == TK_RBRACE)
			level--;
		else if (level == 1 && (t->kind == TK_FOR || t->kind == TK_YIELD))
			return false;   /* a generator expression or (yield) */
		if (!level)
			return t->next && t->next->kind == TK_COLON;
	}
	return false;
}

/* with_stmt: ['async'] 'with' '(' ','.with_item+ ','? ')' ':' block
 *          | ['async'] 'with' ','.with_item+ ':' block */
static Node *with_stmt(Token *start, bool is_async)
{
	Token *kw = tok;
	Node *n = new_node(ND_WITH, start);

	n->is_async = is_async;
	expect(TK_WITH);
	if (at(TK_LPAR) && paren_with_items()) {
		advance();
		do {
			if (at(TK_RPAR))
				break;
			vec_push(&n->items, with_item());
		} while (accept(TK_COMMA));
		if (!n->items.len)
			syntax_error(tok);
		expect(TK_RPAR);
	} else {
		do
			vec_push(&n->items, with_item());
		while (accept(TK_COMMA));
	}
	expect(TK_COLON);
	block(&n->body, "'with' statement", kw);
	return finish(n);
}

/* try_stmt: 'try' ':' block finally_block
 *         | 'try' ':' block except_block+ [else_block] [finally_block]
 *         | 'try' ':' block except_star_block+ [else_block] [finally_block]
 * except_block: 'except' expression ['as' NAME] ':' block | 'except' ':' block
 * except_star_block: 'except' '*' expression ['as' NAME] ':' block
 * finally_block: 'finally' ':' block */
static Node *try_stmt(void)
{
	Token *kw = tok;
	Node *n = new_node(ND_TRY, kw), *bare = NULL;

	advance();
	expect(TK_COLON);
	block(&n->body, "'try' statement", kw);
	while (at(TK_EXCEPT)) {
		Token *ekw = tok;
		Node *h = new_node(ND_HANDLER, ekw);
		bool star;
		advance();
		star = accept(TK_STAR);
		if (n->handlers.len && star != n->is_star)
			error_at(ekw->loc, "cannot have both 'except' and 'except*' on the same 'try'");
		n->is_star = star;
		if (bare)
			error_at(bare->loc, "default 'except:' must be last");
		if (at(TK_COLON)) {
			if (star)
				error_at(tok->loc, "expected one or more exception types");
			bare = h;
		} else {
			h->value = expression();
			if (at(TK_COMMA)) {
				Node *first = h->value;
				while (accept(TK_COMMA))
					if (starts_expr(tok))
						expression();
				Loc l = first->loc;
				l.len = (int)(prev->loc.p + prev->loc.len - l.p);
				error_at(l, "multiple exception types must be parenthesized");
			}
			if (accept(TK_AS))
				h->name = expect_name()->str;
		}
		expect(TK_COLON);
		block(&h->body, star ? "'except*' statement" : "'except' statement", ekw);
		vec_push(&n->handlers, finish(h));
	}
	if (n->handlers.len)
		else_block(&n->orelse);
	if (at(TK_FINALLY)) {
		Token *fkw = tok;
		advance();
		expect(TK_COLON);
		block(&n->finalbody, "'finally' statement", fkw);
	}
	if (!n->handlers.len && !n->finalbody.len)
		error_at(tok->loc, "expected 'except' or 'finally' block");
	return finish(n);
}

/* function_def: decorators? ['async'] 'def' NAME '(' [params] ')' ['->' expression] ':' block */
static Node *funcdef(Token *start, Vec *decorators, bool is_async)
{
	Token *kw = tok;
	Node *n = new_node(ND_FUNCDEF, start);

	n->is_async = is_async;
	if (decorators)
		n->decorators = *decorators;
	expect(TK_DEF);
	n->name = expect_name()->str;
	expect(TK_LPAR);
	parameters(&n->params, TK_RPAR, true);
	expect(TK_RPAR);
	if (accept(TK_ARROW))
		n->returns = expression();
	expect(TK_COLON);
	block(&n->body, "function definition", kw);
	return finish(n);
}

/* class_def: decorators? 'class' NAME ['(' [arguments] ')'] ':' block */
static Node *classdef(Token *start, Vec *decorators)
{
	Token *kw = tok;
	Node *n = new_node(ND_CLASSDEF, start);

	if (decorators)
		n->decorators = *decorators;
	expect(TK_CLASS);
	n->name = expect_name()->str;
	if (at(TK_LPAR))
		arguments(n);
	expect(TK_COLON);
	block(&n->body, "class definition", kw);
	return finish(n);
}

/* The soft keyword 'match' starts a match statement when the logical line
 * ends with ':' and 'match' is not itself a target or operand. */
static bool is_match_stmt(void)
{
	Token *t = tok->next, *last = NULL;
	int level = 0;

	if (tok->kind != TK_NAME || strcmp(tok->str, "match"))
		return false;
	switch (t->kind) {
	case TK_ASSIGN: case TK_COLON: case TK_DOT: case TK_COMMA: case TK_SEMI:
	case TK_NEWLINE: case TK_EOF: case TK_RPAR: case TK_IF:
		return false;
	default:
		if (is_augassign(t->kind))
			return false;
	}
	for (; t->kind != TK_EOF && !(t->kind == TK_NEWLINE && !level); t = t->next) {
		if (t->kind == TK_LPAR || t->kind == TK_LSQB || t->kind == TK_LBRACE)
			level++;
		else if (t->kind == TK_RPAR || t->kind == TK_RSQB || t->kind == TK_RBRACE)
			level--;
		last = t;
	}
	return last && last->kind == TK_COLON;
}

/* statement: compound_stmt | simple_stmts
 * compound_stmt: function_def | if_stmt | class_def | with_stmt | for_stmt
 *              | try_stmt | while_stmt | match_stmt */
static void statement(Vec *body)
{
	Token *start = tok;

	switch (tok->kind) {
	case TK_INDENT:
		error_at(tok->loc, "unexpected indent");
	case TK_IF:
		vec_push(body, if_stmt());
		return;
	case TK_WHILE:
		vec_push(body, while_stmt());
		return;
	case TK_FOR:
		vec_push(body, for_stmt(start, false));
		return;
	case TK_TRY:
		vec_push(body, try_stmt());
		return;
	case TK_WITH:
		vec_push(body, with_stmt(start, false));
		return;
	case TK_DEF:
		vec_push(body, funcdef(start, NULL, false));
		return;
	case TK_CLASS:
		vec_push(body, classdef(start, NULL));
		return;
	case TK_ASYNC:
		advance();
		if (at(TK_DEF))
			vec_push(body, funcdef(start, NULL, true));
		else if (at(TK_FOR))
			vec_push(body, for_stmt(start, true));
		else if (at(TK_WITH))
			vec_push(body, with_stmt(start, true));
		else
			syntax_error(tok);
		return;
	case TK_AT: {
		/* decorators: ('@' named_expression NEWLINE)+ */
		Vec decorators = { 0 };
		while (accept(TK_AT)) {
			vec_push(&decorators, named_expression());
			if (!accept(TK_NEWLINE))
				syntax_error(tok);
		}
		if (at(TK_DEF)) {
			vec_push(body, funcdef(start, &decorators, false));
		} else if (at(TK_ASYNC) && tok->next->kind == TK_DEF) {
			advance();
			vec_push(body, funcdef(start, &decorators, true));
		} else if (at(TK_CLASS)) {
			vec_push(body, classdef(start, &decorators));
		} else {
			syntax_error(tok);
		}
		return;
	}
	default:
		if (is_match_stmt())
			error_at(tok->loc, "the 'match' statement is not supported in pybpf");
		simple_stmts(body);
	}
}

/* file: [statements] ENDMARKER */
Node *parse_module(SrcFile *file, Token *toks)
{
	Node *m;

	tok = toks;
	prev = NULL;
	depth = 0;
	no_in = false;
	m = new_node(ND_MODULE, toks);
	m->loc.file = file;
	while (!at(TK_EOF))
		statement(&m->body);
	return m;
}

/* ---- dump -------------------------------------------------------------- */

static void put_str(FILE *out, const char *s, int n)
{
	fputc('"', out);
	for (int i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c == '\\' || c == '"')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *const cmp_names[] = {
	"==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not",
};

static const char *const param_kinds[] = {
	"normal", "varargs", "kwonly", "kwargs", "posonly",
};

typedef struct {
	Vec label, node;
} Kids;

static void kid(Kids *k, const char *label, Node *n)
{
	if (!n)
		return;
	vec_push(&k->label, (void *)label);
	vec_push(&k->node, n);
}

static void kids(Kids *k, const char *label, Vec *v)
{
	for (int i = 0; i < v->len; i++)
		kid(k, label, VEC_AT(*v, i));
}

/* fprintf to out unless out is NULL (describe() only collecting children) */
static void pf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	if (!out)
		return;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
}

/* The attributes (printed on the node's line) and children of n. */
static void describe(Node *n, FILE *out, Kids *k)
{
	switch (n->kind) {
	case ND_NAME:
		pf(out, " id=%s", n->name);
		break;
	case ND_INT:
		if (n->tok->big)
			pf(out, "%s", " BIG");
		else
			pf(out, " %llu", (unsigned long long)n->tok->ival);
		break;
	case ND_STR:
		pf(out, "%s", n->tok->is_bytes ? " b" : " ");
		if (out)
			put_str(out, n->tok->str, n->tok->slen);
		break;
	case ND_ATTR:
		pf(out, " attr=%s", n->name);
		kid(k, "value", n->lhs);
		break;
	case ND_SUBSCRIPT:
		kid(k, "value", n->lhs);
		kid(k, "slice", n->rhs);
		break;
	case ND_SLICE:
		kid(k, "lower", n->lhs);
		kid(k, "upper", n->rhs);
		kid(k, "step", n->third);
		break;
	case ND_CALL:
		kid(k, "func", n->lhs);
		kids(k, "arg", &n->elts);
		kids(k, "keyword", &n->vals);
		break;
	case ND_KEYWORD:
		pf(out, " %s%s", n->name ? "arg=" : "**", n->name ? n->name : "");
		kid(k, "value", n->lhs);
		break;
	case ND_BINOP:
		pf(out, " op=%s", tok_names[n->op]);
		kid(k, "left", n->lhs);
		kid(k, "right", n->rhs);
		break;
	case ND_UNARY:
		pf(out, " op=%s", tok_names[n->op]);
		kid(k, "operand", n->lhs);
		break;
	case ND_BOOLOP:
		pf(out, " op=%s", tok_names[n->op]);
		kids(k, "value", &n->elts);
		break;
	case ND_COMPARE:
		pf(out, "%s", " ops=[");
		for (int i = 0; i < n->elts.len; i++)
			pf(out, "%s'%s'", i ? " " : "", cmp_names[n->cmpops[i]]);
		pf(out, "%s", "]");
		kid(k, "left", n->lhs);
		kids(k, "comparator", &n->elts);
		break;
	case ND_IFEXP:
		kid(k, "test", n->test);
		kid(k, "body", n->lhs);
		kid(k, "orelse", n->rhs);
		break;
	case ND_LAMBDA:
		kids(k, "param", &n->params);
		kid(k, "body", n->lhs);
		break;
	case ND_TUPLE: case ND_LIST: case ND_SET:
		kids(k, "elt", &n->elts);
		break;
	case ND_DICT:
		for (int i = 0; i < n->elts.len; i++) {
			if (VEC_AT(n->elts, i))
				kid(k, "key", VEC_AT(n->elts, i));
			kid(k, VEC_AT(n->elts, i) ? "value" : "unpack", VEC_AT(n->vals, i));
		}
		break;
	case ND_LISTCOMP: case ND_SETCOMP: case ND_GENEXP:
		kid(k, "elt", n->lhs);
		kids(k, "generator", &n->comps);
		break;
	case ND_DICTCOMP:
		kid(k, "key", n->lhs);
		kid(k, "value", n->rhs);
		kids(k, "generator", &n->comps);
		break;
	case ND_COMPREHENSION:
		if (n->is_async)
			pf(out, "%s", " async");
		kid(k, "target", n->target);
		kid(k, "iter", n->iter);
		kids(k, "if", &n->elts);
		break;
	case ND_STARRED: case ND_AWAIT:
		kid(k, "value", n->lhs);
		break;
	case ND_NAMEDEXPR:
		kid(k, "target", n->lhs);
		kid(k, "value", n->rhs);
		break;
	case ND_YIELD:
		if (n->is_from)
			pf(out, "%s", " from");
		kid(k, "value", n->lhs);
		break;
	case ND_EXPR_STMT: case ND_RETURN:
		kid(k, "value", n->value);
		break;
	case ND_ASSIGN:
		kids(k, "target", &n->targets);
		kid(k, "value", n->value);
		break;
	case ND_AUGASSIGN:
		pf(out, " op=%s", tok_names[n->op]);
		kid(k, "target", n->target);
		kid(k, "value", n->value);
		break;
	case ND_ANNASSIGN:
		kid(k, "target", n->target);
		kid(k, "annotation", n->annotation);
		kid(k, "value", n->value);
		break;
	case ND_IF: case ND_WHILE:
		kid(k, "test", n->test);
		kids(k, "body", &n->body);
		kids(k, "orelse", &n->orelse);
		break;
	case ND_FOR:
		if (n->is_async)
			pf(out, "%s", " async");
		kid(k, "target", n->target);
		kid(k, "iter", n->iter);
		kids(k, "body", &n->body);
		kids(k, "orelse", &n->orelse);
		break;
	case ND_FUNCDEF:
		pf(out, " name=%s%s", n->name, n->is_async ? " async" : "");
		kids(k, "decorator", &n->decorators);
		kids(k, "param", &n->params);
		kid(k, "returns", n->returns);
		kids(k, "body", &n->body);
		break;
	case ND_PARAM:
		pf(out, " name=%s kind=%s", n->name, param_kinds[n->param_kind]);
		kid(k, "annotation", n->annotation);
		kid(k, "default", n->value);
		break;
	case ND_CLASSDEF:
		pf(out, " name=%s", n->name);
		kids(k, "decorator", &n->decorators);
		kids(k, "base", &n->elts);
		kids(k, "keyword", &n->vals);
		kids(k, "body", &n->body);
		break;
	case ND_IMPORT:
		kids(k, "name", &n->names);
		break;
	case ND_IMPORTFROM:
		pf(out, " module=%s level=%d", n->name ? n->name : "-", n->level);
		kids(k, "name", &n->names);
		break;
	case ND_ALIAS:
		pf(out, " name=%s", n->name);
		if (n->asname)
			pf(out, " asname=%s", n->asname);
		break;
	case ND_GLOBAL: case ND_NONLOCAL:
		for (int i = 0; i < n->names.len; i++)
			pf(out, " %s", ((Node *)VEC_AT(n->names, i))->name);
		break;
	case ND_DEL:
		kids(k, "target", &n->targets);
		break;
	case ND_ASSERT:
		kid(k, "test", n->test);
		kid(k, "msg", n->value);
		break;
	case ND_RAISE:
		kid(k, "exc", n->value);
		kid(k, "cause", n->lhs);
		break;
	case ND_TRY:
		if (n->is_star)
			pf(out, "%s", " star");
		kids(k, "body", &n->body);
		kids(k, "handler", &n->handlers);
		kids(k, "orelse", &n->orelse);
		kids(k, "finalbody", &n->finalbody);
		break;
	case ND_HANDLER:
		if (n->name)
			pf(out, " name=%s", n->name);
		kid(k, "type", n->value);
		kids(k, "body", &n->body);
		break;
	case ND_WITH:
		if (n->is_async)
			pf(out, "%s", " async");
		kids(k, "item", &n->items);
		kids(k, "body", &n->body);
		break;
	case ND_WITHITEM:
		kid(k, "context", n->value);
		kid(k, "target", n->target);
		break;
	case ND_MATCH:
		kid(k, "subject", n->value);
		break;
	case ND_MODULE:
		kids(k, NULL, &n->body);
		break;
	default:
		break;
	}
}

static bool is_leaf(Node *n)
{
	Kids k = { 0 };

	bool leaf;

	describe(n, NULL, &k);
	leaf = k.node.len == 0 && n->kind != ND_FSTR;
	free(k.node.data);
	free(k.label.data);
	return leaf;
}

static void dump(Node *n, int indent, const char *label, FILE *out)
{
	Kids k = { 0 };

	fprintf(out, "%s%s(%s", label ? label : "", label ? "=" : "", node_names[n->kind]);
	describe(n, out, &k);
	/* children in order: the leading leaves on the node's own line, the
	 * rest one per line below it */
	bool inline_ok = true;
	for (int i = 0; i < k.node.len; i++) {
		Node *c = (Node *)VEC_AT(k.node, i);
		const char *l = (const char *)VEC_AT(k.label, i);
		if (inline_ok && is_leaf(c)) {
			fputc(' ', out);
			dump(c, 0, l, out);
			continue;
		}
		inline_ok = false;
		fprintf(out, "\n%*s", indent + 2, "");
		dump(c, indent + 2, l, out);
	}
	if (n->kind == ND_FSTR) {
		for (int i = 0; i < n->nfparts; i++) {
			FPart *fp = &n->fparts[i];
			fprintf(out, "\n%*s", indent + 2, "");
			if (!fp->is_expr) {
				fputs("(Lit ", out);
				put_str(out, fp->text, fp->text_len);
				fputc(')', out);
				continue;
			}
			fputs("(Field", out);
			if (fp->conv)
				fprintf(out, " conv=%c", fp->conv);
			if (fp->spec) {
				fputs(" spec=", out);
				put_str(out, fp->spec, strlen(fp->spec));
			}
			if (fp->self_doc)
				fputs(" selfdoc", out);
			fprintf(out, "\n%*s", indent + 4, "");
			dump(fp->expr, indent + 4, "value", out);
			fputc(')', out);
		}
	}
	fputc(')', out);
	free(k.node.data);
	free(k.label.data);
}

void parse_dump(Node *n, FILE *out)
{
	dump(n, 0, NULL, out);
	fputc('\n', out);
}
