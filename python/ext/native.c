/* native.c — pybpf._native: the loader, for CPython programs.
 *
 * A thin layer over the code `pybpf load` runs: the compiler (prepare.c),
 * a Session (session.h) for load/attach/poll/cleanup, mapread.c for the
 * maps and output.c's JSON for their values. python/pybpf/live.py builds
 * the documented API (pybpf.load, Program, maps as MutableMappings,
 * dataclasses, histograms) on top; docs/python-api.md.
 *
 * Errors: while the compiler or loader runs, stderr is a memory stream and
 * diag_jmp is set, so a bad program or a kernel refusal becomes
 * _native.Error(phase, text, file, line, col, message) with the text the
 * CLI would have printed, instead of an exit. Built with the stable ABI
 * (Py_LIMITED_API) against Debian's python3-dev.
 */
#define Py_LIMITED_API 0x030B0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "loader.h"
#include "session.h"
#include "prepare.h"
#include "mapread.h"
#include "output.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PyObject *native_error;   /* _native.Error */

/* ---- running compiler and loader code: stderr captured, exits caught ---- */

typedef struct Guard {
	FILE *saved, *mem;
	char *text;
	size_t len;
	jmp_buf jb;
} Guard;

static void ice_jump(void)
{
	if (diag_jmp)
		longjmp(*diag_jmp, 2);
}

static void guard_begin(Guard *g)
{
	fflush(stderr);
	diag_last_reset();
	g->text = NULL;
	g->len = 0;
	g->saved = stderr;
	g->mem = open_memstream(&g->text, &g->len);
	if (g->mem)
		stderr = g->mem;
	diag_jmp = &g->jb;
	ice_hook = ice_jump;
}

static void guard_end(Guard *g)
{
	diag_jmp = NULL;
	ice_hook = NULL;
	if (g->mem) {
		fflush(g->mem);
		stderr = g->saved;
		fclose(g->mem);
	}
}

/* _native.Error((phase, text, file, line, col, message)) from what the guard saw */
static PyObject *raise_guarded(Guard *g, const char *phase)
{
	PyObject *args = Py_BuildValue("(ss#zii z)", phase, g->text ? g->text : "", (Py_ssize_t)g->len,
				       diag_last.file, diag_last.line, diag_last.col, diag_last.msg);
	if (args) {
		PyErr_SetObject(native_error, args);
		Py_DECREF(args);
	}
	free(g->text);
	return NULL;
}

/* load/compile/check's arguments: path, [(name, value)], btf or None */
typedef struct Args {
	const char *path, *btf;
	LoadOpts o;
} Args;

static int parse_args(PyObject *args, Args *a)
{
	PyObject *defs;
	memset(a, 0, sizeof(*a));
	if (!PyArg_ParseTuple(args, "sOz", &a->path, &defs, &a->btf))
		return -1;
	PyObject *it = PyObject_GetIter(defs), *item;
	if (!it)
		return -1;
	while ((item = PyIter_Next(it))) {
		const char *n, *v;
		if (!PyArg_ParseTuple(item, "ss", &n, &v)) {
			Py_DECREF(item);
			Py_DECREF(it);
			return -1;
		}
		Define *d = xcalloc(1, sizeof(*d));
		d->name = xstrdup(n);
		d->value = xstrdup(v);
		vec_push(&a->o.defines, d);
		Py_DECREF(item);
	}
	Py_DECREF(it);
	if (PyErr_Occurred())
		return -1;
	pyc_btf_path = a->btf ? xstrdup(a->btf) : NULL;
	pyc_tracefs = sys_tracefs();
	return 0;
}

/* check(path, defines, btf) -> None; compile(...) -> the generated C */
static PyObject *front_end(PyObject *args, bool emit)
{
	Args a;
	Guard g;
	Str c = {0};
	if (parse_args(args, &a) < 0)
		return NULL;
	guard_begin(&g);
	if (setjmp(g.jb)) {
		guard_end(&g);
		return raise_guarded(&g, "compile");
	}
	set_const_overrides(&a.o);
	Prog *prog = emit ? compile_to_c(a.path, &c) : compile_file(a.path);
	check_defines(prog, &a.o);
	guard_end(&g);
	free(g.text);
	if (!emit)
		Py_RETURN_NONE;
	PyObject *r = PyUnicode_FromStringAndSize(c.buf, (Py_ssize_t)c.len);
	free(c.buf);
	return r;
}

