#ifndef CERTDESK_SERVER_PARSE_H
#define CERTDESK_SERVER_PARSE_H

/*
 * The pure parts of certdeskd's wire format: request headers, query values,
 * enrolment codes. No I/O and no libmicrohttpd, so that the unit tests can
 * check them directly (tests/unit/test_server.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include "util/uuid.h"

/* A terminal's secret: 32 random bytes as 64 lower-case hex characters. */
#define SECRET_HEX 65
/* An enrolment code: 16 symbols of Crockford's base32 (80 bits). */
#define ENROLL_SYMBOLS 16
/* Shown as XXXX-XXXX-XXXX-XXXX. */
#define ENROLL_SHOWN (ENROLL_SYMBOLS + ENROLL_SYMBOLS / 4)

/*
 * "bytes FROM-TO/TOTAL" (RFC 9110 14.4, one range, total known): true with
 * the three values when FROM <= TO < TOTAL and TOTAL <= max_total. Anything
 * else (a missing total, "*", signs, spaces inside, overflow) is false.
 */
bool parse_content_range(const char *s, uint64_t max_total, uint64_t *from, uint64_t *to,
			 uint64_t *total);

/*
 * "Bearer <terminal_id>.<secret>": the scheme is case-insensitive, the id a
 * canonical lower-case UUID, the secret 64 hex digits (returned in lower
 * case). False for anything else, with id and secret left empty.
 */
bool parse_bearer(const char *header, char id[UUID_LEN + 1], char secret[SECRET_HEX]);

/* A decimal number without sign or spaces, at most `max`. */
bool parse_uint(const char *s, uint64_t max, uint64_t *out);

/* True when s is 64 lower-case hex digits (a SHA-256 as the blob store names it). */
bool sha256_hex_valid(const char *s);

/*
 * Normalise an enrolment code as a person may type it: dashes and spaces
 * dropped, lower case raised, and the letters Crockford's base32 leaves out
 * read as the digits they look like (O as 0, I and L as 1). True when
 * exactly ENROLL_SYMBOLS symbols remain; out then holds them.
 */
bool enroll_code_normalize(const char *in, char out[ENROLL_SYMBOLS + 1]);
/* The symbols for a code from random bytes (ENROLL_SYMBOLS * 5 bits = 10 bytes). */
void enroll_code_from_bytes(const unsigned char bytes[10], char out[ENROLL_SYMBOLS + 1]);
/* "ABCD-EFGH-JKMN-PQRS" from the normalised symbols. */
void enroll_code_show(const char code[ENROLL_SYMBOLS + 1], char out[ENROLL_SHOWN]);

#endif
