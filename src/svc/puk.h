#ifndef CERTDESK_SVC_PUK_H
#define CERTDESK_SVC_PUK_H

/*
 * The centre's PUKs (issue 10, unlock at the counter). Each KEY's PUK is
 * kept sealed (libsodium secretbox, XSalsa20-Poly1305) in the table
 * key_puks, by the KEY's identifier (its PIV CHUID, as certificates.card_id);
 * the sealing key is 32 random bytes in a file of the centre
 * (DATA/puk.key, mode 0600), never in a database. The sealed text is
 * "CARD_ID\0PUK", so a row copied onto another KEY's does not open.
 *
 * A PUK leaves the centre only to a terminal that asks for it for an unlock
 * application of that KEY which a supervisor has accepted, on behalf of an
 * active staff member of the terminal's office; each release is audited
 * (key.puk_release). Loading is audited too (key.puk_load). PUKs are never
 * logged, and the functions here wipe what they held.
 */
#include <stdbool.h>

#include "model/application.h"
#include "store/puk_repo.h"
#include "svc/replay.h"
#include "svc/svc.h"
#include "svc/unlock.h"

#define PUK_KEY_BYTES 32

struct puk_key {
	unsigned char k[PUK_KEY_BYTES];
};

/* Make a new key file at `path`: 32 random bytes as 64 hex digits, mode
 * 0600, never over an existing file (ST_EXISTS). */
enum status puk_key_create(const char *path, struct err *e);
/*
 * Read the key file: ST_NOT_FOUND when it is missing, ST_DENIED when
 * others than its owner may read or write it, ST_INVALID when it is not 64
 * hex digits. Wipe *out with puk_key_wipe.
 */
enum status puk_key_read(const char *path, struct puk_key *out, struct err *e);
void puk_key_wipe(struct puk_key *k);

/* A KEY identifier as certdesk reads them: upper-case hex, 16 to 64 digits. */
bool puk_card_id_ok(const char *card_id, struct err *e);
/* A PIV PUK: 6 to 8 printable ASCII characters. */
bool puk_text_ok(const char *puk, struct err *e);

/* Seal `puk` for `card_id` into out (card_id, nonce, sealed). */
enum status puk_seal(const struct puk_key *k, const char *card_id, const char *puk,
		     struct puk_row *out, struct err *e);
/* Open a row: the PUK into puk (KEY_PUK_MAX bytes). ST_INVALID when it does
 * not open with this key or was sealed for another KEY. */
enum status puk_open(const struct puk_key *k, const struct puk_row *r, char puk[KEY_PUK_MAX],
		     struct err *e);

/* Seal and store one PUK, inside the caller's transaction (ST_EXISTS when
 * the card has one already and not `replace`). */
enum status svc_puk_put(struct db *db, const struct puk_key *k, const char *card_id,
			const char *puk, bool replace, struct err *e);

/* What a terminal asks for. */
struct puk_request {
	const char *application_id;
	const char *card_id;
	const char *actor_id;        /* the staff member at the counter */
};

/*
 * Release the PUK for a request from `peer`, in one transaction of its own:
 * the staff member must be active and of the terminal's office (ST_DENIED),
 * the application an unlock of that office (ST_DENIED), accepted (ST_STATE:
 * not yet, or done already), for a certificate read from the KEY
 * `card_id` (ST_DENIED); the centre must hold that KEY's PUK (ST_NOT_FOUND)
 * and open it (ST_STATE: the key file does not fit). Then one audit entry
 * and the row's release count; the PUK into puk, the application's number
 * into number. The caller holds the centre's write lock.
 */
enum status svc_puk_release(struct svc *svc, const struct sync_peer *peer,
			    const struct puk_request *rq, const struct puk_key *k,
			    char puk[KEY_PUK_MAX], char number[NUMBER_MAX], struct err *e);

#endif
