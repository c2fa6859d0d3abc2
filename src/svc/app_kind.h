#ifndef CERTDESK_SVC_APP_KIND_H
#define CERTDESK_SVC_APP_KIND_H

/*
 * The service kinds (issue 10): the rules on the certificate that a
 * change, reissue, revoke or unlock names, on the reason given, what making
 * a replacement certificate does to the old one, and completing a revoke.
 * The model's part (which kind makes a certificate, which needs a reason)
 * is in model/application.h; unlocking at the counter is svc/unlock.h.
 */
#include <stdbool.h>

#include "model/application.h"
#include "store/cert_repo.h"
#include "svc/svc.h"

/*
 * The reason: trimmed, at most SERVICE_REASON_CHARS characters, required
 * for the kinds that need one (field "service_reason"), emptied for the
 * kinds that take none. False with e set.
 */
bool app_kind_check_reason(struct application *a, struct err *e);

/*
 * The certificate a change, reissue, revoke or unlock names (a->cert_serial,
 * normalised), looked up in the certificates read from KEYs: it must be
 * known (ST_NOT_FOUND: read and bind its KEY first), the applicant's own
 * (bound to a->applicant_id) or, for an enterprise, the enterprise's (its
 * subject names a->holder_name or a->holder_code) (ST_DENIED), not revoked
 * by the counter or listed on the revocation list, not expired past the
 * 90 days after which it counts as revoked (ST_STATE), and not already in
 * another live change, reissue, revoke or unlock (ST_EXISTS, naming it). All
 * with field "cert_serial". New and renewal: ST_OK at once (a renewal is
 * read from the KEY and need not be bound). `out` (may be NULL) receives
 * the row.
 */
enum status app_kind_check_cert(struct db *db, const struct application *a, struct cert_row *out,
				struct err *e);

/*
 * Called by application.make once the transition is checked (a->status is
 * already ready): refuses kinds that make no certificate (revoke, unlock:
 * ST_STATE), and for a change or reissue revokes the old certificate (its
 * row, when known here) with the reason "变更" or "补办" at the time the new
 * one is made. Inside the command's transaction.
 */
enum status app_kind_on_make(struct svc_run *run, struct application *a, struct err *e);

/*
 * Supervisor: a revoke application accepted earlier is carried out
 * (command application.complete@1): the certificate is marked revoked
 * (注销) now with the application's reason, and the application is done
 * (已办结). Never by whoever entered it; refused for other kinds, or when
 * the certificate is revoked already. Unlocks are completed by
 * svc_key_unlock (svc/unlock.h), after the KEY's PIN was reset.
 */
enum status svc_application_complete(struct svc *svc, const struct actor *a, const char *id,
				     struct err *e);

/*
 * The state of a stored certificate for lists and details (pure), "" when
 * it is neither: "已吊销（2026-03-01，密钥泄露）" when the revocation list
 * names it (crl_revoked_at), else "已注销（2026-03-01，企业注销）" when it was
 * revoked at the counter (revoked_at). Dates local. out: 512 bytes.
 */
void app_kind_cert_state(const struct cert_row *r, char *out, size_t outsz);

#endif