static PyObject *py_check(PyObject *self, PyObject *args)
{
	return front_end(args, false);
}

static PyObject *py_compile(PyObject *self, PyObject *args)
{
	return front_end(args, true);
}

/* ---- a loaded program ---------------------------------------------------- */

static PyObject *os_error(int err)
{
	errno = err;
	return PyErr_SetFromErrno(PyExc_OSError);
}

/* a record from the ring buffers, kept until poll() hands it to Python */
typedef struct Item {
	MapDecl *map;   /* NULL: print() text */
	size_t len;
	unsigned char data[];
} Item;

typedef struct {
	PyObject_HEAD
	Session s;
	Args a;
	bool open;
	Vec items;   /* Item* */
} SessionObject;

static void sink_push(SessionObject *so, MapDecl *m, const void *data, size_t len)
{
	Item *it = xcalloc(1, sizeof(*it) + len + 1);
	it->map = m;
	it->len = len;
	memcpy(it->data, data, len);
	vec_push(&so->items, it);
}

static void sink_text(void *ctx, const char *text, size_t len)
{
	sink_push(ctx, NULL, text, len);
}

static void sink_event(void *ctx, MapDecl *m, const unsigned char *rec)
{
	sink_push(ctx, m, rec, (size_t)ty_size(m->type->val));
}

static void session_end(SessionObject *so)
{
	if (!so->open)
		return;
	so->open = false;
	session_finish(&so->s, false);
	session_close(&so->s);
}

static void session_dealloc(PyObject *self)
{
	SessionObject *so = (SessionObject *)self;
	session_end(so);
	for (int i = 0; i < so->items.len; i++)
		free(VEC_AT(so->items, i));
	free(so->items.data);
	PyTypeObject *tp = Py_TYPE(self);
	freefunc f = PyType_GetSlot(tp, Py_tp_free);
	f(self);
	Py_DECREF(tp);
}

static PyObject *session_type;

/* load(path, defines, btf) -> Session */
static PyObject *py_load(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)PyType_GenericAlloc((PyTypeObject *)session_type, 0);
	Guard g;
	int rc = -1;
	if (!so)
		return NULL;
	if (parse_args(args, &so->a) < 0) {
		Py_DECREF(so);
		return NULL;
	}
	so->s.run.sink = (Sink){sink_text, sink_event, so};
	so->s.quiet = true;
	guard_begin(&g);
	if (setjmp(g.jb) == 0)
		rc = session_open(&so->s, so->a.path, &so->a.o);
	guard_end(&g);
	if (rc < 0) {
		const char *phase = so->s.phase && !strcmp(so->s.phase, "compile") ? "compile" : "load";
		session_close(&so->s);
		Py_DECREF(so);
		return raise_guarded(&g, phase);
	}
	free(g.text);
	so->open = true;
	return (PyObject *)so;
}

static bool check_open(SessionObject *so)
{
	if (!so->open)
		PyErr_SetString(PyExc_ValueError, "the program is closed");
	return so->open;
}

static PyObject *session_close_m(PyObject *self, PyObject *unused)
{
	session_end((SessionObject *)self);
	Py_RETURN_NONE;
}

/* poll(timeout_ms) -> [("print", text) | ("event", map, json)] */
static PyObject *session_poll_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	int timeout, err;
	if (!PyArg_ParseTuple(args, "i", &timeout) || !check_open(so))
		return NULL;
	Py_BEGIN_ALLOW_THREADS
	err = session_poll(&so->s, timeout);
	Py_END_ALLOW_THREADS
	if (err < 0 && err != -EINTR)
		return os_error(-err);
	PyObject *list = PyList_New(0);
	for (int i = 0; list && i < so->items.len; i++) {
		Item *it = VEC_AT(so->items, i);
		PyObject *rec;
		if (!it->map) {
			rec = Py_BuildValue("(sN)", "print",
					    PyUnicode_DecodeUTF8((const char *)it->data, (Py_ssize_t)it->len, "replace"));
		} else {
			Str j = {0};
			out_json_value(&j, it->map->type->val, it->data);
			rec = Py_BuildValue("(sss#)", "event", it->map->name, j.buf ? j.buf : "null", (Py_ssize_t)j.len);
			free(j.buf);
		}
		if (!rec || PyList_Append(list, rec) < 0)
			Py_CLEAR(list);
		Py_XDECREF(rec);
	}
	for (int i = 0; i < so->items.len; i++)
		free(VEC_AT(so->items, i));
	so->items.len = 0;
	return list;
}

