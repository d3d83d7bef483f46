/* paced: getppid() system calls at a given rate, for the print-throughput
 * benchmark. Waits for a line on stdin (the tracer is attached), then makes
 * RATE calls per second for SECONDS seconds, in 1 ms slices (RATE 0: as fast
 * as it can). Prints "CALLS NS" when done.
 *
 *   paced RATE SECONDS
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long rate = argc > 1 ? atol(argv[1]) : 0;
	double seconds = argc > 2 ? atof(argv[2]) : 1;
	long long start, end, calls = 0;
	char line[16];

	if (!fgets(line, sizeof(line), stdin))
		return 1;
	start = now_ns();
	end = start + (long long)(seconds * 1e9);
	for (long long slice = start; slice < end; slice += 1000000) {
		/* the calls due by the end of this millisecond */
		long long due = rate ? (long long)((double)rate * (slice + 1000000 - start) / 1e9) : -1;
		while (rate ? calls < due : now_ns() < slice + 1000000) {
			syscall(SYS_getppid);
			calls++;
		}
		while (rate && now_ns() < slice + 1000000)
			;
	}
	printf("%lld %lld\n", calls, now_ns() - start);
	return 0;
}
