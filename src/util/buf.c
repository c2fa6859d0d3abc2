#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, size_t cap)
{
	b->data = NULL;
	b->len = b->alloc = 0;
	b->cap = cap;
}

void buf_done(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->alloc = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

bool buf_add(struct buf *b, const void *p, size_t n)
{
	if (n > b->cap || b->len > b->cap - n) {
		buf_done(b);
		return false;
	}
	if (b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 64;
		while (want < b->len + n + 1)
			want *= 2;
		char *d = realloc(b->data, want);
		if (!d) {
			buf_done(b);
			return false;
		}
		b->data = d;
		b->alloc = want;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

bool buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

bool buf_printf(struct buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf_done(b);
		return false;
	}
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	char *big = malloc((size_t)n + 1);
	if (!big) {
		buf_done(b);
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	bool ok = buf_add(b, big, (size_t)n);
	free(big);
	return ok;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_steal(struct buf *b)
{
	char *d = b->data;
	if (!d)
		d = calloc(1, 1);
	b->data = NULL;
	b->len = b->alloc = 0;
	return d;
}
