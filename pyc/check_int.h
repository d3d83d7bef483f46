/* check_int.h — the checker's internal interface.
 *
 * Shared by check.c, check_call.c (calls: functions, builtins, kfuncs,
 * bpf.NAME(...), print) and check_method.c (method calls: q.append(x),
 * agg.add(x), s.startswith(x), ...): the checker's state and the helpers
 * these files use of each other. Not for the emitter or the loader: they
 * see the checked program through pyc.h only.
 */
#ifndef PYC_CHECK_INT_H
#define PYC_CHECK_INT_H

#include "pyc.h"
#include "btf.h"
#include "support.h"   /* enum fmt_kind */

/* ---- symbols (check.c) ------------------------------------------------- */

typedef struct Scope {
	Vec syms;             /* Sym* */
	struct Scope *up;
	Sym **tab;            /* open addressing by name, the newest of a name (large scopes) */
	uint32_t mask;
} Scope;

/* "did you mean": the candidate nearest to target so far */
typedef struct {
	const char *best;
	int dist;
	const char *target;
} Suggest;

/* ---- the checker's state --------------------------------------------- */

/* A call of a module kfunc in a helper function; and a probe's call of a
 * helper: a helper is checked once, the probes that reach it say which
 * program types its kfuncs must allow. */
typedef struct KfuncUse {
	Node *at;
	const char *kfunc, *pyname;
	bool vmlinux;         /* a kfunc of the running kernel (check_kfunc_progs.c) */
} KfuncUse;

typedef struct ProbeCall {
	Probe *probe;
	FuncDecl *fd;
	Node *at;
} ProbeCall;

typedef struct Checker {
	Prog *prog;
	Scope module;
	Scope *scope;         /* current function scope (NULL at module level) */
	Probe *probe;         /* probe being checked */
	Vec locals;           /* Sym* of the current function */
	bool imported_all;
	Vec imported;         /* const char*: names imported by name */
	/* definite assignment: assigned[i] for local i along the current path */
	char *assigned;
	int nassigned;
	int loop_depth;       /* for break/continue */
	int with_depth;       /* inside a with block (check_tailcall.c refuses tail calls there) */
	int handler_depth;    /* inside an except block: bare 'raise' allowed */
	Vec declared_global;  /* const char*: names in this function's 'global' statements */
	FuncDecl *func;       /* helper function being checked (NULL in a probe) */
	Vec narrowed;         /* Sym*: Optional locals known not to be None here */
	const char *fname;    /* name of the probe or helper being checked */
	Vec funcs;            /* FuncDecl* */
	Vec probe_calls;      /* ProbeCall*: the helper functions each probe calls */
	Vec iterating;        /* MapDecl*: maps the enclosing loops iterate over */
	int pkt_gen;          /* calls so far that may move the packet (check_packet.c) */
	Node *pkt_moved;      /* the last of them */
} Checker;

/* ---- check.c ------------------------------------------------------------ */

extern Type t_opt, t_kstack, t_ustack;          /* Optional[int], KStack, UStack */
extern const char *const builtin_funcs[];       /* what `from pybpf import` brings */
extern const char *const probe_kinds[];         /* the decorators */

bool is_intlike(Type *t);
bool time_spec_ok(PrintSeg *s, const char *spec, enum fmt_kind k);
Type *fixed_by_name(const char *name);
Type *ty_kernel(TypeKind kind, int id);

bool in_list(const char *const *list, const char *name);
Sym *scope_find(Scope *s, const char *name);
void suggest_try(Suggest *s, const char *cand);
Loc node_loc(Node *n);
bool is_imported(Checker *c, const char *name);
_Noreturn void unknown_name(Checker *c, Node *n);
RaiseSite *new_raise(Checker *c, Node *n, const char *exc);
void no_write_while_iterating(Checker *c, Node *at, MapDecl *m, const char *what);

ConstDecl *final_tuple(Checker *c, Node *n);
bool const_int(Checker *c, Node *n, int64_t *out);

