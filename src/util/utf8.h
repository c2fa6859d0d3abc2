#ifndef CERTDESK_UTIL_UTF8_H
#define CERTDESK_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * UTF-8 helpers for model code, which keeps text as UTF-8 `char *`.
 * Width is in terminal columns (CJK = 2), independent of the locale.
 */

/* Decode one code point at s (at most n bytes). Returns the byte length
 * (1..4) and stores the code point, or 0 for an invalid or truncated
 * sequence (overlongs and surrogates are invalid). */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length, 0 if cp is invalid. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* True when s is well-formed UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* Number of code points; -1 when not valid UTF-8. */
long utf8_count(const char *s);
/* Display columns of one code point: 0 for combining/control, 2 for wide. */
int utf8_cp_width(uint32_t cp);
/* Display columns of a UTF-8 string (invalid bytes count 1). */
int utf8_width(const char *s);
/* Copy at most `cols` display columns of s into out (size outsz), never
 * cutting a character; adds "…" when cut and `ellipsis` is set.
 * Returns the columns used. */
int utf8_fit(const char *s, int cols, bool ellipsis, char *out, size_t outsz);
/* Trim ASCII and ideographic (U+3000) spaces at both ends, in place. */
char *utf8_trim(char *s);

#endif
