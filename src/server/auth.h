#ifndef CERTDESK_SERVER_AUTH_H
#define CERTDESK_SERVER_AUTH_H

/*
 * Terminals and their secrets (docs/SYNC.md, Enrolment and authentication).
 * The centre keeps only hashes: of the one-time enrolment code an admin
 * hands out, and of the 32-byte secret a terminal receives for it.
 */
#include <stdbool.h>

#include "server/parse.h"
#include "server/routes.h"

/* How long an enrolment code can be used. */
#define ENROLL_VALID_HOURS 72
/* Hex of a BLAKE2b-256 hash, NUL included. */
#define AUTH_HASH_HEX 65

/* BLAKE2b-256 of text, in hex. */
void auth_hash(const char *text, char out[AUTH_HASH_HEX]);
/* A fresh random enrolment code, normalised (parse.h). */
void auth_new_code(char code[ENROLL_SYMBOLS + 1]);

/*
 * Check the request's Authorization header against sync_terminals:
 * true with *peer filled for an enrolled terminal that is not revoked;
 * false with rs filled (401 for a missing, malformed or wrong secret or a
 * revoked terminal; 503 when the database fails). The secret is compared
 * as a hash, in constant time. last_seen_at is written when it is a minute
 * old or more, and only when no push holds the write lock.
 */
bool auth_check(struct route_request *rq, struct sync_peer *peer, struct route_response *rs);

/* Record that the terminal was seen now, inside the caller's transaction. */
enum status auth_touch(struct db *db, const char *terminal_id, struct err *e);

#endif