KBtf *need_btf(Checker *c, Node *at);
Type *kernel_value_type(KBtf *k, int id, const char **why);
Type *check_user_read(Checker *c, Node *e);
/* A node the checker adds, placed where `at` is (check.c) */
Node *synth_node(NodeKind kind, Node *at);
Sym *scope_add(Scope *s, SymKind kind, const char *name, Node *decl);
/* with ... as tg: body, releasing through op/cval (check.c) */
/* check_kfunc.c: with bpf_rcu_read_lock(): ... (the closing kfunc of a region opener, or NULL) */
const char *kfunc_region_closer(const char *name);
void check_with_region(Checker *c, Node *s, Node *call);
Sym *check_with_block(Checker *c, Node *s, Node *tg, Type *t, int op, int64_t cval, const char *acquirer);
/* for's loop variable (of type t), body and else block (check.c) */
Sym *check_loop_body(Checker *c, Node *s, Type *t);
/* check_kfunc_mem.c: a kfunc's memory parameters (X, X__sz: a str[N] or
 * bytes[N] local, its size passed by pybpf) and the kfuncs whose negative
 * return is an errno */
bool kfunc_mem_param(KBtf *k, const KParam *kp, int n, int i);
int kfunc_py_arity(KBtf *k, const KParam *kp, int n);
bool kfunc_uninit_dynptr_param(KBtf *k, const KParam *kp, int n, int i);
void kfunc_region_flags(Checker *c, Node *s, Node *call, Node *close);
/* a local the program cannot name, assigned (check.c) */
Sym *declare_hidden_local(Checker *c, Node *name, Type *t);
bool kfunc_makes_dynptr(KBtf *k, const KParam *kp, int n);
Type *kfunc_dynptr_made(Checker *c, Node *e, bool assigned);
const char *kfunc_ctx_param_why(KBtf *k, const KParam *p);
void check_kfunc_embedded_arg(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype);
const char *kfunc_sizes_note(KBtf *k, const KParam *kp, int n);
void check_kfunc_mem_arg(Checker *c, Node *a, Type *got, KBtf *k, const KParam *p, const char *f);
bool kfunc_returns_errno(const char *name);
bool kfunc_const_str_param(KBtf *k, const KParam *p);
void check_kfunc_const_str_arg(Checker *c, Node *a, const KParam *p, const char *f);
const char *kfunc_mem_py_type(void);
/* check_kfunc.c: NAME(...) of a kernel kfunc, typed from BTF */
Type *check_kfunc_call(Checker *c, Node *e);
/* with KFUNC(...) as tg: a kernel reference, released at the block's end */
void check_with_kfunc(Checker *c, Node *s, Node *call, Node *tg);
/* for x in bpf_iter_X(...): a kernel iterator's items */
void check_for_kfunc_iter(Checker *c, Node *s);
/* check_iter_bits.c: bpf_iter_bits(words, nr_words)'s arguments */
int iter_bits_words(Type *t);
void check_iter_bits_args(Checker *c, Node *it);
/* check_dynptr.c: ring buffer reservations and dynptrs (issue 13):
 * with bpf.ringbuf_reserve(events) as rec: / bpf.ringbuf_reserve_dynptr;
 * d = bpf.dynptr_from_mem(buf, 0) (dynptr_mark_assign marks the call
 * before it is checked); bpf.dynptr_read / dynptr_write */
bool ringbuf_with_call(Checker *c, Node *call);
void check_with_ringbuf(Checker *c, Node *s, Node *call, Node *tg);
void dynptr_mark_assign(Node *s);
Type *check_dynptr_call(Checker *c, Node *e);
void dynptr_arg(Checker *c, Node *a, const char *what);
/* check_kptr.c: kernel pointers the verifier trusts (kfunc and helper arguments) */
bool kptr_trusted(Node *a);
void kptr_assigned(Sym *y, Node *value, bool first);
void check_kptr_arg(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype);
/* ... also a struct that embeds want_id first unless strict (kfuncs that neither acquire nor release) */
void check_kptr_arg_as(Checker *c, Node *a, Type *got, int want_id, const char *what, const char *ctype, bool strict);
Type *helper_kptr_type(Checker *c, Node *at, const char *ctype);
/* TaskStorage[V] / CgrpStorage[V]: the declaration's value type t->val is resolved */
void declare_storage_map(Checker *c, Node *s, Type *t, MapDecl *m);
/* m[t] of a TaskStorage / CgrpStorage: t a trusted task / cgroup; the probe kind may use it */
void check_storage_key(Checker *c, Node *sub, MapDecl *m);
/* A kfunc for `pybpf api`: its BTF id, name and why it is not callable */
typedef struct ApiKfunc {
	int fid;
	const char *name, *why;
} ApiKfunc;

