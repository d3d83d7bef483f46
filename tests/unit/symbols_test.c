/* symbols_test.c — driver for tests/unit/symbols_cases.py.
 *
 * Reads commands on stdin, one per line, and answers each with one line
 * (the symbol, or "NULL"):
 *   k ADDR        sym_kernel(ADDR)
 *   u PID ADDR    sym_user(PID, ADDR)
 *   p PID         sym_prefetch(PID)  (answers "ok")
 * Addresses are hex (with or without 0x).
 */
#include "symbols.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char line[256];
	while (fgets(line, sizeof line, stdin)) {
		unsigned long long addr;
		int pid;
		const char *res;
		if (sscanf(line, "k %llx", &addr) == 1) {
			res = sym_kernel(addr);
		} else if (sscanf(line, "u %d %llx", &pid, &addr) == 2) {
			res = sym_user(pid, addr);
		} else if (sscanf(line, "p %d", &pid) == 1) {
			sym_prefetch(pid);
			res = "ok";
		} else {
			res = "bad command";
		}
		printf("%s\n", res ? res : "NULL");
		fflush(stdout);
	}
	return 0;
}