/* ---- types, as JSON the Python side reads (live.py's _Schema) ---- */

static void type_schema(Str *o, Type *t)
{
	switch (t->kind) {
	case TY_BOOL:
		str_puts(o, "{\"k\": \"bool\"}");
		return;
	case TY_STR:
		str_printf(o, "{\"k\": \"str\", \"size\": %d}", t->size);
		return;
	case TY_BYTES:
		str_printf(o, "{\"k\": \"bytes\", \"size\": %d, \"addr\": %d}", t->size, t->addr);
		return;
	case TY_STACK:
		str_printf(o, "{\"k\": \"stack\", \"user\": %s}", t->user ? "true" : "false");
		return;
	case TY_AGG:
		str_printf(o, "{\"k\": \"agg\", \"agg\": \"%s\"}", agg_names[t->agg]);
		return;
	case TY_TUPLE:
	case TY_STRUCT:
		str_printf(o, "{\"k\": \"%s\", \"name\": \"%s\", \"elems\": [", t->kind == TY_TUPLE ? "tuple" : "struct",
			   t->kind == TY_STRUCT ? t->sname : "");
		for (int i = 0; i < t->elems.len; i++) {
			Type *e = VEC_AT(t->elems, i);
			if (e->kind == TY_LOCK)
				continue;
			str_printf(o, "%s[\"%s\", ", o->buf[o->len - 1] == '[' ? "" : ", ",
				   t->kind == TY_STRUCT ? (const char *)VEC_AT(t->fnames, i) : "");
			type_schema(o, e);
			str_puts(o, "]");
		}
		str_puts(o, "]}");
		return;
	default:
		str_printf(o, "{\"k\": \"int\", \"size\": %d, \"signed\": %s, \"addr\": %d}", t->size,
			   t->is_signed ? "true" : "false", t->addr);
		return;
	}
}

static PyObject *schema_obj(Type *t)
{
	Str o = {0};
	type_schema(&o, t);
	PyObject *r = PyUnicode_FromStringAndSize(o.buf, (Py_ssize_t)o.len);
	free(o.buf);
	return r;
}

/* The kinds of map the Python API reads and writes by key. */
static bool keyed(MapDecl *m)
{
	return map_walkable(m) && !m->unkeyed && m->type->map_kind != MAP_LPM;
}

/* maps() -> [(name, kind, key schema, value schema, max_entries, percpu)]
 * for the keyed maps; values() -> [(name, schema)] for module-level
 * variables and unkeyed aggregations */
