#ifndef CERTDESK_STORE_CERT_REPO_H
#define CERTDESK_STORE_CERT_REPO_H

/* Certificates read from KEYs and their binding to applicants (table
 * certificates, migration 0004). None of these functions commits. */
#include <time.h>

#include "model/cert.h"
#include "store/db.h"
#include "util/uuid.h"

#define CERT_CARD_ID_MAX 65    /* a card identifier in hex, NUL included */
#define CERT_SLOT_MAX 16
#define CERT_REASON_MAX 385

/* One stored certificate. */
struct cert_row {
	char id[UUID_LEN + 1];
	char serial[CERT_SERIAL_MAX];
	char subject[CERT_DN_MAX];
	char issuer[CERT_DN_MAX];
	char cn[CERT_ATTR_MAX];
	char org[CERT_ATTR_MAX];
	char algorithm[16];            /* cert_key_alg_label(): "RSA", "SM2", "EC", "其他" */
	char key_desc[CERT_ALG_MAX];
	char sig_alg[CERT_ALG_MAX];
	char not_before[CERT_ISO_MAX]; /* UTC ISO 8601 */
	char not_after[CERT_ISO_MAX];
	time_t not_before_t;           /* the same instants as time_t */
	time_t not_after_t;
	char sha256[CERT_HASH_HEX];
	char sm3[CERT_HASH_HEX];
	char card_id[CERT_CARD_ID_MAX];
	char slot[CERT_SLOT_MAX];
	char applicant_id[UUID_LEN + 1]; /* "" when unbound */
	char bound_at[21];
	char bound_by[UUID_LEN + 1];
	char revoked_at[21];           /* revoked on the holder's request (注销), "" not */
	char revoke_reason[CERT_REASON_MAX];
	/* Listed on the authority's revocation list (migration 0008), "" not. */
	char crl_revoked_at[21];
	char crl_reason[CERT_REASON_MAX];
	long version;
};

/* Insert a new row (r->id made by the caller); created_at/updated_at are
 * now. A second row with the same SHA-256 is ST_EXISTS. */
enum status cert_repo_insert(struct db *db, const struct cert_row *r, struct err *e);
/* Bind the row `id` to `applicant_id` (NULL or "" unbinds) by staff member
 * `by`, now; also records the KEY (card_id, slot) it was last read from. */
enum status cert_repo_bind(struct db *db, const char *id, const char *applicant_id,
			   const char *by, const char *card_id, const char *slot, struct err *e);
/* ST_NOT_FOUND ("没有这张证书") when absent. */
enum status cert_repo_get(struct db *db, const char *id, struct cert_row *out, struct err *e);
enum status cert_repo_by_sha256(struct db *db, const char *sha256, struct cert_row *out,
				struct err *e);
/* The certificates bound to an applicant, latest expiry first: up to max
 * rows into out. Returns the number filled or -1. */
int cert_repo_of_applicant(struct db *db, const char *applicant_id, struct cert_row *out, int max,
			   struct err *e);
/* How many certificates are bound to the applicant; -1 on error. */
long cert_repo_count_of_applicant(struct db *db, const char *applicant_id);
/* The certificates with this serial (upper-case hex; two issuers may use
 * one serial), bound ones first: up to max rows. Returns count or -1. */
int cert_repo_by_serial(struct db *db, const char *serial, struct cert_row *out, int max,
			struct err *e);
/* The certificates last read from the KEY with this identifier (PIV
 * CHUID): up to max rows. Returns count or -1. */
int cert_repo_of_card(struct db *db, const char *card_id, struct cert_row *out, int max,
		      struct err *e);
/* Mark the row revoked (注销) at `at` (UTC ISO) for `reason`. ST_STATE
 * when it is revoked already, ST_NOT_FOUND when absent. */
enum status cert_repo_revoke(struct db *db, const char *id, const char *at, const char *reason,
			     struct err *e);

#endif
