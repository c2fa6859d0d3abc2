#ifndef CERTDESK_STORE_LIFECYCLE_REPO_H
#define CERTDESK_STORE_LIFECYCLE_REPO_H

/*
 * The queries of the certificate lifecycle (svc/lifecycle.h): the expiry
 * worklist over certificates and their applicants, the contacts history
 * (table certificate_contacts, migration 0007), the certificates due for
 * revocation and their revocation, and an application's certificate for
 * the retention list. None of these functions commits.
 *
 * Times are UTC ISO 8601 text, compared as text ("2026-08-01T15:59:59Z"):
 * the format is fixed, so text order is time order.
 */
#include <stdbool.h>
#include <time.h>

#include "model/cert.h"
#include "store/cert_repo.h"
#include "model/party.h"
#include "model/staff.h"
#include "store/db.h"
#include "util/uuid.h"

#define LC_NOTE_MAX 1001          /* bytes of a contact's note or SMS text, NUL included */
#define LC_DAY_MAX 11             /* "2026-06-01" */
#define LC_KEY_MAX 64             /* a list key, "not_after|id" */

/* One certificate as the worklist shows it, with its applicant. */
struct lc_row {
	char id[UUID_LEN + 1];
	char serial[CERT_SERIAL_MAX];
	char cn[CERT_ATTR_MAX];
	char org[CERT_ATTR_MAX];
	char issuer[CERT_DN_MAX];
	char algorithm[16];
	char not_before[CERT_ISO_MAX];
	char not_after[CERT_ISO_MAX];
	time_t not_before_t, not_after_t;     /* 0 when the text does not parse */
	char applicant_id[UUID_LEN + 1];      /* "" when unbound */
	char applicant_name[PERSON_NAME_MAX];
	char applicant_phone[PHONE_MAX];      /* in full: mask it before showing */
	char office_id[UUID_LEN + 1];         /* the applicant's office ("" unbound) */
	char bound_at[21];
	char bound_by_name[NAME_MAX_BYTES];   /* "" when unknown here */
	char revoked_at[21];                  /* "" when not revoked */
	char revoke_reason[CERT_REASON_MAX];
	char last_contact_at[21];             /* the newest contact of either kind; "" none */
	char last_contact_kind[8];            /* "contact" | "sms" | "" */
	bool contacted;                       /* someone marked it contacted ('contact') */
};

/* Which certificates a worklist page holds: bound, not revoked, not_after
 * within [lo, hi] (inclusive; "" for no bound), and no live renewal or
 * revocation application names them (its cert_serial, status other than
 * draft and cancelled): the applicant is on it already. */
struct lc_where {
	const char *lo, *hi;
	const char *office_id;   /* the applicant's office; "" or NULL for every office */
	int contacted;           /* 0 any, 1 not contacted, 2 contacted */
};

/* A page keyed by "not_after|id", in (not_after, id) order. Returns the
 * number of rows filled, or -1 with e set. Every office: over the base
 * tables (lifecycle_repo_page_def). One office: the office's rows of the
 * derived table expiry_certs (migrations 0013, 0014), in the order of an
 * index, then only the page's certificates and applicants; the same rows
 * as lifecycle_repo_page_def gives. */
int lifecycle_repo_page(struct db *db, const struct lc_where *w, enum page_dir dir,
			const char *key, struct lc_row *out, int max, struct err *e);
/* The same page written over the base tables alone (certificates,
 * applicants, applications, certificate_contacts): the worklist's
 * definition, which the derived tables and lifecycle_repo_page's office
 * pages are tested against (tests/unit/test_lifecycle_counts.c). With an
 * office it walks the window: slow on a large database. */
int lifecycle_repo_page_def(struct db *db, const struct lc_where *w, enum page_dir dir,
			    const char *key, struct lc_row *out, int max, struct err *e);
/* The page key of a row ("not_after|id"). */
void lifecycle_repo_key(const struct lc_row *r, char out[LC_KEY_MAX]);

/* How many rows each of four windows holds under w's office and contacted
 * filters (the rows lifecycle_repo_page would give), in one statement:
 * bounds[i] is window i's [lo, hi] (inclusive; "" open); w->lo and w->hi
 * are not used. Reads the derived table expiry_certs (migration 0013), one
 * index range per window. out[i] -1 on error. */
enum status lifecycle_repo_counts(struct db *db, const struct lc_where *w,
				  const char *const bounds[4][2], long out[4], struct err *e);

/* One certificate by id (bound or not, revoked or not); ST_NOT_FOUND
 * ("没有这张证书") when absent. */
enum status lifecycle_repo_get(struct db *db, const char *id, struct lc_row *out, struct err *e);
/* The certificates with this serial (upper-case hex), up to max; returns
 * the number filled or -1. */
int lifecycle_repo_by_serial(struct db *db, const char *serial, struct lc_row *out, int max,
			     struct err *e);
/* The number of a live renewal or revocation application for a
 * certificate serial (as in struct lc_where); false when none. */
bool lifecycle_repo_application_of(struct db *db, const char *serial, char number[64]);

/* ---- contacts ---- */

struct lc_contact {
	char id[UUID_LEN + 1];
	char certificate_id[UUID_LEN + 1];
	char kind[8];                    /* "contact" | "sms" */
	char note[LC_NOTE_MAX];
	char day[LC_DAY_MAX];
	char office_id[UUID_LEN + 1];
	char created_by[UUID_LEN + 1];
	char created_by_name[NAME_MAX_BYTES];   /* read only: "" when unknown here */
	char created_at[21];
};
/* Add one; a second SMS for the same certificate and day is ST_EXISTS. */
enum status lifecycle_repo_contact_add(struct db *db, const struct lc_contact *c, struct err *e);
/* A certificate's contacts, newest first, up to max; returns the number
 * filled or -1. */
int lifecycle_repo_contacts(struct db *db, const char *certificate_id, struct lc_contact *out,
			    int max, struct err *e);
/* True when an SMS reminder for the certificate is on record for `day`. */
bool lifecycle_repo_sms_on(struct db *db, const char *certificate_id, const char *day);

/* ---- revocation ---- */

/* A certificate due for revocation. */
struct lc_due {
	char id[UUID_LEN + 1];
	char not_after[CERT_ISO_MAX];
	char key[LC_KEY_MAX];            /* "not_after|id", for the next page */
};
/* Certificates not revoked whose not_after is before `before` (bound or
 * not), after `key` ("" from the start), in (not_after, id) order, up to
 * max. Returns the number filled or -1. */
int lifecycle_repo_due(struct db *db, const char *before, const char *key, struct lc_due *out,
		       int max, struct err *e);
/* Set revoked_at and revoke_reason of a certificate not revoked yet;
 * ST_STATE when it is revoked already (or absent). */
enum status lifecycle_repo_revoke(struct db *db, const char *id, const char *at,
				  const char *reason, struct err *e);

/* ---- retention ---- */

/* When the certificate an application concerns became or becomes invalid:
 * for a revocation the certificate it names (cert_serial), for the others
 * the one made for it (issued_serial). not_after and revoked_at ("" when
 * not revoked) of the latest-expiring certificate with that serial; false
 * when no such certificate is known here. */
bool lifecycle_repo_app_cert(struct db *db, const char *application_id, char not_after[21],
			     char revoked_at[21]);

/* ---- the centre ---- */

/* The actor the centre's own job runs as: its first active admin on the
 * centre's own terminal, named as the job. ST_STATE when there is none. */
enum status lifecycle_repo_system_actor(struct db *db, struct actor *a, struct err *e);

#endif
