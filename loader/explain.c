/* explain.c — kernel and clang refusals in Python terms: the libbpf log
 * (the verifier's log is in it) is captured, the failing instruction is
 * mapped back to the probe file's line, and the reason is said as a user
 * of the language would understand it. Used by load.c and pin.c. */
#include "loader.h"
#include "support.h"
#include "explain.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#ifndef ENOTSUPP
#define ENOTSUPP 524
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang's BPF back end could not encode a jump: one function of the
 * program is longer than a BPF jump spans (32,767 instructions). The
 * message names no function; the longest probe (in lines) is the one. */
static int explain_too_long(Prog *prog)
{
	Probe *best = NULL;
	int best_lines = -1, last = 0;
	for (int i = 0; i < prog->probes.len; i++) {
		Probe *p = VEC_AT(prog->probes, i);
		Node *fn = p->def;
		int end = fn->body.len ? ((Node *)VEC_AT(fn->body, fn->body.len - 1))->tok->loc.line : fn->tok->loc.line;
		if (end - fn->tok->loc.line > best_lines)
			best = p, best_lines = end - fn->tok->loc.line, last = end;
	}
	if (!best)
		ICE("a jump out of range in a program without probes");
	error_begin(best->def->tok->loc, "'%s' (lines %d-%d) is too long for one BPF function: a jump in it would span "
		    "more than the 32,767 instructions a BPF jump can", best->name, best->def->tok->loc.line, last);
	fprintf(stderr, "note: split its statements over several probes on the same event\n");
	return 1;
}

/* clang refused the generated C. One refusal is the program's, not pybpf's:
 * BPF's 512-byte stack. Say which probe and which values; anything else is
 * a compiler bug. Returns the exit status. */
int explain_clang_failure(Prog *prog, const char *diag)
{
	const char *d = diag ? diag : "";
	if (strstr(d, "BPF stack limit is exceeded")) {
		/* "file:LINE:COL: error: Looks like the BPF stack limit..." names the function's line */
		const char *e = strstr(d, ": error: Looks like the BPF stack limit");
		const char *ls = e;
		int line = 0;
		while (ls && ls > d && ls[-1] != '\n')
			ls--;
		if (ls) {
			const char *c1 = strchr(ls, ':');
			line = c1 ? atoi(c1 + 1) : 0;
		}
		for (int i = 0; i < prog->probes.len; i++) {
			Probe *p = VEC_AT(prog->probes, i);
			Node *fn = p->def;
			if (fn->tok->loc.line == line || i == prog->probes.len - 1 || (line >= fn->tok->loc.line &&
			    (i + 1 == prog->probes.len || line < ((Probe *)VEC_AT(prog->probes, i + 1))->def->tok->loc.line))) {
				Str items = {0};
				for (int j = 0; j < p->stack.len; j++)
					str_printf(&items, "%s%s", j ? ", " : "", (char *)VEC_AT(p->stack, j));
				error_begin(fn->tok->loc, "'%s' needs more than the 512 bytes of stack a BPF program has%s%s", p->name,
					    items.len ? "; its largest values: " : "", items.len ? items.buf : "");
				fprintf(stderr, "note: use smaller str[N] capacities, or keep large records in a map "
						"(e.g. an Array) instead of locals\n");
				return 1;
			}
		}
	}
	if (strstr(d, "Branch target out of insn range"))
		return explain_too_long(prog);
	fprintf(stderr, "pybpf: internal compiler error: clang rejected the generated C:\n%s", d[0] ? d : "(no output)\n");
	fprintf(stderr, "(this is a bug in pybpf, not in your program; please report it)\n");
	return 70;
}

/* ---- libbpf messages ------------------------------------------------------- */

static Str libbpf_log;       /* everything libbpf said (the verifier log is in it) */
static bool libbpf_verbose;

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *s;
	int n;
	if (level == LIBBPF_DEBUG && !libbpf_verbose)
		return 0;
	n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return 0;
	str_add(&libbpf_log, s, n);
	if (libbpf_verbose)
		fputs(s, stderr);
	free(s);
	return n;
}

