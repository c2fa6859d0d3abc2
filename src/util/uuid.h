#ifndef CERTDESK_UTIL_UUID_H
#define CERTDESK_UTIL_UUID_H

#include <stdbool.h>

#define UUID_LEN 36   /* text form without the NUL */

/* A new UUIDv7 (RFC 9562: 48-bit Unix milliseconds, then random bits) in
 * canonical lower-case text, so that ids sort in creation order. Ids made
 * in the same millisecond by one process still sort in order. */
void uuid_v7(char out[UUID_LEN + 1]);
/* True when s is a canonical lower-case UUID text. */
bool uuid_valid(const char *s);
/* Fill buf with n cryptographically random bytes (getrandom). */
void random_bytes(void *buf, unsigned n);

#endif
