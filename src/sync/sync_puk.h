#ifndef CERTDESK_SYNC_SYNC_PUK_H
#define CERTDESK_SYNC_SYNC_PUK_H

/*
 * The terminal asks the centre for a KEY's PUK (POST /v1/keys/puk), for an
 * unlock application a supervisor accepted (svc/unlock.h). The centre
 * decides on its own records, so this first pushes what waits in the
 * outbox (the acceptance may not have gone up yet). The PUK comes back over
 * the terminal's authenticated connection and goes to the caller only.
 */
#include "svc/app.h"
#include "svc/unlock.h"

/*
 * Fill puk for the KEY card_id of application app_id, on behalf of `a`.
 * ST_STATE when this terminal is not enrolled; the centre's refusals as it
 * words them (not accepted there yet, another office's, no PUK for this
 * KEY); ST_NET / ST_TIMEOUT when it cannot be reached.
 */
enum status sync_puk_fetch(struct app *app, const struct actor *a, const char *app_id,
			   const char *card_id, char puk[KEY_PUK_MAX], struct err *e);

/* A puk_source that calls sync_puk_fetch on `app` (borrowed). */
void sync_puk_source(struct app *app, struct puk_source *out);

#endif