void explain_capture_libbpf(bool verbose)
{
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print_fn);
}

/* ---- source lines ----------------------------------------------------------- */

static Loc line_loc(SrcFile *f, int lineno)
{
	const char *p = f->text;
	Loc l = {.file = f, .line = lineno, .col = 1, .len = 1};
	for (int i = 1; i < lineno && *p; p++)
		if (*p == '\n')
			i++;
	while (*p == ' ' || *p == '\t')
		p++, l.col++;
	l.p = p;
	while (p[l.len] && p[l.len] != '\n')
		l.len++;
	return l;
}

/* ---- verifier rejections ------------------------------------------------ */

typedef struct LogLine {
	const char *p;
	int n;
} LogLine;

static bool starts(LogLine l, const char *prefix)
{
	size_t k = strlen(prefix);
	return (size_t)l.n >= k && !strncmp(l.p, prefix, k);
}

/* A line of the instruction trace ("12: (b7) r1 = 0"), not a message. */
static bool is_insn_line(LogLine l)
{
	int k = 0;
	while (k < l.n && l.p[k] >= '0' && l.p[k] <= '9')
		k++;
	return k > 0 && k < l.n && l.p[k] == ':';
}

/* What the verifier's reason means for a Python programmer. */
static const char *reason_hint(const char *reason)
{
	if (strstr(reason, "too large") || strstr(reason, "too complex"))
		return "the verifier follows every path through the probe, and checks what comes after a branch "
		       "once per different way into it; it gave up here, after a million instructions. In a loop, "
		       "branches on values that change from one iteration to the next multiply the paths (fewer "
		       "branches in the body, or fewer iterations, help); in a long probe, split it into several "
		       "probes or functions";
	if (strstr(reason, "unknown#195896080") || strstr(reason, "invalid func unknown#195896080"))
		return "a kernel field or type this probe reads does not exist in the running kernel "
		       "(the object was built against other kernel types)";
	if (strstr(reason, "unknown func") || strstr(reason, "cannot use helper"))
		return "this kernel does not offer that helper to this kind of probe";
	if (strstr(reason, "failed to find the address for kernel symbol"))
		return "a ksym(\"NAME\") variable: the verifier looks its address up in the kernel's symbol table, and "
		       "this kernel lists no data symbols there (it was built without CONFIG_KALLSYMS_ALL: see "
		       "/proc/kallsyms), so per-CPU variables cannot be used on it; nothing was loaded";
	if (strstr(reason, "calling kernel function") && strstr(reason, "is not allowed"))
		return "this kernel does not let this kind of probe call that kfunc: each kfunc is in kfunc sets the "
		       "kernel registers for some program types only (not in BTF, so pybpf learns it here); nothing was loaded";
	return NULL;
}

/* The line of the first BTF line info record at or after instruction idx
 * of the program in ELF section sec of object obj_path, when it is in file
 * fname (or base); 0 when there is none. */
static int line_from(const char *obj_path, const char *sec, int idx, const char *fname, const char *base)
{
	struct btf_ext *ext = NULL;
	struct btf *btf = obj_path ? btf__parse_elf(obj_path, &ext) : NULL;
	struct {
		uint16_t magic;
		uint8_t version, flags;
		uint32_t hdr_len, func_info_off, func_info_len, line_info_off, line_info_len;
	} h;
	uint32_t size = 0, rec_size, best_off = UINT32_MAX;
	const uint8_t *d = ext ? btf_ext__raw_data(ext, &size) : NULL;
	int line = 0;

	if (!d || size < sizeof(h))
		goto out;
	memcpy(&h, d, sizeof(h));
	if ((uint64_t)h.hdr_len + h.line_info_off + h.line_info_len > size || h.line_info_len < 4)
		goto out;
	const uint8_t *p = d + h.hdr_len + h.line_info_off, *end = p + h.line_info_len;
	memcpy(&rec_size, p, 4);
	p += 4;
	if (rec_size < sizeof(struct bpf_line_info))
		goto out;
	while (end - p >= 8) {
		uint32_t sec_off, n;
		memcpy(&sec_off, p, 4);
		memcpy(&n, p + 4, 4);
		p += 8;
		if ((uint64_t)n * rec_size > (uint64_t)(end - p))
			break;
		const char *name = btf__name_by_offset(btf, sec_off);
		for (uint32_t i = 0; name && !strcmp(name, sec) && i < n; i++) {
			struct bpf_line_info li;
			const char *file;
			memcpy(&li, p + i * rec_size, sizeof(li));
			file = btf__name_by_offset(btf, li.file_name_off);
			if (li.insn_off / 8 >= (uint32_t)idx && li.insn_off < best_off && file &&
			    (!strcmp(file, fname) || !strcmp(file, base))) {
				best_off = li.insn_off;
				line = BPF_LINE_INFO_LINE_NUM(li.line_col);
			}
		}
		p += n * rec_size;
	}
out:
	btf_ext__free(ext);
	btf__free(btf);
	return line;
}

