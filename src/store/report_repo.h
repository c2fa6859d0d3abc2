#ifndef CERTDESK_STORE_REPORT_REPO_H
#define CERTDESK_STORE_REPORT_REPO_H

/*
 * The day-end report's queries (日结): counts and sums of orders and
 * payments over a time range, each walking an index rather than a table.
 * Read only; none of these functions opens or ends a transaction (the
 * caller holds one, so that every query sees the same moment).
 */
#include <time.h>

#include "model/office.h"
#include "model/order.h"
#include "store/db.h"

/* How many rows, for how much money. */
struct report_sum {
	long n;
	long long fen;
};

/* Which rows a query looks at. */
struct report_range {
	char from[21], to[21];             /* UTC ISO 8601 times, [from, to) */
	/*
	 * Bounds on row ids. Ids are UUIDv7 made from the real clock when the
	 * row is born, so an id range around [from, to) holds every row whose
	 * stored time is in it, and lets the query walk the primary key. ""
	 * and "~" (no bound) when that cannot be relied on.
	 */
	char id_lo[UUID_LEN + 1], id_hi[UUID_LEN + 1];
	char office_id[UUID_LEN + 1];      /* "" for every office */
	char staff_id[UUID_LEN + 1];       /* "" for everyone's rows */
};

/*
 * Set the times of r to [from, to). With id_slack >= 0 the id bounds are
 * [from - id_slack, to + id_slack) turned into UUIDv7 prefixes; with a
 * negative id_slack there are none. Office and staff are left alone.
 */
void report_range_set(struct report_range *r, time_t from, time_t to, time_t id_slack);

/* One group of an aggregate query. The strings are borrowed for the
 * duration of the callback. */
struct report_group {
	const char *k1;          /* orders: status; payments: kind */
	const char *k2;          /* orders: method; transfers and refunds: state; online: channel */
	const char *staff_id;    /* who placed or recorded them */
	const char *username;    /* "" when the account is unknown here */
	const char *name;
	struct report_sum sum;
};
/* Called once per group; a status other than ST_OK stops the query and is
 * returned (with e filled by the callback). */
typedef enum status (*report_group_fn)(void *ctx, const struct report_group *g, struct err *e);

/* Orders placed in the range (created_at), grouped by status, method and
 * who placed them. office_id and staff_id narrow by the order's office and
 * its creator. */
enum status report_repo_orders(struct db *db, const struct report_range *r, report_group_fn fn,
			       void *ctx, struct err *e);
/* The same orders counted whole, without grouping. */
enum status report_repo_orders_total(struct db *db, const struct report_range *r,
				     struct report_sum *out, struct err *e);

/* Payments recorded in the range (recorded_at, on its index), grouped by
 * kind, state (channel for online payments) and who recorded them.
 * office_id and staff_id narrow by the recording office and person. */
enum status report_repo_payments(struct db *db, const struct report_range *r, report_group_fn fn,
				 void *ctx, struct err *e);
/* The payments of one kind recorded in the range, counted whole. */
enum status report_repo_payments_total(struct db *db, const struct report_range *r,
				       enum payment_kind kind, struct report_sum *out,
				       struct err *e);
/* Transfers verified in the range (by verification time), whenever they
 * were recorded. */
enum status report_repo_verified(struct db *db, const struct report_range *r,
				 struct report_sum *out, struct err *e);

/* A transfer still waiting for verification. */
struct report_pending {
	char payment_id[UUID_LEN + 1];
	char reference[REFERENCE_MAX];
	char payer_name[ORG_NAME_MAX];
	long long fen;
	char recorded_at[21];              /* UTC ISO 8601 */
	char recorded_by[NAME_MAX_BYTES];  /* the recorder's name ("" when unknown) */
	char first_order[NUMBER_MAX];      /* the lowest order number it pays */
	int norders;                       /* how many orders it pays */
	bool slip;                         /* every one of them has its remittance slip */
};
/* Every transfer waiting for verification (the times of r are not used;
 * office and staff are), counted whole. */
enum status report_repo_pending_total(struct db *db, const struct report_range *r,
				      struct report_sum *out, struct err *e);
/* The first `max` of them, oldest first; returns how many, or -1. */
int report_repo_pending(struct db *db, const struct report_range *r, struct report_pending *out,
			int max, struct err *e);

/* The office with this code (exact, upper case): ST_NOT_FOUND when none. */
enum status report_repo_office(struct db *db, const char *code, struct office *out,
			       struct err *e);

#endif