static PyObject *session_maps_m(PyObject *self, PyObject *unused)
{
	SessionObject *so = (SessionObject *)self;
	if (!check_open(so))
		return NULL;
	PyObject *list = PyList_New(0);
	for (int i = 0; list && i < so->s.prog->maps.len; i++) {
		MapDecl *m = VEC_AT(so->s.prog->maps, i);
		if (!keyed(m))
			continue;
		PyObject *t = Py_BuildValue("(ssNNkO)", m->name, map_kind_names[m->type->map_kind], schema_obj(m->type->key),
					    schema_obj(m->type->val), (unsigned long)m->max_entries,
					    m->percpu ? Py_True : Py_False);
		if (!t || PyList_Append(list, t) < 0)
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	return list;
}

static PyObject *session_values_m(PyObject *self, PyObject *unused)
{
	SessionObject *so = (SessionObject *)self;
	Prog *prog;
	if (!check_open(so))
		return NULL;
	prog = so->s.prog;
	PyObject *list = PyList_New(0);
	for (int i = 0; list && i < prog->maps.len + prog->globals.len; i++) {
		MapDecl *m = i < prog->maps.len ? VEC_AT(prog->maps, i) : NULL;
		GlobalDecl *gd = m ? NULL : VEC_AT(prog->globals, i - prog->maps.len);
		if (m && !(m->unkeyed && map_walkable(m)))
			continue;
		PyObject *t = Py_BuildValue("(sN)", m ? m->name : gd->name, schema_obj(m ? m->type->val : gd->type));
		if (!t || PyList_Append(list, t) < 0)
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	return list;
}

static MapDecl *find_map(SessionObject *so, const char *name, int *fd)
{
	for (int i = 0; i < so->s.prog->maps.len; i++) {
		MapDecl *m = VEC_AT(so->s.prog->maps, i);
		if (!strcmp(m->name, name)) {
			*fd = bpf_map__fd(bpf_object__find_map_by_name(so->s.obj, m->cname));
			return m;
		}
	}
	PyErr_Format(PyExc_KeyError, "no map named '%s'", name);
	return NULL;
}

/* ringbuf_schema(name) -> the schema of a RingBuf map's records */
static PyObject *session_ringbuf_schema_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	int fd;
	MapDecl *m;
	if (!PyArg_ParseTuple(args, "s", &name) || !check_open(so) || !(m = find_map(so, name, &fd)))
		return NULL;
	return schema_obj(m->type->val);
}

/* value(name) -> JSON of a module-level variable or unkeyed aggregation */
static PyObject *session_value_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	Str j = {0};
	if (!PyArg_ParseTuple(args, "s", &name) || !check_open(so))
		return NULL;
	for (int i = 0; i < so->s.prog->globals.len; i++) {
		GlobalDecl *gd = VEC_AT(so->s.prog->globals, i);
		unsigned char buf[8] = {0};
		if (strcmp(gd->name, name))
			continue;
		if (read_global(so->s.obj, ".data", gd->cname, 0, buf, ty_size(gd->type)) < 0)
			return PyErr_SetFromErrno(PyExc_OSError);
		out_json_value(&j, gd->type, buf);
	}
	if (!j.buf) {
		int fd, key = 0;
		MapDecl *m = find_map(so, name, &fd);
		if (!m)
			return NULL;
		unsigned char *val = xcalloc(1, ty_size(m->type->val));
		if (map_lookup_merged(fd, m, &key, val) < 0) {
			free(val);
			return PyErr_SetFromErrno(PyExc_OSError);
		}
		out_json_value(&j, m->type->val, val);
		free(val);
	}
	PyObject *r = PyUnicode_FromStringAndSize(j.buf, (Py_ssize_t)j.len);
	free(j.buf);
	return r;
}

/* items(name) -> JSON [[key, value], ...] */
static PyObject *session_items_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	int fd, err;
	MapRows rows;
	MapDecl *m;
	Str j = {0};
	if (!PyArg_ParseTuple(args, "s", &name) || !check_open(so) || !(m = find_map(so, name, &fd)))
		return NULL;
	if ((err = map_read_rows(fd, m, &rows)) < 0)
		return os_error(-err);
	str_puts(&j, "[");
	for (int i = 0; i < rows.n; i++) {
		str_puts(&j, i ? ", [" : "[");
		out_json_value(&j, m->type->key, rows.keys[i]);
		str_puts(&j, ", ");
		out_json_value(&j, m->type->val, rows.vals[i]);
		str_puts(&j, "]");
	}
	str_puts(&j, "]");
	map_rows_free(&rows);
	PyObject *r = PyUnicode_FromStringAndSize(j.buf, (Py_ssize_t)j.len);
	free(j.buf);
	return r;
}

/* ---- Python values into the kernel's layout --------------------------------- */

static int encode(PyObject *v, Type *t, unsigned char *p);

static int encode_int(PyObject *v, Type *t, unsigned char *p)
{
	PyObject *n = PyNumber_Index(v);
	int overflow = 0;
	long long x;
	if (!n)
		return -1;
	x = PyLong_AsLongLongAndOverflow(n, &overflow);
	if (overflow > 0 && !t->is_signed && t->size == 8) {
		x = (long long)PyLong_AsUnsignedLongLong(n);
		overflow = PyErr_Occurred() ? 1 : 0;
		PyErr_Clear();
	}
	Py_DECREF(n);
	if (x == -1 && PyErr_Occurred())
		return -1;
	bool fits = !overflow;
	if (fits && t->size < 8)
		fits = t->is_signed ? x >= -(1LL << (t->size * 8 - 1)) && x < (1LL << (t->size * 8 - 1))
				    : x >= 0 && x < (1LL << (t->size * 8));
	if (fits && t->size == 8 && !t->is_signed && x < 0 && !PyObject_RichCompareBool(v, Py_False, Py_GE))
		fits = false;
	if (!fits) {
		PyErr_Format(PyExc_OverflowError, "%R does not fit in %s%d", v, t->is_signed ? "i" : "u", t->size * 8);
		return -1;
	}
	memcpy(p, &x, t->size);   /* little-endian x86_64: the low bytes */
	return 0;
}

