#ifndef CERTDESK_SERVER_PUK_H
#define CERTDESK_SERVER_PUK_H

/*
 * KEY PUKs at the centre (svc/puk.h): the route a terminal asks for one
 * through, and the admin commands that make the key file and load PUKs.
 *
 *   POST /v1/keys/puk  {"application_id", "card_id", "actor_id"}
 *       -> 200 {"puk": "...", "number": "SQ-..."}, Cache-Control: no-store
 *       for an unlock application accepted at the centre, of the
 *       terminal's office, whose certificate was read from that KEY, asked
 *       for by an active staff member of that office; audited
 *       (key.puk_release). Refusals: 401 (not the office's, staff), 404 (no
 *       such application, no PUK for the KEY), 409 (not accepted there, the
 *       key file missing or not the one the PUK was sealed with).
 *
 * The sealing key is DATA/puk.key (the --data directory, by default the
 * database's), 64 hex digits, mode 0600, made by `certdeskd puk keygen`.
 */
#include "server/routes.h"

/* Largest request body the route takes. */
#define PUK_MAX_BODY 1024

void puk_release_route(struct route_request *rq, struct route_response *rs);

/*
 * certdeskd puk ...:
 *   puk keygen --key FILE
 *   puk load --db FILE [--key FILE] [--replace] [LIST]
 *       LIST (default: standard input): one KEY a line, "CARD_ID,PUK" or
 *       "CARD_ID PUK", '#' comments. All or nothing, one audit entry.
 *   puk list --db FILE      the KEYs with a PUK (never the PUKs)
 * --key defaults to puk.key beside the database. argv[0] is "puk".
 * Returns the exit status: 0 done, 1 refused or failed, 2 wrong usage.
 */
int puk_admin_main(int argc, char **argv);

#endif
