/* lexparse_main.c — test driver for the front end (lex.c, parse.c).
 *
 *   pyc-frontend tokens FILE   print lex_dump() of FILE
 *   pyc-frontend ast FILE      print parse_dump() of FILE
 *
 * Output goes to stdout; diagnostics to stderr with exit status 1. */
#include "pyc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	SrcFile *file;
	Token *toks;
	size_t len;
	char *text;

	if (argc != 3 || (strcmp(argv[1], "tokens") && strcmp(argv[1], "ast"))) {
		fprintf(stderr, "usage: pyc-frontend tokens|ast FILE\n");
		return 2;
	}
	text = read_file(argv[2], &len);
	if (!text)
		fatal("cannot read %s: %s", argv[2], strerror(errno));
	file = xcalloc(1, sizeof(*file));
	file->name = argv[2];
	file->text = text;
	file->len = len;
	toks = lex_file(file);
	if (!strcmp(argv[1], "tokens")) {
		lex_dump(toks, stdout);
		return 0;
	}
	parse_dump(parse_module(file, toks), stdout);
	return 0;
}
