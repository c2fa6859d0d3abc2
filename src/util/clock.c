#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local bool overridden;
static _Thread_local time_t override_at;

void clock_override(time_t t)
{
	overridden = true;
	override_at = t;
}

void clock_override_clear(void)
{
	overridden = false;
}

time_t clock_now(void)
{
	if (overridden)
		return override_at;
	const char *pin = getenv("CERTDESK_NOW");
	time_t t;
	if (pin && *pin && clock_parse_iso(pin, &t))
		return t;
	return time(NULL);
}

void clock_iso(time_t t, char out[21])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_date(time_t t, char out[11])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void clock_local(time_t t, char out[17])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

void clock_local_ymd(time_t t, char out[9])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 9, "%Y%m%d", &tm);
}

bool clock_parse_iso(const char *s, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int n = 0;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) == 6) {
		if (s[n] == 'Z')
			n++;
	} else if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &n) == 3) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	} else {
		return false;
	}
	if (s[n] != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	int y = tm.tm_year, m = tm.tm_mon, d = tm.tm_mday;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_year + 1900 != y || back.tm_mon + 1 != m || back.tm_mday != d)
		return false; /* 2026-02-30 and the like */
	*out = t;
	return true;
}

double clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
