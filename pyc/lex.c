/* lex.c — the tokenizer: Python 3.11's lexical rules, pybpf's restrictions.
 *
 * lex_file() turns a whole source file into a list of tokens ending with
 * NEWLINE, the DEDENTs still open and EOF. Indentation is measured the way
 * CPython does it (tab size 8, and again with tab size 1 to detect mixed
 * tabs and spaces); blank and comment-only lines produce nothing; inside
 * (), [] and {} newlines and indentation are ignored.
 *
 * String literals are decoded here (tok->str/slen, UTF-8 for str literals).
 * f-strings are split into FParts here too, following 3.11's rules (the
 * expression part cannot contain the enclosing quote, a backslash or '#');
 * each expression is tokenized later by lex_span() and parsed by parse.c.
 *
 * pybpf rejections (CPython accepts these): floating-point and imaginary
 * literals, non-ASCII identifiers, \N{...} escapes, nested replacement
 * fields in format specs, lone surrogates in \u escapes.
 */
#include "pyc.h"

#include <stdlib.h>
#include <string.h>

/* ORDER TokKind */
const char *const tok_names[TK__COUNT] = {
	"EOF", "NEWLINE", "INDENT", "DEDENT", "NAME", "INT", "STRING", "FSTRING",
	"'False'", "'None'", "'True'", "'and'", "'as'", "'assert'", "'async'", "'await'",
	"'break'", "'class'", "'continue'", "'def'", "'del'", "'elif'", "'else'",
	"'except'", "'finally'", "'for'", "'from'", "'global'", "'if'", "'import'",
	"'in'", "'is'", "'lambda'", "'nonlocal'", "'not'", "'or'", "'pass'", "'raise'",
	"'return'", "'try'", "'while'", "'with'", "'yield'",
	"'+'", "'-'", "'*'", "'**'", "'/'", "'//'", "'%'",
	"'@'", "'<<'", "'>>'", "'&'", "'|'", "'^'", "'~'",
	"':='", "'<'", "'>'", "'<='", "'>='", "'=='", "'!='",
	"'('", "')'", "'['", "']'", "'{'", "'}'",
	"','", "':'", "'.'", "';'", "'='", "'->'", "'...'",
	"'+='", "'-='", "'*='", "'/='", "'//='", "'%='",
	"'@='", "'&='", "'|='", "'^='", "'>>='", "'<<='",
	"'**='",
};

#define MAX_BRACKETS 200        /* CPython's MAXLEVEL */
#define MAX_INDENT   100        /* CPython's MAXINDENT */
#define TABSIZE      8
#define ALTTABSIZE   1

typedef struct {
	char c;
	Loc loc;
} Bracket;

typedef struct {
	SrcFile *file;
	const char *p, *end;
	const char *line_start;
	int line;
	bool span;              /* lex_span(): one f-string expression */
	Token head, *tail;
	int indstack[MAX_INDENT + 1], altstack[MAX_INDENT + 1];
	int nind;
	int pending_dedents;
	Bracket br[MAX_BRACKETS];
	int nbr;
	bool line_has_tokens;   /* the current logical line produced a token */
} Lexer;

/* ---- locations --------------------------------------------------------- */

static Loc here(Lexer *L, const char *p, int len)
{
	Loc loc = { L->file, L->line, (int)(p - L->line_start) + 1, p, len > 0 ? len : 1 };
	return loc;
}

/* The location of p, found by walking forward from base (p >= base.p). */
static Loc loc_from(Loc base, const char *p, int len)
{
	Loc loc = base;
	for (const char *q = base.p; q < p; q++) {
		if (*q == '\n') {
			loc.line++;
			loc.col = 1;
		} else {
			loc.col++;
		}
	}
	loc.p = p;
	loc.len = len > 0 ? len : 1;
	return loc;
}

/* Byte at p + i, or 0 past the end of what is being tokenized. */
static int peek(Lexer *L, const char *p, int i)
{
	return p + i < L->end ? (unsigned char)p[i] : 0;
}

static bool is_newline_at(Lexer *L, const char *p)
{
	return p < L->end && (*p == '\n' || (*p == '\r' && peek(L, p, 1) == '\n'));
}

/* p is at '\n' or "\r\n": step over it and start a new physical line. */
static const char *next_line(Lexer *L, const char *p)
{
	if (*p == '\r')
		p++;
	p++;
	L->line++;
	L->line_start = p;
	return p;
}

/* ---- characters -------------------------------------------------------- */

static bool is_id_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_id_char(int c)
{
	return is_id_start(c) || (c >= '0' && c <= '9');
}

