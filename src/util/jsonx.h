#ifndef CERTDESK_UTIL_JSONX_H
#define CERTDESK_UTIL_JSONX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/*
 * Reading command payloads strictly: a missing key, a wrong type or an
 * oversized string is ST_INVALID naming the key, never a crash.
 */

/* Copy string member `key` into out (size outsz, NUL included). Too long,
 * missing or not a string is an error unless `optional` and absent/null
 * (then out = ""). */
bool jx_str(json_t *obj, const char *key, char *out, size_t outsz, bool optional, struct err *e);
/* Borrowed string member (NULL when absent or not a string). */
const char *jx_cstr(json_t *obj, const char *key);
bool jx_int(json_t *obj, const char *key, long long *out, bool optional, struct err *e);
bool jx_bool(json_t *obj, const char *key, bool *out, bool optional, struct err *e);
/* Compact, key-sorted text of v (canonical for hashing and storage);
 * caller frees with free(). NULL when v is NULL. */
char *jx_dump(const json_t *v);

#endif
