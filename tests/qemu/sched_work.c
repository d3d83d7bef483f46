/* sched_work.c — the workloads of the sched_ext tier (tests/qemu/sched.py),
 * a static binary in the guest.
 *
 *   work spin N ITERS     N threads, each ITERS rounds of arithmetic, joined;
 *                         prints "spin pid=P threads=N ms=T"
 *   work rtbusy S         spin for S seconds as a SCHED_FIFO task (not sched_ext's:
 *                         it keeps a CPU's tick running while the fair class stalls)
 *   work pingpong P R     P pairs of processes passing a byte back and forth
 *                         through two pipes, R round trips a pair (a
 *                         hackbench-like load: every round trip is two
 *                         wakeups); prints "pingpong pairs=P rounds=R ms=T"
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long iters;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *spin(void *arg)
{
	volatile unsigned long x = (unsigned long)arg;
	for (long i = 0; i < iters; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	return NULL;
}

static int cmd_spin(int n, long it)
{
	pthread_t t[64];
	double t0 = now_ms();
	iters = it;
	if (n < 1 || n > 64)
		return fprintf(stderr, "work: 1 to 64 threads\n"), 2;
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, spin, (void *)(long)i))
			return perror("pthread_create"), 1;
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("spin pid=%d threads=%d ms=%.0f\n", (int)getpid(), n, now_ms() - t0);
	return 0;
}

/* one pair: the parent writes, the child echoes */
static int pair(long rounds)
{
	int up[2], down[2];
	char b = 'x';
	pid_t c;
	if (pipe(up) || pipe(down))
		return perror("pipe"), -1;
	c = fork();
	if (c < 0)
		return perror("fork"), -1;
	if (c == 0) {
		for (long i = 0; i < rounds; i++)
			if (read(down[0], &b, 1) != 1 || write(up[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (long i = 0; i < rounds; i++)
		if (write(down[1], &b, 1) != 1 || read(up[0], &b, 1) != 1)
			return -1;
	int st;
	waitpid(c, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int cmd_pingpong(int pairs, long rounds)
{
	double t0 = now_ms();
	int bad = 0;
	for (int i = 0; i < pairs; i++)
		if (fork() == 0)
			_exit(pair(rounds) ? 1 : 0);
	for (int i = 0; i < pairs; i++) {
		int st;
		wait(&st);
		bad |= !WIFEXITED(st) || WEXITSTATUS(st);
	}
	printf("pingpong pairs=%d rounds=%ld ms=%.0f%s\n", pairs, rounds, now_ms() - t0, bad ? " FAILED" : "");
	return bad;
}

static int cmd_rtbusy(double secs)
{
	struct sched_param sp = {.sched_priority = 1};
	double end = now_ms() + secs * 1e3;
	volatile unsigned long x = 1;
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return perror("sched_setscheduler"), 1;
	while (now_ms() < end)
		for (int i = 0; i < 100000; i++)
			x = x * 6364136223846793005UL + 1;
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "spin"))
		return cmd_spin(atoi(argv[2]), atol(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "rtbusy"))
		return cmd_rtbusy(atof(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "pingpong"))
		return cmd_pingpong(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: work spin N ITERS | work rtbusy SECONDS | work pingpong PAIRS ROUNDS\n");
	return 2;
}
