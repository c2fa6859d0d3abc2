#ifndef CERTDESK_SVC_LIFECYCLE_H
#define CERTDESK_SVC_LIFECYCLE_H

/*
 * Certificate lifecycle (issue 7): the expiry worklist (到期提醒) of bound
 * certificates running out within 30, 60 or 90 days or expired and counting
 * down to revocation; marking one contacted with a note and sending the
 * applicant an SMS reminder; and the job that revokes (注销) every
 * certificate expired for more than CERT_RENEW_GRACE_DAYS days.
 *
 * The 90-day rule is model/cert.h's cert_past_renewal(): the same test
 * that refuses a renewal (svc/key.h key_renewal_allowed) revokes here, to
 * the second. "Expired N days" counts whole days since not_after (rounded
 * down, as cert_days_expired), so a certificate expired 89 or 90 days is
 * kept and one expired 91 days is revoked; a certificate expired 90 days
 * and some hours is due as well (it cannot be renewed any more either).
 * Dates people read, and the "day" of an SMS reminder (at most one per
 * certificate and day), are local (the program's TZ, Asia/Shanghai at the
 * counters).
 *
 * Commands: certificate.contact@1, certificate.remind@1 (clerks and up),
 * certificate.revoke_expired@1 (supervisors and up; at the centre the job
 * runs as lifecycle_repo_system_actor). Each is one transaction with its
 * audit and outbox entries.
 */
#include <stdbool.h>
#include <time.h>

#include "adapt/sms.h"
#include "store/lifecycle_repo.h"
#include "svc/svc.h"

/* What a revocation by the job writes in certificates.revoke_reason. */
#define LIFECYCLE_REVOKE_REASON "过期超过 90 天，由系统注销"
/* A contact note: characters. */
#define LIFECYCLE_NOTE_CHARS 200
/* Upcoming windows: at most this many days ahead. */
#define LIFECYCLE_DAYS_MAX 366

/* The worklist's tabs. */
enum lc_window { LC_WITHIN_30, LC_WITHIN_60, LC_WITHIN_90, LC_EXPIRED, LC__WINDOWS };
/* "30 天内", "60 天内", "90 天内", "已过期". Static. */
const char *lc_window_label(enum lc_window w);

enum { LC_CONTACT_ANY = 0, LC_CONTACT_NOT = 1, LC_CONTACT_DONE = 2 };

struct lc_filter {
	bool expired;                  /* expired, not revoked (due ones included) */
	int days;                      /* else: expiring within this many days, 1..LIFECYCLE_DAYS_MAX */
	char office_id[UUID_LEN + 1];  /* the applicant's office; "" every office */
	int contacted;                 /* LC_CONTACT_* */
};
/* Set f's window to a tab (office and contacted are kept). */
void lc_filter_window(struct lc_filter *f, enum lc_window w);

/* ---- days and words (pure; dates local) ---- */

/* The last instant a certificate that expires at not_after may still be
 * renewed: CERT_RENEW_GRACE_DAYS days later. Revoked after it. */
time_t lifecycle_grace_end(time_t not_after);
/* Due for revocation at now (cert_past_renewal). */
bool lifecycle_due(time_t not_after, time_t now);
/* The job revokes the certificates whose not_after is before this UTC ISO
 * time (now minus the grace, to the second). */
void lifecycle_due_before(time_t now, char out[21]);
/* The worklist's bounds of not_after at now (UTC ISO, inclusive; lo ""
 * when open). */
void lifecycle_window_bounds(const struct lc_filter *f, time_t now, char lo[21], char hi[21]);
/* Local date, "2026-08-01". */
void lifecycle_local_day(time_t t, char out[LC_DAY_MAX]);
/*
 * Where a certificate stands, for a list cell (compact) or a sentence:
 *   compact: "剩 30 天", "今天到期", "过期5天 余85天", "待注销", "已注销"
 *   full:    "剩余 30 天到期", "今天到期", "已过期 5 天，还有 85 天注销（最迟 2026-10-30 续费）",
 *            "已过期 95 天，待注销", "已于 2026-11-01 注销"
 * revoked_at: "" when not revoked. out: 128 bytes is enough.
 */
void lifecycle_standing(time_t not_after, const char *revoked_at, time_t now, bool compact,
			char *out, size_t outsz);
/* "已过期 91 天"; "已过期超过 90 天" for one due within its 90th day (whole
 * days would say 90). out: 64 bytes is enough. */
void lifecycle_expired_text(time_t not_after, time_t now, char *out, size_t outsz);
/* The holder a certificate names, for lists and reminders: its O, else the
 * person its CN names (codes left out). */