/* an IPv4 or IPv6 address: an ipaddress object or its text */
static int encode_addr(PyObject *v, Type *t, unsigned char *p)
{
	PyObject *s = PyObject_Str(v);
	const char *txt = s ? PyUnicode_AsUTF8AndSize(s, NULL) : NULL;
	unsigned char b[16];
	int ok = txt && inet_pton(t->size == 16 ? AF_INET6 : AF_INET, txt, b) == 1;
	Py_XDECREF(s);
	if (!ok) {
		if (!PyErr_Occurred())
			PyErr_Format(PyExc_ValueError, "%R is not an %s address", v, t->size == 16 ? "IPv6" : "IPv4");
		return -1;
	}
	if (t->size == 16) {
		memcpy(p, b, 16);
	} else {
		uint32_t host = ((uint32_t)b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];   /* IPv4 keys are host order */
		memcpy(p, &host, 4);
	}
	return 0;
}

static int encode_elems(PyObject *v, Type *t, unsigned char *p)
{
	bool st = t->kind == TY_STRUCT;
	if (!st && (!PyTuple_Check(v) || PyTuple_Size(v) != t->elems.len)) {
		PyErr_Format(PyExc_TypeError, "expected a tuple of %d, got %R", t->elems.len, v);
		return -1;
	}
	for (int i = 0; i < t->elems.len; i++) {
		Type *e = VEC_AT(t->elems, i);
		PyObject *x;
		if (e->kind == TY_LOCK)
			continue;
		x = st ? PyObject_GetAttrString(v, VEC_AT(t->fnames, i)) : PyTuple_GetItem(v, i);
		if (!x)
			return -1;
		int r = encode(x, e, p + t->offsets[i]);
		if (st)
			Py_DECREF(x);
		if (r < 0)
			return -1;
	}
	return 0;
}

static int encode(PyObject *v, Type *t, unsigned char *p)
{
	Py_ssize_t n;
	const char *s;
	switch (t->kind) {
	case TY_BOOL:
		p[0] = PyObject_IsTrue(v) == 1;
		return 0;
	case TY_STR:
		if (!PyUnicode_Check(v)) {
			PyErr_Format(PyExc_TypeError, "expected str, got %R", v);
			return -1;
		}
		if (!(s = PyUnicode_AsUTF8AndSize(v, &n)))
			return -1;
		if (n >= t->size) {
			PyErr_Format(PyExc_ValueError, "%R is %zd bytes in UTF-8; a str[%d] holds %d", v, n, t->size, t->size - 1);
			return -1;
		}
		memcpy(p, s, (size_t)n);
		return 0;
	case TY_BYTES:
		if (t->addr)
			return encode_addr(v, t, p);
		if (!PyBytes_Check(v) || PyBytes_Size(v) != t->size) {
			PyErr_Format(PyExc_TypeError, "expected bytes of length %d, got %R", t->size, v);
			return -1;
		}
		memcpy(p, PyBytes_AsString(v), (size_t)t->size);
		return 0;
	case TY_TUPLE:
	case TY_STRUCT:
		return encode_elems(v, t, p);
	case TY_AGG:
		if (t->agg != AGG_COUNT && t->agg != AGG_SUM) {
			PyErr_Format(PyExc_TypeError, "a %s value cannot be assigned from Python (only Count and Sum can)",
				     agg_names[t->agg]);
			return -1;
		}
		return encode_int(v, &(Type){.kind = TY_FIXED, .size = 8, .is_signed = true}, p);
	case TY_FIXED:
		if (t->addr && !PyLong_Check(v))
			return encode_addr(v, t, p);
		return encode_int(v, t, p);
	default:
		PyErr_SetString(PyExc_TypeError, "values of this type cannot be written from Python");
		return -1;
	}
}

static bool is_array(MapDecl *m)
{
	return m->type->map_kind == MAP_ARRAY || m->type->map_kind == MAP_PERCPU_ARRAY;
}

/* a key buffer for m from a Python key; NULL with an exception set */
static unsigned char *encode_key(MapDecl *m, PyObject *key)
{
	unsigned char *k = xcalloc(1, ty_size(m->type->key) + 8);
	if (encode(key, m->type->key, k) < 0) {
		free(k);
		return NULL;
	}
	return k;
}

