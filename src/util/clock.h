#ifndef CERTDESK_UTIL_CLOCK_H
#define CERTDESK_UTIL_CLOCK_H

#include <stdbool.h>
#include <time.h>

/*
 * The program's notion of "now". Tests pin it with the environment variable
 * CERTDESK_NOW (an ISO 8601 UTC time such as 2026-11-25T08:00:00Z) so that
 * expiry rules and printed dates are reproducible.
 */
time_t clock_now(void);
/* Run this thread's clock at a given time (the centre replays a command at
 * the time it ran on the terminal); clock_now() returns it until cleared. */
void clock_override(time_t t);
void clock_override_clear(void);
/* UTC ISO 8601 with seconds, "2026-11-25T08:00:00Z" (21 bytes with NUL). */
void clock_iso(time_t t, char out[21]);
/* UTC date "2026-11-25". */
void clock_date(time_t t, char out[11]);
/* Local date/time for screens and paper: "2026-11-25 16:00" (17 bytes). */
void clock_local(time_t t, char out[17]);
/* Local date "20261125" for numbers people read. */
void clock_local_ymd(time_t t, char out[9]);
/* Parse "YYYY-MM-DDTHH:MM:SS[Z]" (UTC) or "YYYY-MM-DD" (midnight UTC). */
bool clock_parse_iso(const char *s, time_t *out);
/* Milliseconds from a monotonic clock, for measuring. */
double clock_ms(void);

#endif
