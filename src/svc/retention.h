#ifndef CERTDESK_SVC_RETENTION_H
#define CERTDESK_SVC_RETENTION_H

/* The list of records old enough to archive (certdesk audit retention). */
#include <time.h>

#include "store/stats_repo.h"
#include "svc/app.h"

/*
 * Records stay at least RETENTION_YEARS after the certificate they concern
 * became invalid; nothing is ever deleted by this program. When the
 * certificate is on record here (table certificates: the one made for the
 * application, issued_serial, or for a revocation the one it names,
 * cert_serial), it became invalid at its not_after or, earlier, when it
 * was revoked (revoked_at; for a revocation application also when the
 * application was carried out). Otherwise it is taken as invalid: for a
 * new or renewed certificate collected or posted, its validity (years)
 * after it was made (a renewal made before the old certificate ran out
 * is valid longer: it may then be listed early, so the record wins);
 * for a revocation, when it was made; for a cancelled application (no
 * certificate issued), when it was cancelled. For a change, reissue or
 * unlock without its certificate the validity is not known here: those
 * are counted, not listed.
 */
#define RETENTION_YEARS 5

struct retention_item {
	struct retention_row app;
	char office_code[OFFICE_CODE_MAX];
	char invalid_at[21];          /* when the certificate became invalid (UTC ISO) */
	char archivable_at[21];       /* RETENTION_YEARS later */
};

struct retention_summary {
	time_t as_of;                 /* now */
	long listed;                  /* old enough */
	long unknown;                 /* old enough to be looked at, validity unknown */
};

/* Called for each application that may be archived, by number. */
typedef void (*retention_item_fn)(void *ctx, const struct retention_item *it);

/*
 * List the applications whose records may be archived now, at one office
 * (code), "all", or this terminal's ("" or NULL). Supervisors and admins.
 * Reads only: deletes nothing, writes nothing.
 */
enum status svc_retention(struct svc *svc, const struct actor *a, const char *office,
			  retention_item_fn fn, void *ctx, struct retention_summary *out,
			  struct err *e);

/* When a known certificate became invalid (pure): the earliest of its
 * not_after, its revoked_at and ended_at ("" when not given), all UTC
 * ISO 8601. */
void retention_cert_invalid(const char *ended_at, const char *not_after, const char *revoked_at,
			    char out[21]);

/* The UTC time `years` calendar years after the ISO time `iso` (29 February
 * becomes 1 March). False when iso is not a time. */
bool retention_add_years(const char *iso, int years, char out[21]);

#endif