/* The open session's map `name` (its fd in *fd) and key as the kernel
 * stores it (*k, to free); NULL with an exception set. */
static MapDecl *map_and_key(SessionObject *so, const char *name, PyObject *key, int *fd, unsigned char **k)
{
	MapDecl *m;
	if (!check_open(so) || !(m = find_map(so, name, fd)) || !(*k = encode_key(m, key)))
		return NULL;
	return m;
}

/* lookup(name, key) -> JSON, or None when missing */
static PyObject *session_lookup_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	PyObject *key, *r;
	int fd;
	MapDecl *m;
	unsigned char *k, *val;
	Str j = {0};
	if (!PyArg_ParseTuple(args, "sO", &name, &key) || !(m = map_and_key(so, name, key, &fd, &k)))
		return NULL;
	val = xcalloc(1, ty_size(m->type->val) + 8);
	if (map_lookup_merged(fd, m, k, val) < 0) {
		r = Py_None;
		Py_INCREF(r);
	} else {
		out_json_value(&j, m->type->val, val);
		r = PyUnicode_FromStringAndSize(j.buf, (Py_ssize_t)j.len);
		free(j.buf);
	}
	free(k);
	free(val);
	return r;
}

/* update(name, key, value): a per-CPU map's value goes to CPU 0, the others
 * zero, so that the merged value (a sum) is the one written */
static PyObject *session_update_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	PyObject *key, *value;
	int fd, ncpu = libbpf_num_possible_cpus(), vsz;
	MapDecl *m;
	unsigned char *k, *val;
	if (!PyArg_ParseTuple(args, "sOO", &name, &key, &value) || !(m = map_and_key(so, name, key, &fd, &k)))
		return NULL;
	vsz = (ty_size(m->type->val) + 7) / 8 * 8;
	val = xcalloc(m->percpu ? ncpu : 1, vsz);
	if (encode(value, m->type->val, val) < 0) {
		free(k);
		free(val);
		return NULL;
	}
	int err = bpf_map_update_elem(fd, k, val, 0) ? errno : 0;
	free(k);
	free(val);
	if (err == E2BIG && is_array(m)) {
		PyErr_Format(PyExc_IndexError, "%R is not an index of array '%s' (it has %u)", key, name, m->max_entries);
		return NULL;
	}
	if (err == E2BIG || err == ENOMEM) {
		PyErr_Format(PyExc_OverflowError, "map '%s' is full (max_entries=%u)", name, m->max_entries);
		return NULL;
	}
	if (err)
		return os_error(err);
	Py_RETURN_NONE;
}

/* delete(name, key) -> True, or False when it was not there */
static PyObject *session_delete_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	PyObject *key;
	int fd, err;
	MapDecl *m;
	unsigned char *k;
	if (!PyArg_ParseTuple(args, "sO", &name, &key) || !(m = map_and_key(so, name, key, &fd, &k)))
		return NULL;
	err = bpf_map_delete_elem(fd, k) ? errno : 0;
	free(k);
	if (err == ENOENT)
		Py_RETURN_FALSE;
	if (err == EINVAL && is_array(m)) {
		PyErr_Format(PyExc_TypeError, "an Array's entries cannot be deleted, only set (array '%s')", name);
		return NULL;
	}
	if (err)
		return os_error(err);
	Py_RETURN_TRUE;
}

static PyObject *session_clear_m(PyObject *self, PyObject *args)
{
	SessionObject *so = (SessionObject *)self;
	const char *name;
	int fd;
	MapDecl *m;
	if (!PyArg_ParseTuple(args, "s", &name) || !check_open(so) || !(m = find_map(so, name, &fd)))
		return NULL;
	map_clear(fd, m);
	Py_RETURN_NONE;
}

/* counters() -> (lost, [(file, line, exception, message, probe, count)]) */
static PyObject *session_counters_m(PyObject *self, PyObject *unused)
{
	SessionObject *so = (SessionObject *)self;
	Prog *prog;
	int n = 0;
	uint64_t *all;
	if (!check_open(so))
		return NULL;
	prog = so->s.prog;
	all = read_counters(counters_map_fd(so->s.obj), &n);
	PyObject *list = PyList_New(0);
	for (int k = 0; list && k < prog->exc_slots.len; k++) {
		ExcSlot *sl = VEC_AT(prog->exc_slots, k);
		RaiseSite *r = VEC_AT(prog->raises, sl->site);
		Probe *pr = VEC_AT(prog->probes, sl->probe);
		uint64_t c = all && 1 + k < n ? counter_value(all, 1 + k) : 0;
		PyObject *t = Py_BuildValue("(siszsK)", r->loc.file->name, r->loc.line, r->exc, r->msg, pr->name,
					    (unsigned long long)c);
		if (!t || PyList_Append(list, t) < 0)
			Py_CLEAR(list);
		Py_XDECREF(t);
	}
	uint64_t lost = all && n > 0 ? counter_value(all, 0) : 0;
	free(all);
	return list ? Py_BuildValue("(KN)", (unsigned long long)lost, list) : NULL;
}

