/* loop: N getppid() system calls through syscall(2), timed with
 * clock_gettime(CLOCK_MONOTONIC). Prints "N NS_TOTAL NS_PER_CALL".
 *
 *   loop [N] [REPEAT]   (default 2000000 1: REPEAT lines, one per pass)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000;
	int repeat = argc > 2 ? atoi(argv[2]) : 1;

	for (int r = 0; r < repeat; r++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
		printf("%ld %lld %.2f\n", n, ns, (double)ns / n);
		fflush(stdout);
	}
	return 0;
}