/* Explain a failed load: which probe, which Python line (from the last
 * "; ... @ file:N" line info in the verifier log), the verifier's reason
 * and what it means, then the end of the log between markers (all of it
 * with -v). obj and obj_path (may be NULL) serve a failed CO-RE
 * relocation: clang gives its instruction no line, so the line before it
 * in the log may be another statement's; the access it feeds comes next. */
void explain_failure(Prog *prog, struct bpf_object *obj, const char *obj_path, int err, bool verbose)
{
	const char *log = libbpf_log.buf ? libbpf_log.buf : "";
	const char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	const char *end = begin ? strstr(begin, "-- END PROG LOAD LOG --") : NULL;
	const char *probe = NULL, *fname = prog->file->name, *base = strrchr(fname, '/');
	Vec lines = {0};
	char reason[512] = "";
	const char *hint;
	int pyline = 0, poisoned = -1;

	base = base ? base + 1 : fname;
	if (begin) {
		/* "libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG --" */
		const char *q = begin, *a, *p;
		while (q > log && q[-1] != '\n')
			q--;
		a = strstr(q, "prog '");
		if (a && a < begin) {
			a += 6;
			probe = xstrndup(a, strchr(a, '\'') - a);
		}
		if (!end)
			end = log + strlen(log);
		for (p = strchr(begin, '\n'); p && p + 1 < end;) {
			const char *nl = strchr(p + 1, '\n');
			LogLine *l = xcalloc(1, sizeof(*l));
			l->p = p + 1;
			l->n = (nl && nl < end ? nl : end) - l->p;
			vec_push(&lines, l);
			p = nl;
		}
	}
	for (int i = 0; i < lines.len; i++) {
		LogLine l = *(LogLine *)VEC_AT(lines, i);
		/* "; source text @ probe.py:12" is BTF line info */
		if (l.n > 2 && l.p[0] == ';') {
			for (int k = l.n - 3; k > 0; k--)
				if (l.p[k] == ' ' && l.p[k + 1] == '@' && l.p[k + 2] == ' ') {
					const char *at = l.p + k + 3, *colon = memchr(at, ':', l.p + l.n - at);
					size_t fl = colon ? (size_t)(colon - at) : 0;
					if (colon && ((fl == strlen(fname) && !strncmp(at, fname, fl)) ||
						      (fl == strlen(base) && !strncmp(at, base, fl))))
						pyline = atoi(colon + 1);
					break;
				}
			continue;
		}
		if (starts(l, "processed ")) {
			break;
		}
		/* libbpf's stand-in for an instruction whose CO-RE relocation
		 * failed ("<invalid CO-RE relocation>" in newer kernels' logs) */
		if (is_insn_line(l) && (memmem(l.p, l.n, "unknown#195896080", 17) || memmem(l.p, l.n, "invalid CO-RE", 13)))
			poisoned = atoi(l.p);
		if (l.n && !is_insn_line(l) && !starts(l, "verification time") && !starts(l, "stack depth") &&
		    !starts(l, "mark_precise") && !starts(l, "arg#") && !starts(l, "func#") && !starts(l, "last_idx") &&
		    !starts(l, "regs=") && !starts(l, "from ") && !starts(l, "frame"))
			snprintf(reason, sizeof(reason), "%.*s", l.n, l.p);
	}
	fflush(stdout);
	{
		/* a kfunc of the companion module, which this kernel has not loaded */
		const char *x = strstr(log, "extern (func ksym) '");
		if (x && strstr(x, "not found in kernel or module BTFs")) {
			char *name = xstrndup(x + 20, strcspn(x + 20, "'"));
			if (!strncmp(name, "pybpf_", 6)) {
				fprintf(stderr, "pybpf: error: %s uses %s, a kfunc of pybpf's companion module, and the running kernel "
						"has not loaded that module\n"
						"note: load kfuncs/pybpf_kfuncs.ko (make -C kfuncs) where the kernel allows modules; "
						"this machine's kernel does not, and pybpf's QEMU tier runs such programs in Debian's kernel\n",
					prog->file->name, name);
				return;
			}
			fprintf(stderr, "pybpf: error: %s calls the kernel function %s, which the running kernel does not have\n",
				prog->file->name, name);
			return;
		}
	}
	if (!probe) {
		/* no verifier log: "libbpf: prog 'NAME': BPF program load failed: ..." */
		const char *a = strstr(log, "prog '");
		if (a) {
			a += 6;
			probe = xstrndup(a, strcspn(a, "'"));
		}
	}
	Probe *pr = NULL;
	for (int i = 0; probe && i < prog->probes.len; i++)
		if (!strcmp(((Probe *)VEC_AT(prog->probes, i))->cname, probe))
			pr = VEC_AT(prog->probes, i);
	if (!lines.len && pr && (err == -EPERM || err == -EINVAL || err == -ENOTSUPP || err == -EOPNOTSUPP) &&
	    (!strcmp(pr->kind, "fentry") || !strcmp(pr->kind, "fexit") || !strcmp(pr->kind, "lsm"))) {
		/* the kernel refuses the program type itself, before verifying it */
		error_begin(pr->target_loc, "this kernel refuses @%s probes: loading '%s' failed with %s, before any check of "
			    "its code", pr->kind, pr->name, strerror(-err));
		fprintf(stderr, "note: %s\n", !strcmp(pr->kind, "lsm")
			? "BPF LSM programs need a kernel booted with lsm=...,bpf; nothing was loaded"
			: "use @tp_btf or @tracepoint where the event has one; @fentry/@fexit need a kernel that permits "
			  "BPF trampolines (pybpf's QEMU tier runs them); nothing was loaded");
		return;
	}
	if (poisoned >= 0 && pr && obj) {
		struct bpf_program *bp = bpf_object__find_program_by_name(obj, pr->cname);
		int l = bp ? line_from(obj_path, bpf_program__section_name(bp), poisoned, fname, base) : 0;
		if (l > 0)
			pyline = l;
	}
	if (pyline > 0)
		error_begin(line_loc(prog->file, pyline), "the kernel's verifier rejected probe '%s'%s%s", probe ? probe : "?",
			    reason[0] ? ": " : "", reason);
	else
		fprintf(stderr, "pybpf: error: the kernel refused to load %s%s%s: %s%s%s\n", probe ? "probe '" : "the program",
			probe ? probe : "", probe ? "'" : "", strerror(-err), reason[0] ? ": " : "", reason);
	hint = reason_hint(reason);
	if (!hint && strstr(log, "failed to resolve CO-RE relocation"))
		hint = reason_hint("unknown#195896080");
	if (hint)
		fprintf(stderr, "note: %s\n", hint);
	if (lines.len) {
		int first = verbose || lines.len <= 25 ? 0 : lines.len - 25;
		fprintf(stderr, "--- verifier log%s ---\n", first ? " (the end; pybpf load -v shows all of it)" : "");
		if (first)
			fprintf(stderr, "... %d earlier lines\n", first);
		for (int i = first; i < lines.len; i++) {
			LogLine *l = VEC_AT(lines, i);
			fprintf(stderr, "%.*s\n", l->n, l->p);
		}
		fprintf(stderr, "--- end of verifier log ---\n");
	} else if (libbpf_log.len) {
		fputs(libbpf_log.buf, stderr);
	}
}
