#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const codes[] = {
#define X(name, code, msg) code,
	STATUS_LIST(X)
#undef X
};

static const char *const messages[] = {
#define X(name, code, msg) msg,
	STATUS_LIST(X)
#undef X
};

const char *status_code(enum status st)
{
	return (unsigned)st < ST__COUNT ? codes[st] : "internal";
}

const char *status_message(enum status st)
{
	return (unsigned)st < ST__COUNT ? messages[st] : messages[ST_INTERNAL];
}

enum status status_from_code(const char *code)
{
	for (int i = 0; i < ST__COUNT; i++)
		if (code && strcmp(codes[i], code) == 0)
			return (enum status)i;
	return ST_INTERNAL;
}

void err_clear(struct err *e)
{
	if (!e)
		return;
	e->st = ST_OK;
	e->field[0] = '\0';
	e->msg[0] = '\0';
}

/* Formats into a scratch buffer first: callers may pass e->msg itself as an
 * argument ("%s", e->msg) to name a field for an existing message. */
static void err_vset(struct err *e, enum status st, const char *fmt, va_list ap)
{
	char tmp[sizeof e->msg];
	e->st = st;
	if (fmt)
		vsnprintf(tmp, sizeof tmp, fmt, ap);
	else
		tmp[0] = '\0';
	memcpy(e->msg, tmp, sizeof tmp);
}

enum status err_set(struct err *e, enum status st, const char *fmt, ...)
{
	if (!e)
		return st;
	va_list ap;
	va_start(ap, fmt);
	e->field[0] = '\0';
	err_vset(e, st, fmt, ap);
	va_end(ap);
	return st;
}

enum status err_field(struct err *e, const char *field, enum status st, const char *fmt, ...)
{
	if (!e)
		return st;
	va_list ap;
	va_start(ap, fmt);
	char f[sizeof e->field];
	snprintf(f, sizeof f, "%s", field ? field : "");
	err_vset(e, st, fmt, ap);
	memcpy(e->field, f, sizeof f);
	va_end(ap);
	return st;
}

enum status err_status(struct err *e, enum status st)
{
	if (e) {
		e->st = st;
		e->field[0] = '\0';
		e->msg[0] = '\0';
	}
	return st;
}

const char *err_text(const struct err *e)
{
	return e->msg[0] ? e->msg : status_message(e->st);
}
