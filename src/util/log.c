#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static FILE *log_file;
static int log_stderr;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int log_open(const char *path, int also_stderr)
{
	log_close();
	log_stderr = also_stderr;
	if (!path)
		return 0;
	log_file = fopen(path, "ae");
	if (!log_file)
		return -1;
	setvbuf(log_file, NULL, _IOLBF, 0);
	return 0;
}

void log_close(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
	static const char *const names[] = { "debug", "info", "warn", "error" };
	if (!log_file && !log_stderr)
		return;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	struct tm tm;
	gmtime_r(&tv.tv_sec, &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);

	pthread_mutex_lock(&log_lock);
	FILE *outs[2] = { log_file, log_stderr ? stderr : NULL };
	for (int i = 0; i < 2; i++) {
		if (!outs[i])
			continue;
		va_list ap;
		va_start(ap, fmt);
		fprintf(outs[i], "%s.%03ldZ %s ", ts, (long)tv.tv_usec / 1000, names[lv]);
		vfprintf(outs[i], fmt, ap);
		fputc('\n', outs[i]);
		va_end(ap);
	}
	pthread_mutex_unlock(&log_lock);
}
