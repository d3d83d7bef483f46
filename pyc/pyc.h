/* pyc.h — the pybpf compiler: one header for every stage.
 *
 *   lex.c     source text  -> Token list        (lex_*)
 *   parse.c   Token list   -> AST (Node)        (parse_*)
 *   check.c   AST          -> typed AST + Prog  (check_*)
 *   emit.c    Prog         -> BPF C text         (emit_*)
 *   diag.c    diagnostics: file:line:col: error: ... with source line and caret
 *   util.c    allocation (never freed: the compiler is short-lived), vectors, strings
 *
 * Every token points into the source and knows its file, line and column;
 * every node keeps the token it starts at, so any pass can point at the source.
 */
#ifndef PYC_H
#define PYC_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- util.c ----------------------------------------------------------- */

void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer (used by the emitter and the loader). */
typedef struct {
	char *buf;
	size_t len, cap;
} Str;
void str_add(Str *s, const char *data, size_t n);
void str_puts(Str *s, const char *text);
void str_printf(Str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A growable vector of pointers. */
typedef struct Vec_ {
	void **data;
	int len, cap;
} Vec;
void vec_push(Vec *v, void *p);
#define VEC_AT(v, i) ((v).data[i])

/* Levenshtein distance between two names (for "did you mean"). */
int edit_distance(const char *a, const char *b);

/* Read a whole file; NULL and errno set on failure. *len gets the size. */
char *read_file(const char *path, size_t *len);

/* ---- diag.c ----------------------------------------------------------- */

typedef struct SrcFile {
	const char *name;     /* as given by the user, used in messages */
	const char *text;     /* whole contents, NUL-terminated */
	size_t len;
} SrcFile;

/* A position in a source file (1-based line and column, column counted in
 * characters of the line as written, tabs count as one). */
typedef struct {
	SrcFile *file;
	int line, col;
	const char *p;        /* pointer into file->text */
	int len;              /* length of the underlined span (>= 1) */
} Loc;

/* User errors: print "file:line:col: error: msg", the source line, and a
 * caret under the column (with ~ under the rest of the span), then exit(1).
 * Never return. */
_Noreturn void error_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A note attached to the previous error (printed, does not exit). */
void note_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like error_at but the caller prints notes afterwards and calls diag_exit(). */
void error_begin(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void diag_exit(void);
/* An error with no source position ("pybpf: error: ..."), exit(1). */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Compiler bugs: "pybpf: internal compiler error at pyc/x.c:123: ..." exit(70). */
_Noreturn void ice_at(const char *cfile, int cline, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define unreachable() ice_at(__FILE__, __LINE__, "unreachable")
#define ICE(...) ice_at(__FILE__, __LINE__, __VA_ARGS__)

/* When set, error_at longjmps here instead of exiting (used by the fuzzer
 * harness and by `pybpf load --watch`). NULL by default. */
extern jmp_buf *diag_jmp;

/* The first error reported since diag_last_reset() (the Python extension's
 * CompileError): where (file NULL for an error with no position, such as
 * fatal()'s) and the message without "file:line:col: error: ". */
typedef struct DiagLast {
	bool set;
	char *file, *msg;
	int line, col;
} DiagLast;
extern DiagLast diag_last;
/* Called by ice_at() just before exit(70) when set (the fuzzer aborts there;
 * the Python extension longjmps to diag_jmp). */
extern void (*ice_hook)(void);
void diag_last_reset(void);

/* ---- lex.c ------------------------------------------------------------ */

/* ORDER TokKind: tok_names[] in lex.c follows this order. */
typedef enum {
	TK_EOF,
	TK_NEWLINE,
	TK_INDENT,
	TK_DEDENT,
	TK_NAME,
	TK_INT,       /* ival (uint64), big set when it does not fit in 64 bits */
	TK_STRING,    /* str/slen: decoded value; is_bytes for b'' literals */
	TK_FSTRING,   /* fparts: literal text and {expr} parts, see FPart */
	/* keywords */
	TK_FALSE, TK_NONE, TK_TRUE, TK_AND, TK_AS, TK_ASSERT, TK_ASYNC, TK_AWAIT,
	TK_BREAK, TK_CLASS, TK_CONTINUE, TK_DEF, TK_DEL, TK_ELIF, TK_ELSE,
	TK_EXCEPT, TK_FINALLY, TK_FOR, TK_FROM, TK_GLOBAL, TK_IF, TK_IMPORT,
	TK_IN, TK_IS, TK_LAMBDA, TK_NONLOCAL, TK_NOT, TK_OR, TK_PASS, TK_RAISE,
	TK_RETURN, TK_TRY, TK_WHILE, TK_WITH, TK_YIELD,
	/* operators and delimiters */
	TK_PLUS, TK_MINUS, TK_STAR, TK_DSTAR, TK_SLASH, TK_DSLASH, TK_PERCENT,
	TK_AT, TK_LSHIFT, TK_RSHIFT, TK_AMP, TK_PIPE, TK_CARET, TK_TILDE,
	TK_WALRUS, TK_LT, TK_GT, TK_LE, TK_GE, TK_EQ, TK_NE,
	TK_LPAR, TK_RPAR, TK_LSQB, TK_RSQB, TK_LBRACE, TK_RBRACE,
	TK_COMMA, TK_COLON, TK_DOT, TK_SEMI, TK_ASSIGN, TK_ARROW, TK_ELLIPSIS,
	TK_PLUSEQ, TK_MINUSEQ, TK_STAREQ, TK_SLASHEQ, TK_DSLASHEQ, TK_PERCENTEQ,
	TK_ATEQ, TK_AMPEQ, TK_PIPEEQ, TK_CARETEQ, TK_RSHIFTEQ, TK_LSHIFTEQ,
	TK_DSTAREQ,
	TK__COUNT
} TokKind;

extern const char *const tok_names[TK__COUNT]; /* "NAME", "'+='", "'def'" ... */

typedef struct Node Node;

/* One piece of an f-string: either literal text, or a replacement field
 * {expr!conv:spec}. The expression is parsed by the parser from expr_loc
 * (lex.c records where its text is, with correct line/col). */
typedef struct FPart {
	bool is_expr;
	char *text;           /* literal: decoded text ("{{" already folded) */
	int text_len;
	/* replacement field */
	Loc expr_loc;         /* span of the expression text inside the f-string */
	char conv;            /* 0, 'r', 's' or 'a' */
	char *spec;           /* format spec text after ':', or NULL; nested {} rejected by the lexer */
	Loc spec_loc;
	bool self_doc;        /* f"{x=}" */
	Node *expr;           /* filled in by the parser */
} FPart;

typedef struct Token {
	TokKind kind;
	Loc loc;              /* loc.p/loc.len: the token's text in the source */
	struct Token *next;
	/* TK_INT */
	uint64_t ival;
	bool big;             /* literal does not fit in 64 bits */
	/* TK_NAME (the identifier) and TK_STRING (decoded value, may hold NULs) */
	char *str;
	int slen;
	bool is_bytes;
	/* TK_FSTRING */
	FPart *fparts;
	int nfparts;
	bool at_bol;          /* first token on its logical line */
} Token;

/* Tokenize a whole file. Errors exit through error_at. The list ends with
 * NEWLINE (if the last line had tokens), the DEDENTs still open, then EOF. */
Token *lex_file(SrcFile *file);
/* Tokenize one expression inside an f-string replacement field starting at
 * loc (no INDENT/DEDENT/NEWLINE; ends with EOF at the end of the span). */
Token *lex_span(Loc loc);
/* Debug dump: one token per line "line:col KIND text" (used by tests). */
void lex_dump(Token *t, FILE *out);

/* ---- parse.c: the AST ------------------------------------------------ */

/* ORDER NodeKind: node_names[] in parse.c follows this order. */
typedef enum {
	/* expressions */
	ND_NAME,       /* name */
	ND_INT,        /* tok->ival / tok->big */
	ND_STR,        /* tok->str / tok->slen / tok->is_bytes (adjacent literals concatenated) */
	ND_FSTR,       /* fparts/nfparts (adjacent literals, incl. plain strings, concatenated) */
	ND_TRUE, ND_FALSE, ND_NONE, ND_ELLIPSIS,
	ND_ATTR,       /* lhs.name */
	ND_SUBSCRIPT,  /* lhs[rhs]  (rhs may be ND_TUPLE or ND_SLICE) */
	ND_SLICE,      /* lhs:rhs:third (each may be NULL) */
	ND_CALL,       /* lhs(args..., keywords...) */
	ND_KEYWORD,    /* name=lhs in a call or class header; name NULL for **lhs */
	ND_BINOP,      /* lhs op rhs; op is TK_PLUS ... TK_AT */
	ND_UNARY,      /* op lhs; op is TK_MINUS, TK_PLUS, TK_TILDE, TK_NOT */
	ND_BOOLOP,     /* op is TK_AND/TK_OR; elts: 2 or more operands */
	ND_COMPARE,    /* lhs (cmpops[i] elts[i])...; cmpops hold CmpOp */
	ND_IFEXP,      /* rhs if test else third: test, lhs=body, rhs=orelse */
	ND_LAMBDA,     /* params, lhs=body */
	ND_TUPLE, ND_LIST, ND_SET,  /* elts */
	ND_DICT,       /* elts=keys (NULL key for **mapping), vals=values */
	ND_LISTCOMP, ND_SETCOMP, ND_GENEXP,  /* lhs=element, comps */
	ND_DICTCOMP,   /* lhs=key, rhs=value, comps */
	ND_COMPREHENSION, /* for target in iter if ifs...: target, iter, elts=ifs, is_async */
	ND_STARRED,    /* *lhs */
	ND_NAMEDEXPR,  /* lhs := rhs */
	ND_YIELD,      /* yield lhs (lhs may be NULL); is_from for 'yield from' */
	ND_AWAIT,      /* await lhs */

	/* statements */
	ND_EXPR_STMT,  /* value */
	ND_ASSIGN,     /* targets = value   (a = b = value: two targets) */
	ND_AUGASSIGN,  /* target op= value; op is the binary operator (TK_PLUS for +=) */
	ND_ANNASSIGN,  /* target: annotation [= value] */
	ND_IF,         /* if test: body elif...: orelse holds one ND_IF for elif */
	ND_WHILE,      /* while test: body else: orelse */
	ND_FOR,        /* for target in iter: body else: orelse; is_async */
	ND_BREAK, ND_CONTINUE, ND_PASS,
	ND_RETURN,     /* value (may be NULL) */
	ND_FUNCDEF,    /* decorators, name, params, returns, body; is_async */
	ND_PARAM,      /* name, annotation, value=default; kind in param_kind */
	ND_CLASSDEF,   /* decorators, name, bases (elts), keywords (vals), body */
	ND_IMPORT,     /* names: ND_ALIAS list */
	ND_IMPORTFROM, /* module name (dots in level), names: ND_ALIAS list; '*' as alias name "*" */
	ND_ALIAS,      /* name [as asname] */
	ND_GLOBAL, ND_NONLOCAL, /* names: ND_NAME list (in elts) */
	ND_DEL,        /* targets */
	ND_ASSERT,     /* test, value=msg */
	ND_RAISE,      /* value=exc, lhs=cause (from) */
	ND_TRY,        /* body, handlers, orelse, finalbody; is_star for except* */
	ND_HANDLER,    /* except type as name: body (type may be NULL) */
	ND_WITH,       /* items (ND_WITHITEM), body; is_async */
	ND_WITHITEM,   /* value as target */
	ND_MATCH,      /* parsed only far enough to reject: value=subject */
	ND_MODULE,     /* body */
	ND__COUNT
} NodeKind;

extern const char *const node_names[ND__COUNT];

typedef enum {
	CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE,
	CMP_IN, CMP_NOT_IN, CMP_IS, CMP_IS_NOT
} CmpOp;

typedef enum { PARAM_NORMAL, PARAM_VARARGS, PARAM_KWONLY, PARAM_KWARGS, PARAM_POSONLY } ParamKind;

struct Type;

struct Node {
	NodeKind kind;
	Token *tok;           /* first token; diagnostics point here */
	Loc loc;              /* span of the whole construct (at least tok->loc) */

	/* expressions */
	Node *lhs, *rhs, *third;
	int op;               /* TokKind of the operator */
	CmpOp *cmpops;        /* ND_COMPARE: one per element of elts */
	Vec elts;             /* Node*: tuple/list/set items, call args, compare operands, boolop operands, dict keys */
	Vec vals;             /* Node*: dict values, call keywords (ND_KEYWORD), class keywords */
	Vec comps;            /* Node*: ND_COMPREHENSION */
	FPart *fparts;        /* ND_FSTR */
	int nfparts;
	bool is_from;         /* yield from */

	/* statements */
	Node *test, *value, *target, *annotation, *iter, *returns;
	Vec targets;          /* ND_ASSIGN, ND_DEL */
	Vec body, orelse, finalbody;
	Vec handlers;         /* ND_TRY: ND_HANDLER */
	Vec decorators;       /* ND_FUNCDEF, ND_CLASSDEF: expressions */
	Vec params;           /* ND_FUNCDEF, ND_LAMBDA: ND_PARAM */
	Vec items;            /* ND_WITH: ND_WITHITEM */
	Vec names;            /* ND_IMPORT/ND_IMPORTFROM: ND_ALIAS; ND_GLOBAL/ND_NONLOCAL: ND_NAME */
	const char *name;     /* ND_NAME, ND_ATTR, ND_FUNCDEF, ND_CLASSDEF, ND_PARAM, ND_KEYWORD, ND_ALIAS, ND_HANDLER (as name), ND_IMPORTFROM module */
	const char *asname;   /* ND_ALIAS */
	int level;            /* ND_IMPORTFROM: number of leading dots */
	ParamKind param_kind; /* ND_PARAM */
	bool is_async, is_star;
	bool parens;          /* parse.c: the expression was written in parentheses */
	bool unpacked;        /* checker: a call whose two results an unpacking assignment takes (v, n = bpf.strtol(...)) */
	int height;           /* parse.c: height of the expression tree (capped, so passes may recurse) */

	/* filled in by the checker */
	struct Type *type;
	struct Sym *sym;      /* resolved symbol (ND_NAME, map of ND_SUBSCRIPT's lhs) */
	struct RaiseSite *raise; /* first of the exception sites this node can raise at (consecutive ids) */
	struct RaiseSite *store_raise; /* raised when the value is stored into a narrower type */
	int rec_off;          /* print argument: byte offset in its record */
	int64_t cval;         /* a constant the checker folded (e.g. the exponent of **) */
	signed char folded;   /* the test of an if/elif made of constants (Finals with their -D values):
	                       * 1 true, -1 false, 0 not constant; the emitter writes only the branch taken */
	int id;               /* ND_CALL of print: the print site */
	struct KField *kf;    /* ND_ATTR on a kernel struct: the member (pyc/btf.h) */
	int kstruct;          /* ND_ATTR on a kernel struct: the struct's BTF id */
	struct Vec_ *locals;  /* ND_FUNCDEF: the function's locals (Sym*) */
};

/* Parse a whole module. Syntax errors exit through error_at. */
Node *parse_module(SrcFile *file, Token *toks);
/* Debug dump of the AST as an indented tree (used by tests). */
void parse_dump(Node *n, FILE *out);

/* ---- check.c: types, symbols and the program description ------------- */

typedef enum {
	TY_NONE,      /* the value None / a function returning nothing */
	TY_BOOL,
	TY_INT,       /* Python int: 64-bit signed at run time; OverflowError beyond */
	TY_FIXED,     /* u8..u64, i8..i64: storage types (map keys/values, annotated locals) */
	TY_STR,       /* str[N]: NUL-padded, capacity N bytes (including the NUL) */
	TY_MAP,       /* a BPF map declared at module level */
	TY_CTX,       /* a probe's context argument (tracepoint args) */
	TY_PTR,       /* a pointer to something other than a kernel struct: user_str()/kernel_str() read it */
	TY_KPTR,      /* a pointer to a kernel struct or union (btf_id): fields read with CO-RE */
	TY_KVAL,      /* a kernel struct or union embedded by value: only its fields can be used */
	TY_TUPLE,     /* (a, b, ...) as a map key or value: elems, laid out like a C struct */
	TY_AGG,       /* an aggregation map value: Count, Sum, Min, Max, Avg, Stats, Hist, LHist */
	TY_STRUCT,    /* class X(Struct): elems/offsets/fnames like a tuple, name in sname */
	TY_STACK,     /* KStack / UStack: a stack id (u64: low 32 bits the id or -errno, high 32 the pid for UStack) */
	TY_FILE,      /* the f of `with open(path) as f:` (a struct pybpf_file *, acquired and released) */
	TY_OPT,       /* Optional[int]: d.get(k); usable as an int only where the checker saw `is not None` */
	TY_BYTES,     /* bytes[N]: exactly N bytes (NULs included), e.g. read from memory */
	TY_DYNPTR,    /* a struct bpf_dynptr on the BPF stack (check_dynptr.c); val: the ring buffer's record type, or NULL */
	TY_TIMER,     /* Timer: a struct bpf_timer, only as an Array map's value (check_timer.c) */
	TY_LOCK,      /* SpinLock / ResSpinLock (sname): a Struct field of a Hash's or an Array's value (check_lock.c) */
	TY_PACKET,    /* pkt = ctx.packet() of a packet probe (@xdp, @tc, @cgroup_skb): data .. data_end (check_packet.c) */
} TypeKind;

typedef enum { MAP_HASH, MAP_LRU_HASH, MAP_PERCPU_HASH, MAP_LRU_PERCPU_HASH, MAP_LPM, MAP_ARRAY, MAP_PERCPU_ARRAY,
	       MAP_QUEUE, MAP_STACK, MAP_SORTEDLIST, MAP_BLOOM, MAP_RINGBUF, MAP_TASK_STORAGE, MAP_CGRP_STORAGE,
	       MAP_PROG_ARRAY, MAP_PERF_BUF, MAP_PERF_COUNTERS,   /* these two: BPF_MAP_TYPE_PERF_EVENT_ARRAY (check_perf.c) */
	       MAP_SK_STORAGE, MAP_USER_RINGBUF,   /* the last: records from user space (check_userrb.c) */
	       MAP_INODE_STORAGE,
	       MAP__COUNT } MapKind;
/* TaskStorage[V], CgrpStorage[V], SkStorage[V]: local storage keyed by a trusted task / cgroup / socket pointer (check_kptr.c) */
#define MAP_IS_STORAGE(k) ((k) == MAP_TASK_STORAGE || (k) == MAP_CGRP_STORAGE || (k) == MAP_SK_STORAGE || \
			   (k) == MAP_INODE_STORAGE)
/* "task", "cgroup", "socket": what a storage map's items hang off (check_kptr.c) */
const char *storage_owner(MapKind k);
/* the kernel helpers' infix of a local storage kind: "task" (bpf_task_storage_get) */
const char *storage_infix(MapKind k);

typedef struct Type {
	TypeKind kind;
	int size;             /* TY_FIXED: 1, 2, 4, 8; TY_STR: capacity */
	bool is_signed;       /* TY_FIXED */
	bool user;            /* TY_STACK: a user-space stack; TY_PTR/TY_KPTR/TY_KVAL: user memory (check_uptr.c) */
	bool copy;            /* TY_KVAL: a stack copy of a user struct (ts = user_read(p)) or a struct inside one */
	bool pkt;             /* TY_KPTR, TY_KVAL: a header in the packet (pkt.header(T), check_packet.c): fields are
	                       * read and written directly, bounds checked when the header was taken */
	int addr;             /* TY_FIXED u32: 4, an IPv4 address in host order (IPv4); TY_BYTES 16: 6, an IPv6 address (IPv6) */
	bool inplace;         /* TY_STRUCT: a record reserved in its ring buffer (with bpf.ringbuf_reserve(rb) as rec:), held by pointer */
	const char *maybe_none; /* TY_KPTR: the helper ("bpf_skc_to_tcp_sock") whose result this is, None or a pointer (check_sock.c) */
	MapKind map_kind;     /* TY_MAP */
	struct Type *key, *val;
	int btf_id;           /* TY_KPTR, TY_KVAL: the struct/union in the kernel's BTF */
	/* TY_TUPLE: element types and their byte offsets; size is the padded total */
	Vec elems;            /* Type* */
	int *offsets;
	/* TY_AGG */
	int agg;              /* AggKind */
	int cid;              /* TY_TUPLE: number of its C struct (struct __pyb_tupleN) */
	/* TY_STRUCT */
	const char *sname;    /* the class name */
	Vec fnames;           /* const char*: field names, in order */
	Vec fdefaults;        /* Node*: default values (NULL: required) */
	int64_t lo, hi, step; /* AGG_LHIST: buckets [lo, lo+step), ... up to hi */
} Type;

/* Aggregations kept in per-CPU map values, merged by the loader.
 * Value layouts (all __s64/__u64, native endian):
 *   AGG_COUNT, AGG_SUM:  one __s64 (the count / the sum)
 *   AGG_MIN, AGG_MAX, AGG_AVG, AGG_STATS: { __s64 count, sum, min, max }
 *   AGG_HIST:  __u64 slots[AGG_HIST_SLOTS]: slot 0 counts values < 0,
 *              slot 1 the value 0, slot k >= 2 values in [2**(k-2), 2**(k-1))
 *   AGG_LHIST: __u64 slots[(hi - lo) / step + 2]: slot 0 values < lo,
 *              slot i >= 1 values in [lo + (i-1)*step, lo + i*step),
 *              the last slot values >= hi
 * Merging across CPUs: counts, sums and slots add; min and max take the
 * min and max over CPUs whose count is not 0. */
typedef enum { AGG_COUNT, AGG_SUM, AGG_MIN, AGG_MAX, AGG_AVG, AGG_STATS, AGG_HIST, AGG_LHIST, AGG__COUNT } AggKind;
#define AGG_HIST_SLOTS 66
extern const char *const agg_names[AGG__COUNT];   /* "Count", ... "LHist" */

extern Type *ty_none, *ty_bool, *ty_int, *ty_ctx, *ty_ptr;
Type *ty_fixed(int size, bool is_signed);
Type *ty_str(int cap);
Type *ty_bytes(int n);
/* "int", "u32", "str[16]", "Hash[str[16], u64]" */
const char *ty_name(Type *t);
/* Size and alignment in bytes of a storage (map key/value, record) type. */
int ty_size(Type *t);
/* C spelling of a storage type: "__u32", "char[16]" (for __type()) */
const char *ty_ctype(Type *t);
/* check_helpers.c: bpf.NAME(...), the BPF helpers of helpers/helpers_gen.c.
 * check_call.c passes the checker's own checks in as hooks (c is its Checker). */
struct pyb_helper;
struct Prog;
typedef struct HelperHooks {
	void *c;
	struct Type *(*expr)(void *c, Node *e);                      /* check an expression */
	void (*store)(void *c, Node *v, struct Type *from, struct Type *to, const char *what); /* check_store */
	struct RaiseSite *(*raise)(void *c, Node *at, const char *exc); /* a new raise site */
	struct Sym *(*lookup)(void *c, const char *name);                 /* a name in scope */
	bool (*imported)(void *c, const char *name);                      /* a builtin brought by the imports */
	/* a kernel pointer argument of C type ctype, and a kernel pointer return (check_kptr.c) */
	void (*kptr_arg)(void *c, Node *a, struct Type *got, const char *ctype, const char *what);
	struct Type *(*kptr_type)(void *c, Node *at, const char *ctype);
} HelperHooks;
struct Type *check_helper_call(HelperHooks *hk, Node *e);
/* helper h's parameter i is an @iter program's seq_file (ctx() is passed) */
bool helper_seq_file(const struct pyb_helper *h, int i);
/* h writes its str argument out, up to the NUL (bpf_seq_write) */
bool helper_writes_out(const struct pyb_helper *h);
/* h's format values are packed into a u64 array (bpf_snprintf, bpf_seq_printf) */
bool helper_packs_values(const struct pyb_helper *h);
/* check_sock.c: bpf.skc_to_tcp_sock() and kin, bpf.sock_from_file() ("bpf_..." names), and the Python signature */
bool sock_helper(const char *name);
const char *sock_helper_sig(const struct pyb_helper *h);
/* check_dynptr.c: whether check_dynptr.c types bpf.NAME (ring buffer
 * reservations, dynptrs); and for `pybpf api`, helper h's ("bpf_NAME")
 * Python signature (*sig) and note: 1 for a helper the program calls, 2
 * for one it cannot (the note says why: a with block calls it), 0 when h
 * is not one of these. */
bool dynptr_helper(const char *name);
int dynptr_api(const char *helper, const char **sig, const char **note);
/* The pybpf probe kind's BPF program type, in bpftool's words ("kprobe", "tracing", ...). */
const char *helper_prog_type(const char *kind);
/* "@a, @b (@c: not probed, the verifier decides at load)": the probe kinds
 * for which verdict(kind, arg) is 1 (allowed, asked), then 2 (not asked) */
char *kinds_line(int (*verdict)(const char *kind, const void *arg), const void *arg);
/* kinds_line()'s answer when no kind is 1 */
#define NO_KIND_ASKED "no probe kind the kernel was asked about"
/* Error unless a @kind probe may call helper (at: the call; via: the probe's call
 * that reaches it through def helpers, or NULL). */
void helper_allowed(const char *kind, const char *helper, Node *at, Node *via);
/* "@uprobe(sleepable=True), @uretprobe(sleepable=True), @lsm(sleepable=True)"
 * (check_sleepable.c); the uprobes alone: the sleepable kprobe programs */
const char *sleepable_probes_line(void);
const char *sleepable_uprobes_line(void);
struct pyb_helper;
bool helper_sleeps(const struct pyb_helper *h);   /* check_helpers.c */
/* Whether C parameter i of h is the size of the memory argument before it:
 * the caller does not write it, pybpf passes the buffer's capacity. */
bool helper_size_param(const struct pyb_helper *h, int i);
/* Whether parameter i of h is an integer the helper writes through a
 * pointer (strtol's res): not a Python argument but the call's result. */
bool helper_out_param(const struct pyb_helper *h, int i);
/* Whether h's call gives two results, its out parameter's value and its
 * own return (v, n = bpf.strtol(buf, 0)). */
bool helper_two_results(const struct pyb_helper *h);
/* How many results an unpacking takes from h's call (2: strtol, 3: perf_event_read_value), else 0 */
int helper_results(const struct pyb_helper *h);
/* Whether parameter i of h is get_stackid's map: pybpf's stack trace map */
bool helper_stack_map(const struct pyb_helper *h, int i);
/* Whether parameter i of h is not a Python argument: a size, an out
 * parameter, get_stackid's map */
bool helper_implicit_param(const struct pyb_helper *h, int i);
/* Whether h's result is a u64 that may not fit an int: OverflowError */
bool helper_may_overflow(const struct pyb_helper *h);
/* emit_helpers.c: the C expression of a checked bpf.NAME(...) call n.
 * argv: the C value of each Python argument; os_raise / ovf_raise: the
 * statements that raise OSError / OverflowError there (NULL: none). */
char *emit_helper_call(Node *n, char **argv, const char *os_raise, const char *ovf_raise);
/* check_kfunc.c: for a string kfunc (bpf_strlen, ...) or one of
 * check_kfunc_mem.c's errno table (bpf_copy_from_user_str, ...), the least
 * value that is a result, not an errno (1: neither); *enoent_is_minus_one:
 * -ENOENT means "not found", given as -1 */
int kfunc_str_result(const char *name, bool *enoent_is_minus_one);
/* check_kfunc_mem.c: whether parameter i of kp[0..n) is the X__sz of the
 * memory parameter X before it, which pybpf passes (not an argument) */
struct KBtf;
struct KParam;
bool kfunc_size_param(struct KBtf *k, const struct KParam *kp, int n, int i);
/* check_kfunc_mem.c: bpf_local_irq_save's flags__irq_flag (a hidden local's address) */
bool kfunc_irq_flag_param(const struct KParam *p);
/* v, n = bpf.strtol(buf, 0): the statement that sets the C lvalues val
 * (the value the helper wrote) and cnt (its return) */
char *emit_helper_pair(Node *n, char **argv, const char *os_raise, const char *ovf_raise, const char *val,
		       const char *cnt);
/* counter, enabled, running = bpf.perf_event_read_value(...): the statement setting names[0..2] */
char *emit_helper_triple(Node *n, char **argv, const char *os_raise, const char *ovf_raise, const char **names);
/* emit_helpers.c: the declarations of the helpers prog calls through bpf.NAME() */
void emit_helper_decls(struct Prog *prog, Str *out);
/* `pybpf api [PATTERN]` */
int helpers_api(const char *pattern);
/* pybpf api --coverage: per probe kind, N of M helpers callable, the rest with the reason; then the kfuncs */
int helpers_coverage(void);
/* check_kfunc.c: the second halves, for the running kernel's kfuncs
 * (kfuncs_api returns how many matched) */
int kfuncs_api(const char *pattern);
void kfuncs_coverage(void);

/* check_uptr.c: the type of a tracepoint pointer field of C type ctype
 * (a TY_PTR; sname the struct's name when it points to a struct) */
Type *uptr_tp_field_type(const char *ctype);
/* check_uptr.c: the kernel's name of UAPI struct name (timespec -> __kernel_timespec) */
const char *uptr_struct_alias(const char *name);
/* check_uptr.c: ts = user_read(p) copies the struct onto the BPF stack, at most this many bytes */
#define UPTR_MAX_COPY 256
/* check_uptr.c: the size of an address struct (in_addr: 4, in6_addr: 16) that
 * print() shows as its bytes, or 0 for a TY_KVAL of any other struct */
struct KBtf;
int uptr_addr_size(struct KBtf *k, Type *t);
/* check_uptr.c: declare such a struct with its members (for the emitter) */
struct KEmit;
void uptr_addr_use(struct KBtf *k, struct KEmit *ke, Type *t);
/* check_uptr.c: NULL when {x:ip} can format a value of type t (after
 * conversion conv, 0 for none), else the message saying what it takes */
const char *uptr_ip_spec_error(Type *t, int conv);
/* check_infer.c: a module-level `NAME = Count()` / `NAME = Hash[K, V]()` becomes
 * the annotated declaration it means (s turns into an ND_ANNASSIGN); any other
 * module-level assignment is an error naming the type it needs. */
void infer_module_annotation(Node *s);
extern const char *const map_kind_names[MAP__COUNT];   /* "Hash", ... "RingBuf" (ORDER MapKind) */

typedef enum { SYM_LOCAL, SYM_CONST, SYM_MAP, SYM_BUILTIN, SYM_PROBE, SYM_GLOBAL, SYM_EXC, SYM_FUNC, SYM_TYPE } SymKind;

typedef struct Sym {
	SymKind kind;
	const char *name;
	const char *cname;    /* its C spelling */
	struct Type *type;
	Node *decl;           /* where it was declared (for notes) */
	void *data;           /* MapDecl*, ConstDecl*, Probe*, GlobalDecl*, ExcClass* */
	int index;            /* SYM_LOCAL: index for definite-assignment sets */
	int ref;              /* SYM_LOCAL: 1 in the with block that holds its kernel
			       * reference (data: the acquiring kfunc's name) or ring buffer
			       * reservation (data: "bpf.ringbuf_reserve..."), 2 after;
			       * SYM_REF_MAYBE_NONE: a socket helper's result (data: the
			       * helper's name), None until tested, nothing to release */
	bool kptr_untrusted;  /* SYM_LOCAL of TY_KPTR: holds a field read, which the verifier does not trust (check_kptr.c) */
	int pkt_gen;          /* SYM_LOCAL, a packet header: Checker.pkt_gen when it was taken (check_packet.c) */
} Sym;

#define SYM_REF_MAYBE_NONE 3
/* a local that may be None until a test says it is not (with block reference, socket helper result) */
#define SYM_MAYBE_NONE(y) ((y)->ref == 1 || (y)->ref == SYM_REF_MAYBE_NONE)

/* A helper function: `def f(x: int) -> int:` without a decorator. The
 * emitter inlines it at every call (so exceptions and finally blocks work
 * across calls exactly as within one function). */
typedef struct FuncDecl {
	const char *name;
	Vec params;           /* Sym* (SYM_LOCAL), in order (set when the body is checked) */
	Vec ptypes;           /* Type*: the parameters' types (set with the signature) */
	Type *ret;            /* ty_none, ty_int or ty_bool */
	Node *def;
	Vec calls;            /* FuncDecl*: functions this one calls (for the recursion check) */
	Vec call_sites;       /* Node*: where, in the same order */
	int mark;             /* DFS state */
	Vec kfuncs;           /* KfuncUse*: the companion module's kfuncs it calls (checked per probe) */
	const void *seen_by;  /* the probe that last reached it (kfunc check) */
} FuncDecl;

typedef struct MapDecl {
	const char *name;     /* Python name; also the kernel's map name */
	const char *cname;    /* C identifier */
	Type *type;           /* TY_MAP */
	uint32_t max_entries;
	Node *decl;
	bool percpu;          /* values are per CPU (the kind says so, or aggregation values) */
	bool unkeyed;         /* `lat: Hist = Hist()`: one value (a per-CPU array of 1), key u32 0 */
	Vec progs;            /* MAP_PROG_ARRAY: Probe* of each index (check_tailcall.c) */
	const char *perf_event; /* MAP_PERF_COUNTERS: the event's name, "context-switches" (check_perf.c) */
	Node *items;          /* items={k: v, ...}: its first contents (check_map_items.c) */
	Vec labels;           /* const char*: labels=("comm", "pid"), the metric label of each key part (check_map_metric.c) */
	int metric;           /* metric="counter" (MET_COUNTER), "gauge" (MET_GAUGE), "none" (MET_NONE: not exported); 0: by the value's kind */
	const char *help;     /* its metric's # HELP: the comment above it or the docstring after it; NULL: none */
} MapDecl;
enum { MET_DEFAULT, MET_COUNTER, MET_GAUGE, MET_NONE };

/* check_perf.c: a perf event PerfCounters("NAME") takes (perf_event_attr's type and config) */
typedef struct PerfEvent {
	const char *name;
	unsigned type;
	unsigned long long config;
} PerfEvent;
const PerfEvent *perf_event_named(const char *name);
/* the record argument of bpf.perf_event_output(ctx(), events, flags, rec) */
void perf_record_arg(struct HelperHooks *hk, Node *a, MapDecl *m, const char *what);
/* a PerfCounters given to bpf.perf_event_output, a PerfBuf to bpf.perf_event_read*: an error */
void perf_map_arg(const char *helper, Node *a, MapDecl *m, const char *what);
/* buf and buf_size of bpf_perf_event_read_value: its results, not arguments */
bool perf_value_param(const struct pyb_helper *h, int i);

/* A `NAME: Final[int] = value` constant: read-only data, -D overrides.
 * A Final tuple (`NAMES: Final = ("read", "write")`, all strs or all ints)
 * has nitems > 0: one read-only array, indexed at run time; type is the
 * type of an item (str[W], W the longest + 1, or int). */
typedef struct ConstDecl {
	const char *name, *cname;
	Type *type;
	int64_t value;        /* with a -D override applied (what the checker and emitter use) */
	int64_t src_value;    /* as written in the source: the .rodata initializer */
	Node *decl;
	int nitems;
	Node **items;         /* Final tuple: the items (ND_STR, or constant int expressions) */
	int64_t *ivals;       /* Final tuple of ints: their values */
} ConstDecl;

/* One piece of a print record's text: a literal, or a value at an offset. */
typedef struct PrintSeg {
	bool is_arg;
	const char *text;     /* literal */
	int text_len;
	Type *type;           /* value: TY_INT, TY_BOOL, TY_STR */
	int offset;           /* byte offset in the record */
	const char *spec;     /* format spec or NULL */
	char conv;            /* 0, 'r', 's' */
} PrintSeg;

typedef struct PrintSite {
	int id;
	Loc loc;
	Vec segs;             /* PrintSeg* */
	int size;             /* record size in bytes (with the 8-byte id header) */
} PrintSite;

/* A place that can raise an exception that nobody catches: counted in the
 * kernel per site, reported by the loader as file:line: Exc in probe: N times */
typedef struct RaiseSite {
	int id;
	Loc loc;
	const char *exc;      /* "OverflowError" */
	int cls;              /* its class: index in Prog.classes */
	const char *msg;      /* raise X("msg") / assert c, "msg": shown in the report */
	const char *func;     /* the probe it is in */
} RaiseSite;

/* An exception class: the built-in ones, then the program's own
 * `class E(Exception)`. At most 64, so a set of classes is a u64 mask. */
typedef struct ExcClass {
	const char *name;
	int parent;           /* -1 for BaseException */
	uint64_t descendants; /* mask: itself and every subclass */
	Node *decl;           /* NULL for built-ins */
} ExcClass;

/* A module-level mutable scalar: `total: int = 0`. */
typedef struct GlobalDecl {
	const char *name, *cname;
	Type *type;           /* storage type: TY_FIXED or TY_BOOL (int is i64) */
	int64_t init;
	Node *decl;
	const char *help;     /* its metric's # HELP, as MapDecl's (check_map_metric.c) */
} GlobalDecl;

/* Node.cval of a packet operation (Node.op 'x', check_packet.c) */
enum { PK_PACKET, PK_HEADER, PK_LEN, PK_SLICE, PK_OFFSET, PK_FIB };

typedef struct Probe {
	const char *name;     /* Python function name (= BPF program name) */
	const char *cname;
	const char *kind;     /* "tracepoint", "tp_btf", "raw_tp" */
	const char *target;   /* "syscalls/sys_enter_openat" */
	const char *sec;      /* "tracepoint/syscalls/sys_enter_openat" */
	Loc target_loc;       /* the decorator's string literal */
	Node *def;
	struct TpField *fields; /* "tracepoint": the format's fields, loaded when args.x is used */
	int nfields;
	Vec kargs;            /* BTF-typed probes: type ids of the parameters used (intptr_t) */
	int64_t rate;         /* profile: Hz; interval: period in ms */
	Vec stack;            /* const char*: its largest stack values, "'name' (N bytes, line L)", largest first */
	/* struct_ops methods */
	Type *ret;            /* what the method returns (NULL: a probe, returns 0) */
	int ret_kid;          /* its BTF type (0: void) */
	const char *member;   /* the ops struct member it implements */
	bool sleepable;       /* @uprobe(..., sleepable=True): SEC("uprobe.s/..."), may call helpers that sleep */
	bool wildcard;        /* tracepoint pattern with * ? [ ]: attached to every match */
	/* @usdt("BINARY:PROVIDER:NAME", pid=N) */
	const char *usdt_path;      /* the binary, found */
	const char *usdt_provider;
	const char *usdt_name;
	int64_t pid;                /* only this process (0: every process) */
	bool tail_only;       /* loaded, never attached: listed in a ProgArray (check_tailcall.c), or __pyb_init,
	                       * which the loader runs once (check_map_items.c) */
	bool tail_calls;      /* calls bpf.tail_call(): its body is not split into subprograms */
} Probe;

/* @struct_ops("tcp_congestion_ops", name="pyreno") class PyReno: ... */
typedef struct StructOps {
	const char *type;     /* "tcp_congestion_ops" */
	int type_id;          /* its BTF struct */
	const char *name;     /* the name it registers ("pyreno") */
	const char *cname;    /* the .struct_ops.link variable (and map name) */
	Vec methods;          /* Probe* */
	Vec fields;           /* SopsField*: class attributes (timeout_ms = 5000) */
	Node *decl;
	/* sched_ext_ops (check_sched.c, emit_sched.c) */
	bool sched;
	bool synth_init;      /* no init method, but DSQs to create: the emitter writes one */
	bool synth_exit;      /* no exit method: the emitter writes one that records the exit info */
} StructOps;

/* timeout_ms = 5000 in a struct_ops class: an integer member of the ops struct */
typedef struct SopsField {
	const char *member;
	int64_t value;
	Node *decl;
} SopsField;

/* A kernel function called from a probe (a kfunc): declared __ksym. */
typedef struct KFuncUse {
	const char *name;
	int func_id;          /* BTF FUNC */
} KFuncUse;

typedef struct Prog {
	SrcFile *file;
	struct KBtf *btf;     /* the kernel's types, loaded when a probe uses them */
	struct KEmit *kemit;  /* which of them the generated C must declare */
	Node *module;
	Vec maps;             /* MapDecl* */
	Vec consts;           /* ConstDecl* */
	Vec probes;           /* Probe* */
	Vec prints;           /* PrintSite* */
	Vec raises;           /* RaiseSite* */
	Vec classes;          /* ExcClass* */
	Vec structs;          /* Type* (TY_STRUCT), in declaration order */
	bool uses_stacks;     /* kstack()/ustack(): the program gets a stack trace map */
	bool uses_wallclock;  /* wallclock_ns(): the program gets __pyb_wall_offset, set by the loader */
	Vec sops;             /* StructOps* */
	Vec kfuncs;           /* KFuncUse* */
	Vec helpers;          /* intptr_t: index in pyb_helpers of each helper bpf.NAME() calls (check_helpers.c) */
	Vec dynmem;           /* intptr_t: the size of each bpf.dynptr_from_mem() site's per-CPU copy of its data (check_dynptr.c) */
	Vec mkfuncs;          /* const char*: kfuncs of the companion module used (helpers/helpers_gen.c) */
	Vec ksyms;            /* const char*: per-CPU kernel variables named by ksym("...") (check_percpu.c) */
	bool dispatch;        /* pinned (hot-reloadable): each probe is a dispatcher that tail-calls
	                       * its body through a one-slot program array, which reload swaps */
	Vec globals;          /* GlobalDecl* */
	Vec dsqs;             /* ConstDecl*: NAME = DSQ(id), created by the sched_ext scheduler's init (check_sched.c) */
	/* the uncaught-exception counters, __pyb_exc[k], set by the emitter: a
	 * slot for each (probe, raise site) that the probe's code can raise */
	Vec exc_slots;        /* ExcSlot* */
} Prog;

/* Counter i of __pyb_counters ([0]: records lost to full ring buffers;
 * [1 + k]: uncaught exceptions of exc_slots[k]) goes up by this much per
 * event, its own byte offset plus 8: the emitter's raise block adds the
 * register that also addresses the counter; the loader divides. */
static inline int pyb_counter_step(int i)
{
	return 8 * (i + 1);
}

/* {t:%H:%M:%S}: a spec with a strftime directive (% then a letter) formats
 * an int as a wall-clock time (ns since the epoch, as wallclock_ns()
 * returns). No format spec of Python's mini-language has % before a
 * letter ({x:%} is the percent type, {x:%>5} a fill), so those keep their
 * Python meaning. The shim's wallclock_ns() applies the same rule. */
static inline bool fmt_is_strftime(const char *spec)
{
	for (const char *p = spec; *p; p++)
		if (p[0] == '%' && ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z'))
			return true;
	return false;
}

typedef struct ExcSlot {
	int probe;            /* index in Prog.probes */
	int site;             /* RaiseSite.id */
} ExcSlot;

/* emit_sched.c: what a sched_ext scheduler gets beyond its methods */
/* the program's sched_ext_ops class, or NULL */
StructOps *prog_sched_ops(Prog *prog);
void emit_sched_decls(Prog *prog, Str *out);
const char *sched_method_prologue(Prog *prog, Probe *p);
void emit_sched_methods(Prog *prog, StructOps *so, Str *out);
void emit_sched_members(StructOps *so, Str *out);

/* Resolve names, infer and check types, collect maps/probes/print sites.
 * Errors exit through error_at. */
Prog *check_program(SrcFile *file, Node *module);
/* --btf FILE: the kernel types to compile against (NULL: the running
 * kernel's, /sys/kernel/btf/vmlinux). */
extern const char *pyc_btf_path;
/* tracefs for tracepoint formats (NULL: /sys/kernel/tracing). */
extern const char *pyc_tracefs;
/* -D NAME=VALUE overrides of Final constants, set before check_program():
 * everything the compiler computes from a constant (a '**' exponent, a
 * range check it can skip, a map size) uses the overridden value. */
typedef struct ConstOverride {
	const char *name;
	int64_t value;
} ConstOverride;
extern ConstOverride *pyc_const_overrides;
extern int pyc_nconst_overrides;
/* pybpf -e PROGRAM: `from pybpf import *` is implied (set before check_program()). */
extern bool pyc_implied_import;
/* The expression -9223372036854775808 (a literal that fits only negated). */
bool is_int64_min_literal(const Node *n);

/* ---- emit.c ------------------------------------------------------------ */

/* emit_packet.c: the C text of the packet operations (emit.c fills in the parts) */
struct KEmit;
struct KField;
char *packet_data(struct KBtf *k, const char *kind, bool end);
char *packet_ctx_read(int off, int size);
char *packet_header(struct KEmit *ke, const char *kind, struct KBtf *k, const char *h, int id, const char *prev, int prev_id,
		    const struct KField *step, const char *bad, const char *shrt, const char *end);
char *socket_header(struct KEmit *ke, struct KBtf *k, const char *buf, int id, const char *prev, int prev_id,
		    const struct KField *step, const char *bad, const char *shrt);
char *packet_len(struct KBtf *k, const char *kind);
char *packet_fib_lookup(struct KBtf *k, const char *kind, const char *buf, const char *ip, const char *flags,
			const char *os_raise);
char *packet_offset(struct KBtf *k, const char *kind, const char *h, int id);
char *packet_bitfield(const char *base, const struct KField *kf);
char *packet_slice(struct KBtf *k, const char *kind, const char *buf, int a, int n, const char *shrt);

/* check_map_items.c: the probe that stores the maps' first items: run once
 * by the loader before anything is attached, never attached itself */
bool is_init_probe(const Probe *p);

/* check_packet.c: what a probe returns when an exception escapes it (a
 * packet probe's verdict as if no program were attached; else 0) */
int packet_default_verdict(const char *kind);
/* @xdp, @tc, @cgroup_skb, @cgroup_sock_addr, @socket_filter; of them, attached to --iface (not --cgroup) */
bool packet_kind(const char *kind);
bool packet_on_iface(const char *kind);

/* Whether a probe kind can be swapped through a tail-call dispatcher. */
bool probe_dispatchable(const char *kind);

/* Generate the BPF C for a checked program (deterministic). */
void emit_program(Prog *prog, Str *out);
/* A line the emitter puts near the top of a large program's C: the clang
 * driver (loader/clang.c) then keeps the Python source text out of BTF. */
#define BPFCC_NO_LINE_TEXT "#define __PYB_NO_LINE_TEXT 1\n"
#define EMIT_LINE_TEXT_MAX 5000   /* Python lines: above, no source text in BTF */

/* The runtime header text (bpf/pybpf.h, embedded at build time). */
extern const char pybpf_runtime_h[];
extern const unsigned pybpf_runtime_h_len;

#endif
