/* usdt.h — USDT (SystemTap SDT) notes of an ELF binary. */
#pragma once
#include "support.h"

/* Append "provider:name" for each .note.stapsdt note of `path` to names and
 * (when args is not NULL) its argument spec ("-4@%eax 8@-16(%rbp)") to
 * args, in note order. Returns 0, or -1 when the file cannot be read. */
int usdt_notes(const char *path, Vec *names, Vec *args);

/* The argument spec of the first probe "provider:name" of path, or "". */
const char *usdt_argspec(const char *path, const char *provname);