void lifecycle_holder(const char *cn, const char *org, char *out, size_t outsz);
/* The reminder's text (ours, Chinese): the holder, the certificate (the
 * serial's last six digits), its expiry date, and where to renew (the
 * counter or the portal); for an expired one also the last day before it
 * is revoked. out: 512 bytes is enough. */
void lifecycle_reminder_text(const char *holder, const char *serial, time_t not_after,
			     time_t now, char *out, size_t outsz);

/* ---- the worklist ---- */

/* A page of the worklist at clock_now(), keyed by "not_after|id"
 * (lifecycle_repo_key). Returns the number filled or -1. */
int svc_lifecycle_page(struct svc *svc, const struct lc_filter *f, enum page_dir dir,
		       const char *key, struct lc_row *out, int max, struct err *e);
/* How many certificates each tab holds under f's office and contacted
 * filters; -1 where unknown. */
void svc_lifecycle_counts(struct svc *svc, const struct lc_filter *f, long counts[LC__WINDOWS]);
/* One certificate. */
enum status svc_lifecycle_get(struct svc *svc, const char *id, struct lc_row *out,
			      struct err *e);
/* The bound certificate with this serial (separators and case ignored):
 * ST_NOT_FOUND when none, ST_INVALID when the serial is not hex, ST_EXISTS
 * when several certificates (of different issuers) have it. */
enum status svc_lifecycle_find(struct svc *svc, const char *serial, struct lc_row *out,
			       struct err *e);
/* The number of a live renewal or revocation application for the serial
 * (number: 64 bytes); false when none: such a certificate is left off the
 * worklist and gets no reminder. */
bool svc_lifecycle_application_of(struct svc *svc, const char *serial, char number[64]);
/* A certificate's contacts, newest first (up to max); -1 on error. */
int svc_lifecycle_contacts(struct svc *svc, const char *id, struct lc_contact *out, int max,
			   struct err *e);

/* ---- contacts and reminders ---- */

/* Mark a bound certificate contacted, with a note of 1..LIFECYCLE_NOTE_CHARS
 * characters (field "note"): command certificate.contact. */
enum status svc_lifecycle_contact(struct svc *svc, const struct actor *a, const char *id,
				  const char *note, struct err *e);

struct lc_reminder {
	char phone_masked[32];     /* where it went: "138****5678" */
	char text[512];            /* what it said */
	char day[LC_DAY_MAX];
};
/*
 * Send the applicant of a bound certificate an SMS reminder through the
 * gateway and record it (command certificate.remind, the text as note):
 * refused (nothing sent) when the certificate is revoked or due, expires
 * more than 90 days from now, a live renewal names it, or a reminder for
 * it went out on this local day already (ST_EXISTS). The record and the
 * message go together: the record is committed only once the gateway took
 * the message (its id is the record's), and a refused message leaves no
 * record. The database's write lock is held while the gateway is asked
 * (the http driver's timeouts bound it). ST_UNSUPPORTED when gw is NULL.
 */
enum status svc_lifecycle_remind(struct svc *svc, struct sms_gateway *gw, const struct actor *a,
				 const char *id, struct lc_reminder *out, struct err *e);

/* ---- the revocation job ---- */

struct lc_run {
	time_t now;                /* the time the rule was applied at */
	int revoked;               /* certificates revoked by this run */
	int failed;                /* refused or failed (the callback said why) */
	bool more;                 /* stopped at `limit` with more due */
};
/* Called for each certificate the run revoked (st ST_OK) or could not
 * (st and its message). */
typedef void (*lc_run_fn)(void *ctx, const struct lc_row *cert, enum status st, const char *msg);

/*
 * Revoke every certificate (bound or not) expired for more than
 * CERT_RENEW_GRACE_DAYS days at clock_now() and not revoked yet: one
 * certificate.revoke_expired command each (own transaction, audit, outbox).
 * Running it again revokes nothing more (out->revoked 0). `limit` > 0 stops
 * after that many certificates (out->more says there are more), so a caller
 * holding a lock can work in slices. Supervisors and admins. Returns ST_OK
 * when every due certificate was revoked; else the first failure's status
 * (the others still ran) with e saying how many failed.
 */
enum status svc_lifecycle_run(struct svc *svc, const struct actor *a, int limit, lc_run_fn fn,
			      void *ctx, struct lc_run *out, struct err *e);
/* The same at the centre (svc->centre), as its own job's actor
 * (lifecycle_repo_system_actor). For certdeskd's timer. */
enum status svc_lifecycle_run_centre(struct svc *svc, int limit, struct lc_run *out,
				     struct err *e);

#endif
