/* The figures of the binary run as a whole process on the generated data. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "util/clock.h"

extern char **environ;

/* VmHWM of a /proc/PID/status file in kB, or -1. */
static long vm_hwm(const char *path)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

int bench_run(char *const argv[], char *out, size_t outsz, double *ms, long *maxrss_kb)
{
	int fds[2] = { -1, -1 };
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (out && pipe2(fds, O_CLOEXEC) == 0)
		posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	double t0 = clock_ms();
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (fds[1] >= 0)
		close(fds[1]);
	if (rc != 0) {
		if (fds[0] >= 0)
			close(fds[0]);
		return -1;
	}
	/* The child's own peak, read while it runs: ru_maxrss would report
	 * this process's, which the child inherited until it exec'd. */
	long peak = -1;
	if (maxrss_kb) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
		for (;;) {
			long kb = vm_hwm(path);
			if (kb > peak)
				peak = kb;
			siginfo_t si;
			si.si_pid = 0;
			if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid)
				break;
			struct timespec ts = { 0, 5000000 };
			nanosleep(&ts, NULL);
		}
	}
	size_t len = 0;
	if (fds[0] >= 0) {
		char sink[4096];
		for (;;) {
			char *dst = len + 1 < outsz ? out + len : sink;
			size_t room = len + 1 < outsz ? outsz - 1 - len : sizeof sink;
			ssize_t r = read(fds[0], dst, room);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			if (dst != sink)
				len += (size_t)r;
		}
		close(fds[0]);
		out[len] = '\0';
	}
	int wst;
	while (waitpid(pid, &wst, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (ms)
		*ms = clock_ms() - t0;
	if (maxrss_kb)
		*maxrss_kb = peak;
	return WIFEXITED(wst) ? WEXITSTATUS(wst) : -1;
}

/* `certdesk audit verify` over the whole log, as an admin would run it. */
void fig_audit_verify(struct bench *b)
{
	char *argv[] = { (char *)b->bin, "--data", b->data_dir, "audit", "verify", NULL };
	char out[1024];
	double ms;
	long rss;
	const struct target none = { 0, "issue 8: report the time for 1,000,000 entries" };
	int rc = bench_run(argv, out, sizeof out, &ms, &rss);
	if (rc != 0) {
		bench_skip(b, "audit.verify", "certdesk audit verify, whole log", none,
			   "exit status %d: %.200s", rc, out);
		return;
	}
	out[strcspn(out, "\n")] = '\0';
	long n = b->gen.audit;
	struct figure *f = bench_value(b, "audit.verify", "certdesk audit verify, whole log", "s",
				       ms / 1000.0, none);
	if (f)
		bench_note(f, "%ld entries, %.1f s per 1,000,000; it said: %s", n,
			   n ? ms / 1000.0 * 1e6 / (double)n : 0, out);
	bench_value(b, "rss.audit_verify", "peak RSS of audit verify", "MB", (double)rss / 1024.0,
		    NO_TARGET);
}
