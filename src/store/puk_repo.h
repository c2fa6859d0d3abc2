#ifndef CERTDESK_STORE_PUK_REPO_H
#define CERTDESK_STORE_PUK_REPO_H

/* The centre's sealed PUKs (table key_puks, migration 0009); svc/puk.h
 * seals and opens them. None of these commits. */
#include <stdbool.h>

#include "store/db.h"

#define PUK_NONCE_HEX 49        /* 24 bytes in hex, NUL included */
#define PUK_SEALED_HEX 257      /* what is sealed is short: 128 bytes at most */

struct puk_row {
	char card_id[65];
	char nonce[PUK_NONCE_HEX];
	char sealed[PUK_SEALED_HEX];
	char loaded_at[21];
	long released;
};

/* Insert, or replace the row of that card when `replace` (else ST_EXISTS). */
enum status puk_repo_put(struct db *db, const struct puk_row *r, bool replace, struct err *e);
/* ST_NOT_FOUND when the centre holds no PUK for the card. */
enum status puk_repo_get(struct db *db, const char *card_id, struct puk_row *out, struct err *e);
/* Count one more release of the card's PUK. */
enum status puk_repo_released(struct db *db, const char *card_id, struct err *e);
/* How many PUKs are held (-1 on error). */
long puk_repo_count(struct db *db);

#endif