/* check_kfunc_progs.c: which probe kinds may call a kfunc of the running
 * kernel, from helpers/kfunc_progs_gen.c (the verifier's answers) */
char *kfunc_kinds(const char *name);   /* "@tracepoint, ... (@fentry, ...: not probed, ...)" */
void kfunc_prog_allowed(const Probe *p, const char *name, Node *at, Node *via);
void kfunc_prog_use(Checker *c, Node *at, const char *name);
void kfuncs_prog_coverage(Vec *v);     /* v: ApiKfunc* */
/* print(a.sin_addr): an embedded in_addr / in6_addr as its bytes[N] value */
Type *check_addr_value(Checker *c, Node *a, Type *t);

Type *check_expr(Checker *c, Node *e);
Type *need_int(Checker *c, Node *e, const char *what);
int check_mem_read(Checker *c, Node *e, const char *name, const char *what, const char *size);
void check_store(Checker *c, Node *value, Type *from, Type *to, const char *what);
void check_map_key(Checker *c, Node *sub, MapDecl *m);

/* ---- check_call.c ------------------------------------------------------- */

/* Any call e; stmt: e is an expression statement (its value unused). */
Type *check_call(Checker *c, Node *e, bool stmt);
/* bpf.NAME(...) (check_call.c) */
Type *check_bpf_helper(Checker *c, Node *e, bool stmt);
/* Error unless probe p may call the companion module's kfunc (via: the
 * probe's call that reaches `at` through helpers, or NULL). */
void kfunc_allowed(Probe *p, Node *at, const char *kfunc, const char *pyname, Node *via);
void use_module_kfunc(Checker *c, Node *at, const char *kfunc, const char *pyname);

void use_helper(Checker *c, Node *e);
/* check_percpu.c: bpf.this_cpu_ptr(ksym("x")), bpf.per_cpu_ptr(ksym("x"), cpu) */
Type *check_percpu_call(Checker *c, Node *e);
void note_func_call(Checker *c, Node *e, FuncDecl *fd);

/* ---- check_callback.c --------------------------------------------------- */

/* bpf.loop(n, f): helper function f called for 0..n-1 by the kernel */
Type *check_bpf_loop(Checker *c, Node *e);
/* bpf.for_each_map_elem(m, f): f(key, value) for each item of map m */
Type *check_bpf_for_each(Checker *c, Node *e);
Type *check_bpf_find_vma(Checker *c, Node *e);
/* check_callback.c: the symbol of kind `kind` that name node a names, or NULL;
 * the def a callback argument names (which: "second", for the message) */
Sym *named_sym(Checker *c, Node *a, SymKind kind);
FuncDecl *callback_def(Checker *c, Node *a, const char *helper, const char *which);
/* e->third: the call f(args...) a callback makes, its arguments the callback's cnames[0..n) of types types[] (NULL: ints) */
void callback_call_typed(Checker *c, Node *e, FuncDecl *fd, Node *f, const char *const *cnames, Type **types, int n);
/* a map's key or value type (check.c) */
Type *resolve_key_or_value(Checker *c, Node *n, bool is_value);
/* check_userrb.c: UserRingBuf[T] maps and bpf.user_ringbuf_drain */
void declare_user_ringbuf(Checker *c, Node *s);
void user_ringbuf_refused(Node *at, MapDecl *m);
Type *check_user_ringbuf_drain(Checker *c, Node *e);
/* e->third: the call f(cnames...) a callback makes, with its own C values as arguments */
void callback_call(Checker *c, Node *e, FuncDecl *fd, Node *f, const char *const *cnames, int n);

/* ---- check_sock.c ------------------------------------------------------ */

Type *check_sock_call(Checker *c, Node *e);
/* an error if got is a socket helper's result (None or a pointer) used as a value */
void sock_none_refused(Node *at, Type *got);
/* new local y gets a value of type vt: a socket helper's result makes it SYM_REF_MAYBE_NONE */
void sock_result_local(Sym *y, Type *vt);
/* why local y (SYM_REF_MAYBE_NONE) may be None, for messages */
const char *sock_local_none(Sym *y);
/* errors for giving a SYM_REF_MAYBE_NONE local a new value, or copying one */
void sock_local_reassigned(Node *tg, Sym *y);
void sock_local_copied(Node *value);
/* an error if kfunc argument a is a socket helper's result (the verifier does not trust it for a kfunc) */
void sock_result_to_kfunc(Node *a, const char *what);

