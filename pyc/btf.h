/* btf.h — the kernel's types (BTF) for the checker and the emitter, and
 * tracepoint formats from tracefs.
 *
 *   btf.c       load BTF (the running kernel's, a vmlinux, or a .o built
 *               with -g), look up structs, members, enumerators and tp_btf
 *               arguments; emit the minimal CO-RE declarations a probe needs
 *   tpformat.c  parse TRACEFS/events/CAT/NAME/format
 *
 * Generated BPF C never includes vmlinux.h: kemit_output() declares only the
 * structs and members a probe uses, as partial definitions marked
 * __attribute__((preserve_access_index)), so clang emits CO-RE relocations
 * and libbpf fixes the offsets at load time.
 *
 * Everything returned (names, strings, arrays) is allocated and never freed,
 * like the rest of the compiler; strings stay valid for the program's life.
 */
#ifndef PYC_BTF_H
#define PYC_BTF_H

#include "pyc.h"

typedef struct KBtf KBtf;

/* Load BTF: path NULL = /sys/kernel/btf/vmlinux; otherwise any file
 * btf__parse accepts (raw BTF or an ELF with .BTF, e.g. a vmlinux or a .o
 * built with -g). NULL + *err (message) on failure. */
KBtf *kbtf_load(const char *path, const char **err);
const char *kbtf_path(KBtf *k);
/* Number of type ids (valid ids are 1 .. count-1; 0 is void). */
int kbtf_type_count(KBtf *k);

typedef enum {
	KK_VOID, KK_INT, KK_BOOL,
	KK_CHAR,        /* 1-byte int named char/signed char/unsigned char */
	KK_ENUM, KK_PTR, KK_STRUCT, KK_UNION, KK_ARRAY, KK_FUNC_PROTO, KK_FLOAT,
	KK_OTHER        /* forward declarations (name set), functions, variables ... */
} KKind;

typedef struct KInfo {
	KKind kind;
	int id;            /* the type id after skipping typedef/const/volatile/restrict/type_tag */
	int size;          /* bytes (ints, enums, structs, unions, arrays; 8 for pointers) */
	bool is_signed;    /* ints and enums (enum64 too) */
	int target;        /* KK_PTR: pointee id (0 = void); KK_ARRAY: element id; KK_FUNC_PROTO: return type */
	int nelems;        /* KK_ARRAY */
	const char *name;  /* struct/union/enum/int name, "" if anonymous */
	int vlen;          /* KK_STRUCT/KK_UNION: members; KK_ENUM: enumerators; KK_FUNC_PROTO: params */
	bool is_const;     /* a const was skipped on the way to id */
} KInfo;
void kbtf_info(KBtf *k, int id, KInfo *out);
/* Skip typedef/const/volatile/restrict/type_tag. */
int kbtf_skip(KBtf *k, int id);
/* "struct task_struct *", "pid_t" (typedef names kept), "char[16]",
 * "const char *", "int (*)(int)" ... for messages. */
const char *kbtf_type_name(KBtf *k, int id);
/* Struct or union by name (also accepts "struct x"/"union x"); <0 if none.
 * A full definition wins over an empty one when a name occurs twice. */
int kbtf_find_struct(KBtf *k, const char *name);
/* Any named type by exact name and libbpf kind (BTF_KIND_TYPEDEF ...),
 * through the name index; <0 if none. */
int kbtf_find(KBtf *k, const char *name, int btf_kind);
/* The kernel variable name: 1 a per-CPU one (in .data..percpu), 0 another,
 * -1 none; *type: its type id */
int kbtf_percpu_var(KBtf *k, const char *name, int *type);
/* The type of struct_id's first member when it is at offset 0 (a struct
 * that embeds another first: bpf_cpumask's cpumask), else -1 */
int kbtf_first_member(KBtf *k, int struct_id);

typedef struct KField {
	const char *name;
	int type;          /* member type id (raw, not skipped) */
	uint32_t bit_off;  /* from the start of the outer struct, including anonymous parents */
	uint32_t bit_size; /* 0 unless a bitfield */
	int parent;        /* the struct/union id that directly contains it (differs when found in an anonymous member) */
	int index;         /* its member index in parent */
	Vec path;          /* anonymous nesting: the member indexes (stored as (void *)(intptr_t)i)
	                    * of the anonymous members from the outer struct down to parent; empty
	                    * when parent == the outer struct */
} KField;
/* Find member `name` of struct/union id, looking through anonymous
 * struct/union members like C does. 0 or -1. */
int kbtf_member(KBtf *k, int struct_id, const char *name, KField *out);
/* Up to max member names closest to name (edit distance), formatted
 * "'pid', 'tgid'"; "" if none is close. */
const char *kbtf_nearest_members(KBtf *k, int struct_id, const char *name, int max);
/* Nearest struct/union names, same format. */
const char *kbtf_nearest_structs(KBtf *k, const char *name, int max);

/* Enumerator by name ("BPF_MAP_TYPE_HASH"): value and its enum type id
 * (either may be NULL); -1 if none. */
int kbtf_enum_value(KBtf *k, const char *enumerator, int64_t *value, int *enum_id);

/* tp_btf / raw_tp: the arguments of tracepoint NAME from the prototype of
 * the typedef btf_trace_NAME (the first parameter, void *__data, is
 * skipped). Names come from the kernel's __traceiter_NAME (or
 * __probestub_NAME, __bpf_trace_NAME) function; "argN" if none has them.
 * -1 if no such tracepoint (then *nearest, if not NULL, is set to up to 3
 * nearest names "'sched_switch', ..." or ""). */
