#ifndef CERTDESK_STORE_CRL_REPO_H
#define CERTDESK_STORE_CRL_REPO_H

/*
 * The revocation list in force on this terminal (tables crl_info and
 * crl_entries, migration 0008) and the marks it leaves on the
 * certificates this program knows (certificates.crl_revoked_at,
 * crl_reason). None of these functions opens or ends a transaction.
 */
#include <time.h>

#include "adapt/crl.h"
#include "model/staff.h"
#include "store/db.h"

#define CRL_SOURCE_MAX 1024

/* What the list in force is. */
struct crl_info {
	char issuer[CERT_DN_MAX];
	char crl_number[CERT_SERIAL_MAX];
	char this_update[21];            /* UTC ISO 8601 */
	char next_update[21];            /* "" when the list names none */
	long entries;
	char sha256[CERT_HASH_HEX];
	char sig_alg[CERT_ALG_MAX];
	char source[CRL_SOURCE_MAX];     /* file or URL */
	char imported_at[21];
	char imported_by[UUID_LEN + 1];
	char imported_by_name[NAME_MAX_BYTES];  /* "" when the account is not known here */
	long marked;                     /* known certificates of its issuer marked revoked now */
};

/* The list in force, or ST_NOT_FOUND ("尚未导入吊销列表"). */
enum status crl_repo_info(struct db *db, struct crl_info *out, struct err *e);

/*
 * Replace the list in force by `c` (its entries and its row, with source,
 * imported_at and imported_by from `info`), then mark the known
 * certificates of its issuer it names, and clear the marks of those it
 * held only on hold (certificateHold) and names no more: any other
 * revocation is for good. *marked receives how many known certificates it
 * revokes. Inside the caller's transaction.
 */
enum status crl_repo_replace(struct db *db, const struct crl *c, const struct crl_info *info,
			     long *marked, struct err *e);

/* One revoked serial of the list in force: ST_NOT_FOUND when not listed. */
struct crl_hit {
	char serial[CERT_SERIAL_MAX];
	char revoked_at[21];
	char reason[32];                 /* a crl_reason_code() name, "" unspecified */
};
enum status crl_repo_lookup(struct db *db, const char *serial, struct crl_hit *out,
			    struct err *e);

/* A certificate this program knows, as the revocation screens show it. */
struct crl_cert {
	char id[UUID_LEN + 1];
	char serial[CERT_SERIAL_MAX];
	char subject_name[CERT_ATTR_MAX]; /* the subject's O, else its CN */
	char cn[CERT_ATTR_MAX];
	char issuer[CERT_DN_MAX];
	char not_after[21];
	char crl_revoked_at[21];          /* "" when not marked */
	char crl_reason[32];
};
/* The known certificates with this serial (of any issuer); count or -1. */
int crl_repo_certs_by_serial(struct db *db, const char *serial, struct crl_cert *out, int max,
			     struct err *e);
/* The known certificates marked revoked, latest revocation first, keyed
 * by "revoked_at|id" (PAGE_FIRST, PAGE_AFTER, PAGE_BEFORE, PAGE_LAST);
 * count or -1. */
int crl_repo_marked_page(struct db *db, enum page_dir dir, const char *key, struct crl_cert *out,
			 int max, struct err *e);
long crl_repo_marked_count(struct db *db);

#endif