/* ---- check_timer.c ------------------------------------------------------ */

/* Array[Timer]: t_timer when n names Timer (an error for other map kinds), else NULL */
Type *timer_value_type(Checker *c, Node *n, MapKind kind);
/* Timer where a type is written: an error (it lives only in Array values) */
void timer_misplaced(Checker *c, Node *n);
/* Hash[K, Timer]: K must be an integer type */
void timer_hash_key(Node *kn, Type *key);
/* m[k] of a map of timers anywhere but a bpf.timer_*() call, `in`, `del`, `= Timer()`: an error */
void timer_map_refused(Node *sub, MapDecl *m);
/* the key of `k in m` / `del m[k]` (a Hash of timers may be asked) */
void check_key_only(Checker *c, Node *sub, MapDecl *m);
/* timers[k] = Timer() into a Hash of timers (false: s is another assignment) */
bool check_timer_store(Checker *c, Node *s);
/* CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME (imported from pybpf), or NULL */
Sym *timer_clock_const(Checker *c, Node *e);
/* bpf.timer_init / timer_set_callback / timer_start / timer_cancel */
Type *check_timer_call(Checker *c, Node *e);
_Noreturn void timer_ctor_refused(Node *e);
/* A Timer or a Wq: the kernel objects that live in map values and call a def back */
typedef struct AsyncObj {
	const char *name, *plural, *var, *what, *funcs, *helpers, *one;
	Type *type;
} AsyncObj;
const AsyncObj *async_obj(Type *t, const char *name);
bool async_refused_in(const char *prog);
MapDecl *timer_arg(Checker *c, Node *a, const char *pyname, const AsyncObj *o);
void timer_callback(Checker *c, Node *e, Node *fn, const char *pyname, const char *who, const char *from);
/* ---- check_lock.c: SpinLock / ResSpinLock fields, with bpf.spin_lock(m, k) as v: -- */
Type *lock_field_type(Checker *c, Node *ann);
int struct_lock_field(Type *st);
void lock_field_added(Type *st, Node *b, Type *ft);
void lock_misplaced(Checker *c, Node *n);
Type *lock_value_type(Checker *c, Node *n, MapKind kind);
void lock_map_refused(Node *sub, MapDecl *m);
void lock_ctor_refused(Node *e, Type *st);
bool lock_field_implicit(Type *st, int i);
void lock_field_named(Node *e, Type *st, int i);
bool check_lock_store(Checker *c, Node *s);
int lock_with_call(Checker *c, Node *call);
void check_with_lock(Checker *c, Node *s, Node *call, Node *tg, int form);
bool lock_kfunc(const char *name);
_Noreturn void lock_call_refused(Node *e, const char *name);
const char *lock_api_sig(const char *name);
void lock_key_only(bool on);
const char *lock_helper_api(const char *name, const char **note);
/* ---- check_wq.c: Wq, bpf_wq_init / bpf_wq_set_callback / bpf_wq_start -- */
extern Type ty_wq;
Type *check_wq_call(Checker *c, Node *e);
bool wq_kfunc(const char *name);
bool wq_refused_in(const char *prog, const char *name);
const char *wq_why_refused(const char *prog);
const char *wq_api_sig(const char *name);
const char *wq_api_reached(const char *name);
/* ---- check_kcast.c: bpf_rdonly_cast(addr, task_struct), bpf_cast_to_kern_ctx(ctx()) */
bool kcast_kfunc(const char *name);
bool kcast_refused_in(const char *prog, const char *name);
const char *kcast_api_sig(const char *name);
Type *check_kcast_call(Checker *c, Node *e);
bool kcast_untrusted(Node *a);
void kcast_assigned(Sym *y, Node *value);
void kcast_refuse_arg(Node *a, const char *what);
/* ---- check_task_work.c: TaskWork, bpf_task_work_schedule_signal / _resume */
extern Type ty_task_work;
bool task_work_kfunc(const char *name);
bool task_work_call_name(const char *name);
bool task_work_refused_kind(const char *kind, const char *name);
bool task_work_refused_in(const char *prog, const char *name);
const char *task_work_api_sig(const char *name);
const char *task_work_api_reached(const char *name);
Type *check_task_work_call(Checker *c, Node *e);
/* check_kfunc.c: kfunc fid is called (declared once) */
void use_kfunc(Checker *c, const char *name, int fid);