typedef struct KParam { const char *name; int type; } KParam;
int kbtf_tp_btf_args(KBtf *k, const char *tp, KParam **args, int *n, const char **nearest);

/* ---- emission: the minimal set of C declarations ----------------------
 *
 * Record what the probe uses, spell types with kemit_c_type/kemit_c_decl
 * while generating its code, then call kemit_output() last and put its text
 * after the runtime header and before the code.
 *
 * Notes for the emitter:
 *  - Access kernel memory through one expression rooted at a named struct
 *    (p->a.b[2].c); CO-RE cannot relocate through a pointer whose type is
 *    an anonymous struct.
 *  - Emitted structs are partial: sizeof() of them is meaningless; do not
 *    copy whole kernel structs by value.
 *  - Bitfields: read them with __builtin_preserve_field_info (byte offset,
 *    byte size, lshift, rshift), like libbpf's BPF_CORE_READ_BITFIELD;
 *    kemit_bitfield_read()/kemit_bitfield_probe() spell that.
 */
/* fentry/fexit/kprobe/lsm: arguments of kernel function func, and its
 * return type id (0 = void); -1 if BTF has no such FUNC (*nearest set). */
int kbtf_func_args(KBtf *k, const char *func, KParam **args, int *n, int *ret, const char **nearest);

/* The parameters and return type id of FUNC_PROTO proto_id. */
int kbtf_proto_params(KBtf *k, int proto_id, KParam **args, int *n, int *ret);
/* Is BTF FUNC func_id a kfunc (a "bpf_kfunc" decl tag, kernel 6.7+)? */
bool kbtf_is_kfunc(KBtf *k, int func_id);

typedef struct KEmit KEmit;
KEmit *kemit_new(KBtf *k);
/* Record use of member m (as returned by kbtf_member) of struct id s, and
 * whatever types it needs. */
void kemit_use_member(KEmit *e, int struct_id, const KField *m);
/* Record a whole type (e.g. a pointer argument type, or an enum: its
 * definition is then emitted so enum-value relocations can name it). */
void kemit_use_type(KEmit *e, int id);
/* A struct with all its members (an iterator's opaque storage, which the
 * program holds whole) */
void kemit_use_whole(KEmit *e, int id);
/* The C spelling of type id for generated code: "struct task_struct *",
 * "int", "unsigned long long", "char [16]". Typedefs are resolved, enums
 * are spelled as the integer type of their size and signedness. Records
 * the types it names (forward declaration, or definition for a struct
 * used by value). */
const char *kemit_c_type(KEmit *e, int id);
/* Declare a variable/field: kemit_c_decl(e, id, "x") -> "char x[16]",
 * "struct task_struct *x", "int (*x)(int)". Records like kemit_c_type. */
const char *kemit_c_decl(KEmit *e, int id, const char *name);
/* "enum bpf_map_type": the C name of a (used) enum, for relocations. */
const char *kemit_enum_name(KEmit *e, int enum_id);
/* A C expression for the CO-RE relocated value of enumerator `enumerator`
 * of enum enum_id (records the enum): the kernel's value at load time. */
const char *kemit_enum_value_expr(KEmit *e, int enum_id, const char *enumerator);
/* Bitfields: a C expression of type unsigned long long (sign-extended when
 * the kernel's field is signed) with the value of bitfield `member` of the
 * struct `base` points to (base: a pointer expression whose type is the
 * emitted struct; member: "sched_reset_on_fork", or a path "a.b" through
 * named members). kemit_bitfield_read loads directly (tp_btf / BTF pointers
 * the verifier trusts); kemit_bitfield_probe goes through
 * bpf_probe_read_kernel. Both are GNU statement expressions. */
const char *kemit_bitfield_read(KEmit *e, const char *base, const char *member);
const char *kemit_bitfield_probe(KEmit *e, const char *base, const char *member);
/* Append the C declarations: forward declarations (sorted), used enums,
 * then each used struct/union with only the used members, dependencies
 * (structs embedded by value) first, each followed by
 * __attribute__((preserve_access_index)). No typedefs. Deterministic. */
void kemit_output(KEmit *e, Str *out);

/* ---- tracepoint formats from tracefs (for @tracepoint("cat/name")) ---- */
typedef struct TpField {
	const char *name;     /* "filename" */
	const char *ctype;    /* the C type text from the format: "const char *", "int",
	                       * "unsigned long", "char[16]" or "__data_loc char[]" */
	int offset, size;
	bool is_signed;
	bool is_ptr;          /* ctype ends in '*' */
	int array_len;        /* for "char comm[16]": 16; 0 otherwise */
	bool data_loc;        /* __data_loc (and __rel_loc) fields */
	bool rel_loc;         /* __rel_loc: the offset is relative to the field's end */
	bool common;          /* common_* header fields (common_type, common_pid ...) */
} TpField;
/* Parse TRACEFS/events/CAT/NAME/format (tracefs NULL = /sys/kernel/tracing,
 * or /sys/kernel/debug/tracing if that has no events). The common_* fields
 * are kept, marked `common`. -1 + *err on failure (missing tracepoint or
 * unreadable). */
int tpformat_load(const char *tracefs, const char *cat_name, TpField **fields, int *n, const char **err);
/* Up to max existing tracepoints nearest to cat_name: "'syscalls/sys_enter_openat', ..."; "" if none. */
const char *tpformat_nearest(const char *tracefs, const char *cat_name, int max);

#endif
