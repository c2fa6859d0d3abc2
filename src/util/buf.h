#ifndef CERTDESK_UTIL_BUF_H
#define CERTDESK_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte buffer with a size cap, after curl's dynbuf. It is always
 * NUL-terminated. When an append fails (cap reached or out of memory) the
 * buffer frees itself and stays empty: callers check once at the end.
 */
struct buf {
	char *data;     /* owned; NULL until the first append */
	size_t len;
	size_t alloc;
	size_t cap;     /* largest len allowed */
};

/* Embedded init/done. `cap` is the largest content size accepted. */
void buf_init(struct buf *b, size_t cap);
void buf_done(struct buf *b);
/* Keep the memory, forget the content. */
void buf_reset(struct buf *b);
/* Append bytes; false (and the buffer freed) when over the cap or out of memory. */
bool buf_add(struct buf *b, const void *p, size_t n);
bool buf_adds(struct buf *b, const char *s);
bool buf_addc(struct buf *b, char c);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The content, "" when empty; borrowed until the next change. */
const char *buf_str(const struct buf *b);
/* Hand the content over: caller frees; the buffer is left empty. */
char *buf_steal(struct buf *b);

#endif