/* ---- check_tailcall.c -------------------------------------------------- */

/* handlers: ProgArray = ProgArray([f, g]) at module level */
void declare_prog_array(Checker *c, Node *s);
/* m[k] of a ProgArray: an error */
void prog_array_refused(Node *sub, MapDecl *m);
/* bpf.tail_call(ctx(), handlers, i) */
Type *check_tail_call(Checker *c, Node *e);
/* after the probes: handlers resolved and marked, kinds matched with callers */
void check_prog_arrays(Checker *c);
void register_map(Checker *c, Node *s, MapDecl *m);   /* check.c */
const char *global_cname(const char *name);         /* check.c */
void check_name_free(Checker *c, Node *n, const char *name);   /* check.c: not yet defined at module level */
/* check_sched.c: sched_ext schedulers */
bool is_dsq_decl(Node *s);
void declare_dsq(Checker *c, Node *s);
void check_sched_ops(Checker *c, StructOps *so);
void check_dsqs_have_scheduler(Checker *c);
_Noreturn void dsq_call_refused(Node *e);

/* ---- check_perf.c ------------------------------------------------------ */

/* events: PerfBuf[E] = PerfBuf(); counters: PerfCounters = PerfCounters("NAME") */
void declare_perf_map(Checker *c, Node *s);
/* m[k], m.method(), show(m) of a PerfBuf or PerfCounters: an error */
void perf_map_refused(Node *at, MapDecl *m);
/* BPF_F_CURRENT_CPU, or NULL */
Sym *perf_const(Checker *c, Node *e);

/* ---- check_packet.c ---------------------------------------------------- */

/* IPv4, IPv6: the address types, or NULL */
Type *addr_type(const char *name);
/* XDP_PASS, TC_ACT_OK, ...: a verdict of a packet probe, or NULL */
Sym *packet_const(Checker *c, Node *e);
void packet_decorator(Checker *c, Probe *p, Node *d);
Type *packet_param(Checker *c, Probe *p, Node *pa, int i);
void packet_returns(Checker *c, Probe *p, Node *fn, bool returns);
Type *packet_ctx_field(Checker *c, Node *e);
Type *check_packet_method(Checker *c, Node *e, Type *t, bool stmt);
Type *check_packet_len(Checker *c, Node *e, Node *a);
Type *check_packet_slice(Checker *c, Node *e);
void check_packet_store(Checker *c, Node *tg, Node *value, Type *vt);
void check_ctx_store(Checker *c, Node *tg, Node *value, Type *vt);
/* a header local assigned, used; bpf.NAME() called (it may move the packet) */
void packet_local_assigned(Checker *c, Sym *y);
void packet_local_used(Checker *c, Node *e, Sym *y);
void packet_helper_called(Checker *c, Node *e);
/* ip4("10.0.0.2"): the host-order int, a constant */
Type *check_ip4(Checker *c, Node *e);
/* ip6("fe80::1"): bytes[16], a constant */
Type *check_ip6(Checker *c, Node *e);

/* ---- check_map_items.c ------------------------------------------------- */

/* items={k: v} of a map's constructor */
void map_items_declared(Checker *c, MapDecl *m, Node *items);
/* check_map_metric.c: labels=(...) and metric="..." of a map's constructor; false for another argument */
bool map_metric_arg(Checker *c, MapDecl *m, Node *kw);
/* every map's and global's metric # HELP text, from the comment above or the docstring after its declaration */
void metric_helps(Checker *c, Node *module);
/* the probe that stores the items (NULL: no map has items) */
Node *map_items_probe(Checker *c);

/* ---- check_method.c ----------------------------------------------------- */

/* X.name(...) where X is not a module (time, platform, socket, bpf) */
Type *check_method_call(Checker *c, Node *e, bool stmt);
void need_rbtree_probe(Checker *c, Node *at, MapDecl *m);
void need_nonsleepable(Checker *c, Node *at, MapDecl *m);

/* ---- check_sleepable.c --------------------------------------------------- */

/* @uprobe(..., sleepable=True): parsed out of the decorator's keywords */
void take_sleepable(Checker *c, Probe *p, Node *d);
/* SEC("uprobe.s/...") for a sleepable probe */
void sleepable_sec(Probe *p);
/* a helper that may sleep: true when p may call it, an error when it may not, false: not such a helper */
bool sleepable_helper(Probe *p, const char *helper, Node *at, Node *via);

#endif
