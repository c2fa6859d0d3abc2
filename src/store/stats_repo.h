#ifndef CERTDESK_STORE_STATS_REPO_H
#define CERTDESK_STORE_STATS_REPO_H

/*
 * The queries of the statistics (svc/stats.h) and of the retention list:
 * what happened to applications in a time range, the money of a range
 * grouped by office and person, and the applications whose records may be
 * archived. Read only; none of these functions opens or ends a
 * transaction (the caller holds one, so that every query sees the same
 * moment). The ranges are the day report's (store/report_repo.h): UTC
 * times [from, to), office_id "" for every office; staff_id is not used.
 */
#include "model/application.h"
#include "store/report_repo.h"

/* What happened to an application, and where its time is kept. */
enum stats_event_kind {
	STATS_RECEIVED,    /* submitted (submitted_at: the latest submission) */
	STATS_ACCEPTED,    /* accepted (reviewed_at of an application accepted or later) */
	STATS_RETURNED,    /* each return, from the audit log (application.return) */
	STATS_MADE,        /* the certificate made (made_at) */
	STATS_COLLECTED,   /* collected at the counter (collected_at) */
	STATS__EVENTS
};

/* One event. The strings are borrowed for the duration of the callback;
 * none is NULL. */
struct stats_event {
	enum stats_event_kind kind;
	const char *at;            /* when it happened, UTC ISO 8601 */
	const char *office_id;     /* the application's office */
	const char *clerk_id;      /* who entered the application ("" when not known here) */
	const char *reviewer_id;   /* accepted, returned: who reviewed it; else "" */
	const char *reason;        /* returned: the reason given; else "" */
	const char *submitted_at;  /* accepted: the submission it answers ("" when none) */
};
/* Called once per event; a status other than ST_OK stops the query and is
 * returned (with e filled by the callback). */
typedef enum status (*stats_event_fn)(void *ctx, const struct stats_event *ev, struct err *e);

/* Every event of one kind in the range, in no particular order. */
enum status stats_repo_events(struct db *db, const struct report_range *r,
			      enum stats_event_kind kind, stats_event_fn fn, void *ctx,
			      struct err *e);

/* One group of the money of a range. Strings borrowed for the callback. */
struct stats_money_group {
	const char *method;        /* "transfer", a channel code ("wechat"), "refund" */
	const char *office_id;     /* the office where the payment was recorded */
	const char *staff_id;      /* who recorded it */
	struct report_sum sum;
};
typedef enum status (*stats_money_fn)(void *ctx, const struct stats_money_group *g,
				      struct err *e);
/*
 * The money of the range by the day report's rules, grouped by method,
 * recording office and recording person: transfers verified in the range
 * (by verification time), online payments recorded in it (by channel) and
 * refunds recorded in it. Over the same range the groups add up to
 * report_repo_verified and report_repo_payments_total (the caller checks).
 */
enum status stats_repo_money(struct db *db, const struct report_range *r, stats_money_fn fn,
			     void *ctx, struct err *e);

/* A member of staff's user name and name by id; false when not known here. */
bool stats_repo_staff(struct db *db, const char *id, char username[USERNAME_MAX],
		      char name[NAME_MAX_BYTES]);
/* An office's code and name by id; false when not known here. */
bool stats_repo_office(struct db *db, const char *id, char code[OFFICE_CODE_MAX],
		       char name[NAME_MAX_BYTES]);

/* An application in a final state, for the retention list. */
struct retention_row {
	char id[UUID_LEN + 1];
	char number[NUMBER_MAX];
	char office_id[UUID_LEN + 1];
	enum app_kind kind;
	enum app_subject subject;
	enum app_status status;
	int years;
	char ended_at[21];         /* collected/shipped: made_at; cancelled: updated_at */
};
typedef enum status (*retention_fn)(void *ctx, const struct retention_row *row, struct err *e);
/*
 * The applications collected or shipped whose certificate was made, and
 * those cancelled, at or before `before` (UTC ISO 8601), by number; office_id ""
 * for every office. A kind, subject or status this program does not know
 * is KIND__COUNT, SUBJECT__COUNT, APP__COUNT. Their records may be old
 * enough to archive: the caller decides from the kind and validity.
 */
enum status stats_repo_retention(struct db *db, const char *before, const char *office_id,
				 retention_fn fn, void *ctx, struct err *e);

#endif
