#ifndef CERTDESK_STORE_ORDER_REPO_H
#define CERTDESK_STORE_ORDER_REPO_H

/* Orders, their lines, payments and their split over orders. None of
 * these functions commits. */
#include "model/order.h"
#include "store/db.h"

enum status order_repo_insert(struct db *db, const struct order *o, struct err *e);
/* Write status, reason and paid_at. */
enum status order_repo_update(struct db *db, const struct order *o, struct err *e);
enum status order_repo_get(struct db *db, const char *id, struct order *out, struct err *e);
enum status order_repo_by_number(struct db *db, const char *number, struct order *out,
				 struct err *e);

struct order_filter {
	char status[32];
	char holder_code[CREDIT_CODE_MAX];
	char applicant_id[UUID_LEN + 1];
	char name[PERSON_NAME_MAX];      /* part of the enterprise's or the applicant's name */
	char id_from[UUID_LEN + 1];      /* placed at or after (ids are UUIDv7: app_filter_dates) */
	char id_to[UUID_LEN + 1];        /* placed before */
};
/* Orders newest first, keyed by id; returns count or -1. Every combination
 * of filters has its own statement, so each uses its index. A name is
 * looked up in the enterprises' and applicants' tables and joined to orders
 * by the indexed holder_code and applicant_id. */
int order_repo_page(struct db *db, const struct order_filter *f, enum page_dir dir,
		    const char *key, struct order *out, int max, struct err *e);

enum status order_repo_add_line(struct db *db, const char *order_id, const struct order_line *l,
				struct err *e);
/* The lines of an order, in number order; returns count or -1. */
int order_repo_lines(struct db *db, const char *order_id, struct order_line *out, int max,
		     struct err *e);
/* The order (not cancelled) an application is in: ST_NOT_FOUND when none. */
enum status order_repo_of_application(struct db *db, const char *application_id,
				      char order_id[UUID_LEN + 1], char number[NUMBER_MAX],
				      struct err *e);

enum status payment_repo_insert(struct db *db, const struct payment *p, const char *office_id,
				const char *terminal_id, struct err *e);
/* Write state, reason, verified_by/at (now when verified_by is set). */
enum status payment_repo_update(struct db *db, const struct payment *p, struct err *e);
enum status payment_repo_get(struct db *db, const char *id, struct payment *out, struct err *e);
/* A live transfer (not rejected) with this reference and amount, or an
 * online payment with this channel and reference: ST_NOT_FOUND when none. */
enum status payment_repo_duplicate(struct db *db, enum payment_kind k, const char *reference,
				   long long amount, const char *channel, struct payment *out,
				   struct err *e);
enum status payment_repo_link(struct db *db, const char *payment_id, const char *order_id,
			      long long amount, struct err *e);
/* The orders a payment pays (ids and amounts); returns count or -1. */
int payment_repo_orders(struct db *db, const char *payment_id, char ids[][UUID_LEN + 1],
			long long *amounts, int max, struct err *e);
/* The payments of an order, oldest first; returns count or -1. */
int payment_repo_of_order(struct db *db, const char *order_id, struct payment *out, int max,
			  struct err *e);
/* Transfers waiting for verification, oldest first, keyed by id. */
int payment_repo_pending(struct db *db, enum page_dir dir, const char *key, struct payment *out,
			 int max, struct err *e);

/* How many transfers wait for verification; -1 on error. */
long payment_repo_pending_count(struct db *db);

#endif