/* Decode one UTF-8 sequence at p (validated up front); returns its length. */
static int utf8_decode(const char *p, const char *end, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	int n, i;
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07;
	else
		return 0;
	if (end - p < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static void utf8_encode(Str *s, unsigned cp)
{
	char b[4];
	int n;

	if (cp < 0x80) {
		b[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = 0xc0 | (cp >> 6);
		b[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = 0xe0 | (cp >> 12);
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		b[0] = 0xf0 | (cp >> 18);
		b[1] = 0x80 | ((cp >> 12) & 0x3f);
		b[2] = 0x80 | ((cp >> 6) & 0x3f);
		b[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	str_add(s, b, n);
}

/* An error about the character at p: printable or not, ASCII or not. */
static _Noreturn void bad_char(Lexer *L, const char *p, Loc loc)
{
	unsigned cp;
	int n = utf8_decode(p, L->end, &cp);

	if (n <= 0)
		error_at(loc, "invalid UTF-8 byte 0x%02x in source", (unsigned char)*p);
	loc.len = n;
	if (cp < 0x20 || cp == 0x7f)
		error_at(loc, "invalid non-printable character U+%04X", cp);
	if (cp >= 0x80)
		error_at(loc, "invalid character '%.*s' (U+%04X): pybpf identifiers and "
			 "operators must be ASCII (non-ASCII text is only allowed in "
			 "strings and comments)", n, p, cp);
	error_at(loc, "invalid character '%c' (U+%04X)", (int)cp, cp);
}

/* ---- tokens ------------------------------------------------------------ */

static Token *add(Lexer *L, TokKind kind, Loc loc)
{
	Token *t = xcalloc(1, sizeof(*t));

	t->kind = kind;
	t->loc = loc;
	if (kind != TK_NEWLINE && kind != TK_INDENT && kind != TK_DEDENT && kind != TK_EOF) {
		if (!L->line_has_tokens)
			t->at_bol = true;
		L->line_has_tokens = true;
	}
	L->tail->next = t;
	L->tail = t;
	return t;
}

static const struct {
	const char *name;
	TokKind kind;
} keywords[] = {
	{ "False", TK_FALSE }, { "None", TK_NONE }, { "True", TK_TRUE },
	{ "and", TK_AND }, { "as", TK_AS }, { "assert", TK_ASSERT },
	{ "async", TK_ASYNC }, { "await", TK_AWAIT }, { "break", TK_BREAK },
	{ "class", TK_CLASS }, { "continue", TK_CONTINUE }, { "def", TK_DEF },
	{ "del", TK_DEL }, { "elif", TK_ELIF }, { "else", TK_ELSE },
	{ "except", TK_EXCEPT }, { "finally", TK_FINALLY }, { "for", TK_FOR },
	{ "from", TK_FROM }, { "global", TK_GLOBAL }, { "if", TK_IF },
	{ "import", TK_IMPORT }, { "in", TK_IN }, { "is", TK_IS },
	{ "lambda", TK_LAMBDA }, { "nonlocal", TK_NONLOCAL }, { "not", TK_NOT },
	{ "or", TK_OR }, { "pass", TK_PASS }, { "raise", TK_RAISE },
	{ "return", TK_RETURN }, { "try", TK_TRY }, { "while", TK_WHILE },
	{ "with", TK_WITH }, { "yield", TK_YIELD },
};

/* Operators, longest first. */
static const struct {
	const char *text;
	TokKind kind;
} operators[] = {
	{ "**=", TK_DSTAREQ }, { "//=", TK_DSLASHEQ }, { ">>=", TK_RSHIFTEQ },
	{ "<<=", TK_LSHIFTEQ }, { "...", TK_ELLIPSIS },
	{ "**", TK_DSTAR }, { "//", TK_DSLASH }, { "<<", TK_LSHIFT }, { ">>", TK_RSHIFT },
	{ "<=", TK_LE }, { ">=", TK_GE }, { "==", TK_EQ }, { "!=", TK_NE },
	{ "->", TK_ARROW }, { ":=", TK_WALRUS }, { "+=", TK_PLUSEQ }, { "-=", TK_MINUSEQ },
	{ "*=", TK_STAREQ }, { "/=", TK_SLASHEQ }, { "%=", TK_PERCENTEQ }, { "@=", TK_ATEQ },
	{ "&=", TK_AMPEQ }, { "|=", TK_PIPEEQ }, { "^=", TK_CARETEQ },
	{ "+", TK_PLUS }, { "-", TK_MINUS }, { "*", TK_STAR }, { "/", TK_SLASH },
	{ "%", TK_PERCENT }, { "@", TK_AT }, { "&", TK_AMP }, { "|", TK_PIPE },
	{ "^", TK_CARET }, { "~", TK_TILDE }, { "<", TK_LT }, { ">", TK_GT },
	{ "(", TK_LPAR }, { ")", TK_RPAR }, { "[", TK_LSQB }, { "]", TK_RSQB },
	{ "{", TK_LBRACE }, { "}", TK_RBRACE }, { ",", TK_COMMA }, { ":", TK_COLON },
	{ ".", TK_DOT }, { ";", TK_SEMI }, { "=", TK_ASSIGN },
};

/* ---- numbers ----------------------------------------------------------- */

static int digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* After a number: an identifier character right after it is an error,
 * except the keywords CPython 3.11 still tolerates there ("1if x else y"). */
static void number_end(Lexer *L, const char *start, const char *p, const char *what)
{
	static const char *const ok[] = { "and", "else", "for", "if", "in", "is", "not", "or" };
	int c = peek(L, p, 0);

	if (!is_id_char(c) && c < 0x80)
		return;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n = strlen(ok[i]);
		if ((size_t)(L->end - p) >= n && !memcmp(p, ok[i], n))
			return;
	}
	while (p < L->end && (is_id_char(*p) || (unsigned char)*p >= 0x80))
		p++;
	error_at(here(L, start, p - start), "invalid %s literal", what);
}

static _Noreturn void float_error(Lexer *L, const char *start, const char *p)
{
	while (p < L->end && (is_id_char(*p) || *p == '.'))
		p++;
	error_at(here(L, start, p - start), "floating-point numbers are not supported in "
		 "pybpf (BPF has no floating point); use integers");
}

/* Digits of a decimal literal with '_' separators; returns the end. */
static const char *decimal_digits(Lexer *L, const char *p)
{
	while (p < L->end && ((*p >= '0' && *p <= '9') || *p == '_')) {
		if (*p == '_' && !(peek(L, p, 1) >= '0' && peek(L, p, 1) <= '9'))
			error_at(here(L, p, 1), "invalid decimal literal");
		p++;
	}
	return p;
}

/* The rest of a float after its integer part: .digits, exponent, j. */
static void maybe_float(Lexer *L, const char *start, const char *p)
{
	int c = peek(L, p, 0);

	if (c == '.' || c == 'j' || c == 'J')
		float_error(L, start, p);
	if (c == 'e' || c == 'E') {
		int d = peek(L, p, 1);
		if (d == '+' || d == '-')
			d = peek(L, p, 2);
		if (d >= '0' && d <= '9')
			float_error(L, start, p);
	}
}

static const char *lex_number(Lexer *L, const char *start)
{
	const char *p = start;
	Token *t;
	uint64_t val = 0;
	bool big = false;
	int base = 10;
	const char *what = "decimal";

	if (*p == '0' && peek(L, p, 1) && strchr("xob", peek(L, p, 1) | 0x20)) {
		int c = peek(L, p, 1) | 0x20;
		base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
		what = c == 'x' ? "hexadecimal" : c == 'o' ? "octal" : "binary";
		p += 2;
		if (peek(L, p, 0) == '_')
			p++;
		if (digit_value(peek(L, p, 0)) >= base) {
			int d = peek(L, p, 0);
			if (d >= '0' && d <= '9')
				error_at(here(L, p, 1), "invalid digit '%c' in %s literal", d, what);
			error_at(here(L, p, 1), "invalid %s literal", what);
		}
		while (p < L->end) {
			int d;
			if (*p == '_') {
				if (digit_value(peek(L, p, 1)) >= base)
					error_at(here(L, p, 1), "invalid %s literal", what);
				p++;
			}
			d = digit_value(*p);
			if (d >= base) {
				if (*p >= '0' && *p <= '9')
					error_at(here(L, p, 1), "invalid digit '%c' in %s literal",
						 *p, what);
				break;
			}
			if (val > (UINT64_MAX - d) / base)
				big = true;
			val = val * base + d;
			p++;
		}
		number_end(L, start, p, what);
	} else if (*p == '.') {
		float_error(L, start, p);
	} else {
		bool zeros = *p == '0';
		p = decimal_digits(L, p);
		maybe_float(L, start, p);
		for (const char *q = start; q < p; q++) {
			if (*q == '_')
				continue;
			if (*q != '0' && zeros)
				error_at(here(L, start, p - start), "leading zeros in decimal integer "
					 "literals are not permitted; use an 0o prefix for octal integers");
			if (val > (UINT64_MAX - (*q - '0')) / 10)
				big = true;
			val = val * 10 + (*q - '0');
		}
		number_end(L, start, p, what);
	}
	t = add(L, TK_INT, here(L, start, p - start));
	t->ival = big ? 0 : val;
	t->big = big;
	return p;
}

/* ---- strings ----------------------------------------------------------- */

typedef struct {
	Lexer *L;
	Loc tokloc;             /* the whole literal */
	bool raw, bytes, fstr, triple;
	char quote;
} StrCtx;

static int hexval(const char *p, const char *e, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		if (p + i >= e || digit_value(p[i]) >= 16)
			return 0;
		v = v * 16 + digit_value(p[i]);
	}
	*out = v;
	return 1;
}

/* Decode the literal text [s, e) of a string (escapes unless raw) into out. */
static void decode(StrCtx *S, Str *out, const char *s, const char *e)
{
	while (s < e) {
		unsigned char c = *s;
		const char *esc = s;
		unsigned v;

		if (c == '\r' && s + 1 < e && s[1] == '\n') {
			s++;
			continue;
		}
		if (S->bytes && c >= 0x80)
			error_at(S->tokloc, "bytes can only contain ASCII literal characters");
		if (c != '\\' || S->raw || s + 1 >= e) {
			str_add(out, (const char *)&c, 1);
			s++;
			continue;
		}
		s++;
		c = *s++;
		switch (c) {
		case '\n':
			break;
		case '\r':
			if (s < e && *s == '\n')
				s++;
			break;
		case '\\': case '\'': case '"':
			str_add(out, (const char *)&c, 1);
			break;
		case 'a': str_add(out, "\a", 1); break;
		case 'b': str_add(out, "\b", 1); break;
		case 'f': str_add(out, "\f", 1); break;
		case 'n': str_add(out, "\n", 1); break;
		case 'r': str_add(out, "\r", 1); break;
		case 't': str_add(out, "\t", 1); break;
		case 'v': str_add(out, "\v", 1); break;
		case '0': case '1': case '2': case '3':
		case '4': case '5': case '6': case '7':
			v = c - '0';
			for (int i = 0; i < 2 && s < e && *s >= '0' && *s <= '7'; i++)
				v = v * 8 + (*s++ - '0');
			if (S->bytes) {
				char b = v & 0xff;
				str_add(out, &b, 1);
			} else {
				utf8_encode(out, v);
			}
			break;
		case 'x':
			if (!hexval(s, e, 2, &v))
				error_at(loc_from(S->tokloc, esc, 2), "truncated \\xXX escape");
			s += 2;
			if (S->bytes) {
				char b = v;
				str_add(out, &b, 1);
			} else {
				utf8_encode(out, v);
			}
			break;
		case 'u': case 'U': case 'N':
			if (S->bytes) {
				str_add(out, esc, 2);
				break;
			}
			if (c == 'N')
				error_at(loc_from(S->tokloc, esc, 2), "\\N{...} escapes are not "
					 "supported in pybpf; use \\u or \\U");
			if (!hexval(s, e, c == 'u' ? 4 : 8, &v))
				error_at(loc_from(S->tokloc, esc, 2), "truncated \\%cXXXX%s escape",
					 c, c == 'u' ? "" : "XXXX");
			s += c == 'u' ? 4 : 8;
			if (v > 0x10ffff)
				error_at(loc_from(S->tokloc, esc, s - esc), "illegal Unicode character");
			if (v >= 0xd800 && v <= 0xdfff)
				error_at(loc_from(S->tokloc, esc, s - esc), "surrogate code point "
					 "U+%04X cannot be encoded in UTF-8", v);
			utf8_encode(out, v);
			break;
		default:
			/* an invalid escape is kept as written (CPython warns) */
			str_add(out, esc, 2);
			break;
		}
	}
}

static Loc sloc(StrCtx *S, const char *p, int len)
{
	return loc_from(S->tokloc, p, len);
}

static void push_part(Vec *parts, FPart *fp)
{
	vec_push(parts, fp);
}

static void push_literal(Vec *parts, Str *lit)
{
	FPart *fp;

	if (!lit->len)
		return;
	fp = xcalloc(1, sizeof(*fp));
	fp->text = lit->buf;
	fp->text_len = lit->len;
	push_part(parts, fp);
	memset(lit, 0, sizeof(*lit));
}

/* One replacement field; s is just after '{'. Returns the position after '}'. */
static const char *fstring_field(StrCtx *S, Vec *parts, Str *lit, const char *s, const char *e)
{
	const char *start = s, *expr_end;
	char stack[MAX_BRACKETS];
	int depth = 0;
	char q = 0;             /* quote of a string inside the expression */
	bool q3 = false;
	FPart *fp;

	for (;; s++) {
		if (s >= e)
			error_at(sloc(S, e, 1), "f-string: expecting '}'");
		char c = *s;
		if (c == '\\')
			error_at(sloc(S, s, 1), "f-string expression part cannot include a backslash");
		if (q) {
			if (c == q && (!q3 || (s + 2 < e && s[1] == q && s[2] == q))) {
				s += q3 ? 2 : 0;
				q = 0;
			}
			continue;
		}
		if (c == '\'' || c == '"') {
			q = c;
			q3 = s + 2 < e && s[1] == c && s[2] == c;
			s += q3 ? 2 : 0;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (depth >= MAX_BRACKETS)
				error_at(sloc(S, s, 1), "f-string: too many nested parenthesis");
			stack[depth++] = c;
			continue;
		}
		if (c == ')' || c == ']' || c == '}') {
			char open = c == ')' ? '(' : c == ']' ? '[' : '{';
			if (!depth) {
				if (c == '}')
					break;
				error_at(sloc(S, s, 1), "f-string: unmatched '%c'", c);
			}
			if (stack[depth - 1] != open)
				error_at(sloc(S, s, 1), "f-string: closing parenthesis '%c' does not "
					 "match opening parenthesis '%c'", c, stack[depth - 1]);
			depth--;
			continue;
		}
		if (c == '#')
			error_at(sloc(S, s, 1), "f-string expression part cannot include '#'");
		if (depth)
			continue;
		if (c == '!' && s + 1 < e && s[1] == '=') {
			s++;
			continue;
		}
		if (c == '=' && s + 1 < e && s[1] == '=') {
			s++;
			continue;
		}
		if (c == '!' || c == ':')
			break;
		if (c == '=' && !(s > start && strchr("=!<>", s[-1])))
			break;
	}
	if (q)
		error_at(sloc(S, s, 1), "f-string: unterminated string");
	expr_end = s;
	{
		const char *t = start;
		while (t < expr_end && strchr(" \t\f\r\n", *t))
			t++;
		if (t == expr_end)
			error_at(sloc(S, s, 1), "f-string: empty expression not allowed");
	}
	fp = xcalloc(1, sizeof(*fp));
	fp->is_expr = true;
	fp->expr_loc = sloc(S, start, expr_end - start);
	if (*s == '=') {
		/* f"{x = }": the text "x = " is printed before the value */
		s++;
		while (s < e && strchr(" \t\f\r\n", *s))
			s++;
		str_add(lit, start, s - start);
		push_literal(parts, lit);
		fp->self_doc = true;
	}
	if (s < e && *s == '!') {
		s++;
		if (s >= e || !strchr("rsa", *s) || !*s)
			error_at(sloc(S, s, 1), "f-string: invalid conversion character: "
				 "expected 's', 'r', or 'a'");
		fp->conv = *s++;
		if (s < e && *s != ':' && *s != '}')
			error_at(sloc(S, s, 1), "f-string: expecting '}'");
	}
	if (s < e && *s == ':') {
		Str spec = { 0 };
		const char *sp = ++s;
		while (s < e && *s != '}') {
			if (*s == '{')
				error_at(sloc(S, s, 1), "nested replacement fields in f-string format "
					 "specs are not supported in pybpf");
			if (*s == '\\' && !S->raw && s + 1 < e)
				s++;
			s++;
		}
		decode(S, &spec, sp, s);
		fp->spec = spec.buf ? spec.buf : xstrdup("");
		fp->spec_loc = sloc(S, sp, s - sp);
	}
	if (s >= e || *s != '}')
		error_at(sloc(S, s, 1), "f-string: expecting '}'");
	if (fp->self_doc && !fp->conv && !fp->spec)
		fp->conv = 'r';
	push_literal(parts, lit);
	push_part(parts, fp);
	return s + 1;
}

static void fstring_parts(StrCtx *S, Token *t, const char *s, const char *e)
{
	Vec parts = { 0 };
	Str lit = { 0 };
	const char *chunk = s;

	while (s < e) {
		if (*s == '\\' && !S->raw && s + 1 < e && s[1] != '{' && s[1] != '}') {
			if (s[1] == 'N' && s + 2 < e && s[2] == '{')
				error_at(sloc(S, s, 2), "\\N{...} escapes are not supported in "
					 "pybpf; use \\u or \\U");
			s += 2;
			continue;
		}
		if (*s != '{' && *s != '}') {
			s++;
			continue;
		}
		decode(S, &lit, chunk, s);
		if (s + 1 < e && s[1] == *s) {
			str_add(&lit, s, 1);
			s += 2;
		} else if (*s == '}') {
			error_at(sloc(S, s, 1), "f-string: single '}' is not allowed");
		} else {
			s = fstring_field(S, &parts, &lit, s + 1, e);
		}
		chunk = s;
	}
	decode(S, &lit, chunk, e);
	push_literal(&parts, &lit);
	t->nfparts = parts.len;
	t->fparts = xcalloc(parts.len, sizeof(FPart));
	for (int i = 0; i < parts.len; i++)
		t->fparts[i] = *(FPart *)parts.data[i];
}

/* A string literal whose prefix starts at start and quote is at q. */
static const char *lex_string(Lexer *L, const char *start, const char *q)
{
	StrCtx S = { .L = L };
	Loc loc = here(L, start, 1);
	const char *p, *body;
	Token *t;
	Str val = { 0 };

	for (const char *c = start; c < q; c++) {
		int lc = *c | 0x20;
		S.raw |= lc == 'r';
		S.bytes |= lc == 'b';
		S.fstr |= lc == 'f';
	}
	S.quote = *q;
	S.triple = peek(L, q, 1) == *q && peek(L, q, 2) == *q;
	body = p = q + (S.triple ? 3 : 1);
	for (;;) {
		if (p >= L->end) {
			int line = L->line;
			if (p == L->line_start && line > 1 && !L->span)
				line--;
			error_at(loc, "unterminated %sstring literal (detected at line %d)",
				 S.triple ? "triple-quoted " : "", line);
		}
		if (*p == '\\' && p + 1 < L->end) {
			p++;
			if (is_newline_at(L, p))
				p = next_line(L, p);
			else
				p++;
			continue;
		}
		if (is_newline_at(L, p)) {
			if (!S.triple)
				error_at(loc, "unterminated string literal (detected at line %d)", L->line);
			p = next_line(L, p);
			continue;
		}
		if (*p == S.quote && (!S.triple || (peek(L, p, 1) == S.quote && peek(L, p, 2) == S.quote)))
			break;
		p++;
	}
	loc.len = (int)(p + (S.triple ? 3 : 1) - start);
	S.tokloc = loc;
	t = add(L, S.fstr ? TK_FSTRING : TK_STRING, loc);
	t->is_bytes = S.bytes;
	if (S.fstr) {
		fstring_parts(&S, t, body, p);
	} else {
		decode(&S, &val, body, p);
		t->str = val.buf ? val.buf : xstrdup("");
		t->slen = val.len;
	}
	return p + (S.triple ? 3 : 1);
}

static bool string_prefix(const char *s, int n)
{
	static const char *const ok[] = { "r", "u", "f", "b", "br", "rb", "fr", "rf" };
	char low[3];

	if (n > 2)
		return false;
	for (int i = 0; i < n; i++)
		low[i] = s[i] | 0x20;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if ((int)strlen(ok[i]) == n && !memcmp(ok[i], low, n))
			return true;
	return false;
}

/* ---- the main loop ----------------------------------------------------- */

static void open_bracket(Lexer *L, Token *t)
{
	if (L->nbr >= MAX_BRACKETS)
		error_at(t->loc, "too many nested parentheses");
	L->br[L->nbr].c = *t->loc.p;
	L->br[L->nbr].loc = t->loc;
	L->nbr++;
}

static void close_bracket(Lexer *L, Token *t)
{
	char c = *t->loc.p, open = c == ')' ? '(' : c == ']' ? '[' : '{';
	Bracket *b;

	if (!L->nbr)
		error_at(t->loc, "unmatched '%c'", c);
	b = &L->br[--L->nbr];
	if (b->c != open) {
		if (b->loc.line != t->loc.line)
			error_at(t->loc, "closing parenthesis '%c' does not match opening "
				 "parenthesis '%c' on line %d", c, b->c, b->loc.line);
		error_at(t->loc, "closing parenthesis '%c' does not match opening "
			 "parenthesis '%c'", c, b->c);
	}
}

/* At the start of a physical line outside brackets: measure the indentation,
 * skip blank lines, emit INDENT/DEDENTs. Returns the first non-blank char. */
static const char *indentation(Lexer *L, const char *p)
{
	for (;;) {
		int col = 0, altcol = 0;
		const char *ls = p;

		while (p < L->end) {
			if (*p == ' ') {
				col++;
				altcol++;
			} else if (*p == '\t') {
				col = (col / TABSIZE + 1) * TABSIZE;
				altcol = (altcol / ALTTABSIZE + 1) * ALTTABSIZE;
			} else if (*p == '\f') {
				col = altcol = 0;
			} else {
				break;
			}
			p++;
		}
		if (p < L->end && *p == '#') {
			while (p < L->end && *p != '\n' && !is_newline_at(L, p))
				p++;
		}
		if (p >= L->end)
			return p;
		if (is_newline_at(L, p)) {
			p = next_line(L, p);
			continue;
		}
		/* a line with tokens */
		Loc first = here(L, p, 1);
		Loc whole = here(L, ls, p - ls);
		int top = L->indstack[L->nind];
		if (col == top) {
			if (altcol != L->altstack[L->nind])
				error_at(whole, "inconsistent use of tabs and spaces in indentation");
		} else if (col > top) {
			if (L->nind + 1 >= MAX_INDENT)
				error_at(first, "too many levels of indentation");
			if (altcol <= L->altstack[L->nind])
				error_at(whole, "inconsistent use of tabs and spaces in indentation");
			L->nind++;
			L->indstack[L->nind] = col;
			L->altstack[L->nind] = altcol;
			add(L, TK_INDENT, first);
		} else {
			int n = 0;
			while (L->nind > 0 && col < L->indstack[L->nind]) {
				L->nind--;
				n++;
			}
			if (col != L->indstack[L->nind])
				error_at(first, "unindent does not match any outer indentation level");
			if (altcol != L->altstack[L->nind])
				error_at(whole, "inconsistent use of tabs and spaces in indentation");
			L->pending_dedents = n;
			while (L->pending_dedents > 0) {
				add(L, TK_DEDENT, first);
				L->pending_dedents--;
			}
		}
		return p;
	}
}

static void tokenize(Lexer *L)
{
	const char *p = L->p;
	bool bol = !L->span;    /* at the start of a logical line */

	for (;;) {
		if (bol && L->nbr == 0) {
			p = indentation(L, p);
			bol = false;
		}
		while (p < L->end && (*p == ' ' || *p == '\t' || *p == '\f' ||
				      (*p == '\r' && !is_newline_at(L, p))))
			p++;
		if (p < L->end && *p == '#' && !L->span) {
			while (p < L->end && !is_newline_at(L, p))
				p++;
		}
		if (p >= L->end)
			break;
		int c = (unsigned char)*p;
		if (is_newline_at(L, p)) {
			if (L->span || L->nbr > 0) {
				p = next_line(L, p);
				continue;
			}
			if (L->line_has_tokens) {
				add(L, TK_NEWLINE, here(L, p, 1));
				L->line_has_tokens = false;
			}
			p = next_line(L, p);
			bol = true;
			continue;
		}
		if (c == '\\') {
			if (is_newline_at(L, p + 1)) {
				p = next_line(L, p + 1);
				if (p >= L->end && !L->span)
					error_at(here(L, p, 1), "unexpected EOF while parsing");
				continue;
			}
			if (p + 1 >= L->end)
				error_at(here(L, p + 1, 1), "unexpected EOF while parsing");
			error_at(here(L, p + 1, 1), "unexpected character after line continuation character");
		}
		if (is_id_start(c)) {
			const char *s = p;
			while (p < L->end && is_id_char(*p))
				p++;
			if (p < L->end && (*p == '\'' || *p == '"') && string_prefix(s, p - s)) {
				p = lex_string(L, s, p);
				continue;
			}
			if (p < L->end && (unsigned char)*p >= 0x80)
				bad_char(L, p, here(L, p, 1));
			Token *t = add(L, TK_NAME, here(L, s, p - s));
			t->str = xstrndup(s, p - s);
			t->slen = p - s;
			for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
				if (!strcmp(keywords[i].name, t->str)) {
					t->kind = keywords[i].kind;
					break;
				}
			}
			continue;
		}
		if ((c >= '0' && c <= '9') || (c == '.' && peek(L, p, 1) >= '0' && peek(L, p, 1) <= '9')) {
			p = lex_number(L, p);
			continue;
		}
		if (c == '\'' || c == '"') {
			p = lex_string(L, p, p);
			continue;
		}
		size_t i;
		for (i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
			size_t n = strlen(operators[i].text);
			if ((size_t)(L->end - p) >= n && !memcmp(p, operators[i].text, n))
				break;
		}
		if (i == sizeof(operators) / sizeof(operators[0]))
			bad_char(L, p, here(L, p, 1));
		size_t n = strlen(operators[i].text);
		Token *t = add(L, operators[i].kind, here(L, p, n));
		if (t->kind == TK_LPAR || t->kind == TK_LSQB || t->kind == TK_LBRACE)
			open_bracket(L, t);
		else if (t->kind == TK_RPAR || t->kind == TK_RSQB || t->kind == TK_RBRACE)
			close_bracket(L, t);
		p += n;
	}
	if (L->nbr)
		error_at(L->br[L->nbr - 1].loc, "'%c' was never closed", L->br[L->nbr - 1].c);
	if (!L->span) {
		if (L->line_has_tokens)
			add(L, TK_NEWLINE, here(L, p, 1));
		L->pending_dedents = L->nind;
		while (L->pending_dedents > 0) {
			add(L, TK_DEDENT, here(L, p, 1));
			L->pending_dedents--;
		}
	}
	add(L, TK_EOF, here(L, p, 1));
}

/* Reject NUL bytes, invalid UTF-8 and lone CRs (CPython reads those as
 * newlines; diagnostics could not show such lines) before tokenizing. */
static void check_encoding(Lexer *L)
{
	for (const char *p = L->p; p < L->end;) {
		unsigned cp;
		int n;

		if (*p == '\n') {
			p = next_line(L, p);
			continue;
		}
		if (!*p)
			error_at(here(L, p, 1), "source code cannot contain null bytes");
		if (*p == '\r' && (p + 1 >= L->end || p[1] != '\n'))
			error_at(here(L, p, 1), "carriage return without a line feed in source "
				 "(use \\n or \\r\\n line endings)");
		n = utf8_decode(p, L->end, &cp);
		if (n <= 0)
			error_at(here(L, p, 1), "invalid UTF-8 byte 0x%02x in source (pybpf "
				 "sources must be UTF-8)", (unsigned char)*p);
		p += n;
	}
	L->line = 1;
	L->line_start = L->p;
}

Token *lex_file(SrcFile *file)
{
	Lexer lexer = { 0 }, *L = &lexer;     /* the tokens outlive it, not the lexer */

	L->file = file;
	L->p = file->text;
	L->end = file->text + file->len;
	L->line = 1;
	L->line_start = file->text;
	L->tail = &L->head;
	check_encoding(L);
	/* a UTF-8 byte order mark is skipped, as CPython does */
	if (L->end - L->p >= 3 && !memcmp(L->p, "\xef\xbb\xbf", 3))
		L->p += 3;
	tokenize(L);
	return L->head.next;
}

Token *lex_span(Loc loc)
{
	Lexer lexer = { 0 }, *L = &lexer;     /* the tokens outlive it, not the lexer */

	L->file = loc.file;
	L->p = loc.p;
	L->end = loc.p + loc.len;
	L->line = loc.line;
	L->line_start = loc.p - (loc.col - 1);
	L->span = true;
	L->tail = &L->head;
	tokenize(L);
	return L->head.next;
}

/* ---- dump -------------------------------------------------------------- */

static void put_escaped(FILE *out, const char *s, int n, bool source)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\r')
			fputs("\\r", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\\' && !source)
			fputs("\\\\", out);
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !source))
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
}

void lex_dump(Token *t, FILE *out)
{
	for (; t; t = t->next) {
		fprintf(out, "%d:%d %s", t->loc.line, t->loc.col, tok_names[t->kind]);
		if (t->kind == TK_NEWLINE || t->kind == TK_INDENT || t->kind == TK_DEDENT ||
		    t->kind == TK_EOF) {
			fputc('\n', out);
			continue;
		}
		fputc(' ', out);
		put_escaped(out, t->loc.p, t->loc.len, true);
		if (t->kind == TK_INT) {
			if (t->big)
				fputs(" =BIG", out);
			else
				fprintf(out, " =%llu", (unsigned long long)t->ival);
		} else if (t->kind == TK_STRING) {
			fputs(" =", out);
			put_escaped(out, t->str, t->slen, false);
		} else if (t->kind == TK_FSTRING) {
			fputs(" =", out);
			for (int i = 0; i < t->nfparts; i++) {
				FPart *fp = &t->fparts[i];
				if (!fp->is_expr) {
					fputc('"', out);
					put_escaped(out, fp->text, fp->text_len, false);
					fputc('"', out);
					continue;
				}
				fputc('{', out);
				put_escaped(out, fp->expr_loc.p, fp->expr_loc.len, true);
				fprintf(out, "@%d:%d", fp->expr_loc.line, fp->expr_loc.col);
				if (fp->self_doc)
					fputc('=', out);
				if (fp->conv)
					fprintf(out, "!%c", fp->conv);
				if (fp->spec) {
					fputc(':', out);
					put_escaped(out, fp->spec, strlen(fp->spec), false);
					fprintf(out, "@%d:%d", fp->spec_loc.line, fp->spec_loc.col);
				}
				fputc('}', out);
			}
		}
		fputc('\n', out);
	}
}
