#ifndef CERTDESK_SVC_CRL_H
#define CERTDESK_SVC_CRL_H

/*
 * Revocation lookup (吊销查询): the authority's certificate revocation
 * list imported on this terminal, checked against the configured issuer
 * certificate, and the known certificates it revokes marked.
 *
 * Settings (certdesk.conf): crl.url, where the authority publishes the
 * list (http or https); crl.issuer_cert, the issuer certificate file (DER
 * or PEM; a relative path is taken in the data directory).
 *
 * The list is not synced (docs/DESIGN.md, "Revocation list"): each
 * terminal imports it itself, and one import is one transaction with one
 * audit entry ("crl.update", no outbox entry).
 *
 * A list past its nextUpdate is stale: every answer built on it carries
 * crl_status.warning, which the front ends show as it is.
 */
#include <stdbool.h>

#include "model/crl.h"
#include "store/crl_repo.h"
#include "svc/app.h"

/* What the list in force is, and whether it is still current. */
struct crl_status {
	bool have;                  /* a list has been imported */
	struct crl_info info;       /* when have */
	bool stale;                 /* now is past its nextUpdate */
	long stale_days;            /* whole days past it (0 on the first day) */
	char warning[384];          /* one sentence for the clerk when !have or stale; "" otherwise */
};
/* Never fails for "no list" (have = false, warning says so). */
enum status svc_crl_status(struct svc *svc, struct crl_status *out, struct err *e);

/* The answer for one serial. */
#define CRL_CERTS_MAX 8
struct crl_answer {
	char serial[CERT_SERIAL_MAX];  /* as compared: canonical upper-case hex */
	bool listed;                   /* the list names it */
	struct crl_hit hit;            /* when listed */
	struct crl_cert certs[CRL_CERTS_MAX];  /* known certificates with this serial */
	int ncerts;
	struct crl_status status;      /* the list it was looked up in */
};
/*
 * Look a serial up ("4A:3F:00:12", "4a3f0012", "0x…"). ST_INVALID when it
 * is not a serial (e->field "serial"); ST_STATE when no list has been
 * imported (nothing to look in). A stale list still answers, with
 * out->status.warning.
 */
enum status svc_crl_check(struct svc *svc, const char *serial, struct crl_answer *out,
			  struct err *e);

/* What an import did. */
struct crl_result {
	long entries;               /* revoked serials in the list */
	long marked;                /* known certificates it revokes */
	long newly_marked;          /* of which marked by this import */
	double ms;                  /* time to parse, check and store */
	struct crl_status status;   /* after the import */
};

/*
 * Import the list in `data` (DER or PEM, `source` names it for the record)
 * after checking it against the issuer certificate of crl.issuer_cert:
 * replace the list in force, mark the known certificates it revokes, all
 * in one transaction with one audit entry. Refused with nothing changed:
 * no issuer certificate set or readable, a file that is not a list (or is
 * cut short), a list signed by another issuer or with a bad signature, a
 * list older (thisUpdate) than the one in force from the same issuer.
 * Clerks and up.
 */
enum status svc_crl_import(struct app *app, const struct actor *a, const void *data, size_t len,
			   const char *source, struct crl_result *out, struct err *e);
/* The same from a file. */
enum status svc_crl_update_file(struct app *app, const struct actor *a, const char *path,
				struct crl_result *out, struct err *e);
/* The same fetched from url, or from crl.url when url is NULL or "" (an
 * error saying how to set it when neither is given). */
enum status svc_crl_update_url(struct app *app, const struct actor *a, const char *url,
			       struct crl_result *out, struct err *e);

/* The known certificates the list revokes (certificates.crl_revoked_at
 * set), latest revocation first; see crl_repo_marked_page. */
int svc_crl_marked_page(struct svc *svc, enum page_dir dir, const char *key, struct crl_cert *out,
			int max, struct err *e);
long svc_crl_marked_count(struct svc *svc);
/* The paging key of a row of that list. */
void svc_crl_marked_key(const struct crl_cert *c, char *out, size_t outsz);

/* "吊销于 2025-06-01 10:00，原因：密钥泄露" for a certificate's marks
 * (crl_revoked_at UTC ISO, crl_reason name), in local time; "" when
 * revoked_at is NULL or "". For the certificate detail screens. */
void svc_crl_mark_text(const char *revoked_at, const char *reason, char *out, size_t outsz);

#endif
