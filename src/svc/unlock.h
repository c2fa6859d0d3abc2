#ifndef CERTDESK_SVC_UNLOCK_H
#define CERTDESK_SVC_UNLOCK_H

/*
 * A KEY's PIN at the counter (issue 10): unlocking a blocked PIN with the
 * KEY's PUK once a supervisor has accepted the unlock application, and the
 * applicant changing their PIN with the old one.
 *
 * The PUK is the centre's (svc/puk.h keeps it sealed): it is asked for
 * through a `struct puk_source` (the sync client's, sync/sync.h, on a
 * terminal), goes to the card and nowhere else, and is never shown, logged,
 * stored or put in a payload; nor are PINs. The centre audits each PUK it
 * hands out; here the unlock is one command (application.unlock@1) that
 * records the application done, and a refused PUK or a changed PIN is one
 * audit entry (key.unlock_refused, key.pin_change) naming the KEY.
 */
#include <stdbool.h>

#include "adapt/token.h"
#include "model/application.h"
#include "svc/svc.h"

/* A PUK as text, NUL included (PIV: 6 to 8 characters). */
#define KEY_PUK_MAX 16

/*
 * The new PIN (pure): 6 to 8 digits, typed twice alike (else field
 * "new_pin2"), not the manual's default 111111, not one digit repeated
 * ("000000") and not a run up or down ("123456", "876543"), all field
 * "new_pin". False with e set.
 */
bool key_new_pin_ok(const char *pin, const char *again, struct err *e);

/*
 * Where the PUK comes from. `fetch` fills puk for the KEY `card_id`
 * named by the accepted unlock application `app_id`, on behalf of the
 * staff member `a`; the caller wipes it after use. Errors are said to the
 * clerk as they are (the centre cannot be reached, refused the request,
 * has no PUK for this KEY).
 */
struct puk_source {
	enum status (*fetch)(void *ctx, const struct actor *a, const char *app_id,
			     const char *card_id, char puk[KEY_PUK_MAX], struct err *e);
	void *ctx;
};

/*
 * The accepted unlock applications waiting for the KEY `card_id`: those
 * whose certificate (cert_serial) was read from that KEY. Oldest first, up
 * to max; returns the number found or -1.
 */
int svc_unlock_waiting(struct svc *svc, const char *card_id, struct application *out, int max,
		       struct err *e);

struct key_unlock_result {
	char card_id[TOKEN_ID_MAX];   /* the KEY, as read */
	char number[NUMBER_MAX];      /* the application */
	int puk_tries_left;           /* after a refused PUK (ST_AUTH), -1 unknown */
	bool reset;                   /* the card took the new PIN (even when recording it failed) */
};

/*
 * Unlock the KEY in `reader` (NULL: the only one) for the unlock application
 * `app_id`, setting `new_pin` (typed twice: `again`), in this order, each
 * step stopping at its first refusal with nothing changed:
 *   1. the new PIN (key_new_pin_ok), then the application: an unlock,
 *      accepted by a supervisor (ST_STATE naming its state otherwise);
 *   2. the KEY: its identifier (PIV CHUID) must be the one its certificate
 *      was read from (ST_DENIED: another KEY is in the reader);
 *   3. the PUK from `src` (the centre, which checks all this again);
 *   4. RESET RETRY COUNTER with the PUK and the new PIN: a wrong PUK is
 *      ST_AUTH with out->puk_tries_left (never retried: the PUK on record
 *      is wrong, the centre must check it), a blocked PUK ST_LOCKED (the
 *      KEY must be replaced: reissue), a KEY pulled out ST_DEVICE (insert
 *      it and unlock again: the application still waits). Refusals of the
 *      card are audited (key.unlock_refused);
 *   5. VERIFY the new PIN, so that the applicant leaves with a PIN that works;
 *   6. command application.unlock@1: the application is done (已办结).
 * ST_OK when all of it happened. If recording (6) fails after the card took
 * the PIN, out->reset is true and e says so: unlocking again repeats it.
 */
enum status svc_key_unlock(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			   const char *reader, const char *app_id, const struct puk_source *src,
			   const char *new_pin, const char *again, struct key_unlock_result *out,
			   struct err *e);

struct key_pin_result {
	char card_id[TOKEN_ID_MAX];
	int tries_left;               /* after a wrong old PIN (ST_AUTH), -1 unknown */
};

/*
 * Change the PIN of the KEY in `reader` (NULL: the only one) from
 * `old_pin` to `new_pin` (typed twice: `again`; the rules of
 * key_new_pin_ok, and not the old one): CHANGE REFERENCE DATA. A wrong old
 * PIN is ST_AUTH with out->tries_left, a blocked PIN ST_LOCKED (an unlock
 * application is needed), a KEY pulled out ST_DEVICE. Audited
 * (key.pin_change, the KEY's identifier only).
 */
enum status svc_key_change_pin(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			       const char *reader, const char *old_pin, const char *new_pin,
			       const char *again, struct key_pin_result *out, struct err *e);

#endif
