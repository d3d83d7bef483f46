/* usdt.h — USDT (SystemTap SDT) notes of an ELF binary (pyc/usdt.c). */
#pragma once
#include "pyc.h"

/* Append "provider:name" for each .note.stapsdt note of `path` to names and
 * (when args is not NULL) its argument spec ("-4@%eax 8@-16(%rbp)") to
 * args, in note order. Returns 0, or -1 when the file cannot be read. */
int usdt_notes(const char *path, Vec *names, Vec *args);

/* The argument spec of the first probe "provider:name" of path, or "". */
const char *usdt_argspec(const char *path, const char *provname);

#define USDT_MAX_ARGS 12   /* libbpf's BPF_USDT_MAX_ARG_CNT */

/* One argument of a note's spec: "[-]SIZE@OPERAND". */
typedef struct UsdtArg {
	const char *spec;   /* "-4@%eax" */
	int size;           /* 1, 2, 4 or 8 bytes */
	bool is_signed;
	bool memory;        /* the operand is in memory (a read that can fault) */
} UsdtArg;

/* Parse spec's arguments into out (at most max of them); returns how many
 * the spec has. */
int usdt_parse_args(const char *spec, UsdtArg *out, int max);

/* A binary named in @usdt: a path as is, a bare name searched in $PATH.
 * NULL when there is no such file. */
const char *usdt_find_binary(const char *name);

/* Up to max of names nearest to want, closest first, "a, b, c" ("" if none). */
const char *usdt_nearest(Vec *names, const char *want, int max);
