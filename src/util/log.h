#ifndef CERTDESK_UTIL_LOG_H
#define CERTDESK_UTIL_LOG_H

/*
 * A plain append-only log file for diagnostics. Never pass personal data
 * (phone or ID numbers, names, codes, passwords) to it: log record ids.
 * Before log_open() (and when it fails) messages go nowhere, so the screen
 * is never disturbed.
 */
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Open (append) the log at path; also sends messages to stderr when
 * `also_stderr` is set (for daemons). Returns 0 or -1. */
int log_open(const char *path, int also_stderr);
void log_close(void);
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