/* prog_ids() -> the kernel's ids of the loaded programs (tests ask bpftool about them) */
static PyObject *session_prog_ids_m(PyObject *self, PyObject *unused)
{
	SessionObject *so = (SessionObject *)self;
	struct bpf_program *p;
	if (!check_open(so))
		return NULL;
	PyObject *list = PyList_New(0);
	bpf_object__for_each_program(p, so->s.obj) {
		struct bpf_prog_info info = {0};
		uint32_t len = sizeof(info);
		if (!list || bpf_program__fd(p) < 0 || bpf_prog_get_info_by_fd(bpf_program__fd(p), &info, &len))
			continue;
		PyObject *id = PyLong_FromUnsignedLong(info.id);
		if (!id || PyList_Append(list, id) < 0)
			Py_CLEAR(list);
		Py_XDECREF(id);
	}
	return list;
}

static PyMethodDef session_methods[] = {
	{"close", session_close_m, METH_NOARGS, "detach, run @end and free everything"},
	{"poll", session_poll_m, METH_VARARGS, "poll(timeout_ms) -> records"},
	{"maps", session_maps_m, METH_NOARGS, "the keyed maps"},
	{"values", session_values_m, METH_NOARGS, "module-level variables and unkeyed aggregations"},
	{"ringbuf_schema", session_ringbuf_schema_m, METH_VARARGS, "ringbuf_schema(map) -> schema"},
	{"value", session_value_m, METH_VARARGS, "value(name) -> JSON"},
	{"items", session_items_m, METH_VARARGS, "items(map) -> JSON"},
	{"lookup", session_lookup_m, METH_VARARGS, "lookup(map, key) -> JSON or None"},
	{"update", session_update_m, METH_VARARGS, "update(map, key, value)"},
	{"delete", session_delete_m, METH_VARARGS, "delete(map, key) -> bool"},
	{"clear", session_clear_m, METH_VARARGS, "clear(map)"},
	{"counters", session_counters_m, METH_NOARGS, "(lost, exceptions)"},
	{"prog_ids", session_prog_ids_m, METH_NOARGS, "the loaded programs' ids"},
	{NULL, NULL, 0, NULL},
};

static PyType_Slot session_slots[] = {
	{Py_tp_dealloc, session_dealloc},
	{Py_tp_methods, session_methods},
	{Py_tp_doc, "a loaded program (pybpf.live.Program wraps it)"},
	{0, NULL},
};

static PyType_Spec session_spec = {
	.name = "pybpf._native.Session",
	.basicsize = sizeof(SessionObject),
	.flags = Py_TPFLAGS_DEFAULT,
	.slots = session_slots,
};

static PyMethodDef module_methods[] = {
	{"load", py_load, METH_VARARGS, "load(path, [(name, value)], btf) -> Session"},
	{"compile", py_compile, METH_VARARGS, "compile(path, [(name, value)], btf) -> C source"},
	{"check", py_check, METH_VARARGS, "check(path, [(name, value)], btf)"},
	{NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
	PyModuleDef_HEAD_INIT, "pybpf._native", "the pybpf loader (see pybpf.live)", -1, module_methods,
	NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void)
{
	PyObject *m = PyModule_Create(&module_def);
	if (!m)
		return NULL;
	out_init(stdout, OUT_TEXT);
	native_error = PyErr_NewException("pybpf._native.Error", NULL, NULL);
	session_type = PyType_FromSpec(&session_spec);
	if (!native_error || !session_type || PyModule_AddObject(m, "Error", native_error) < 0 ||
	    PyModule_AddObject(m, "Session", session_type) < 0) {
		Py_DECREF(m);
		return NULL;
	}
	Py_INCREF(native_error);
	Py_INCREF(session_type);
	return m;
}
