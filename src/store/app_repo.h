#ifndef CERTDESK_STORE_APP_REPO_H
#define CERTDESK_STORE_APP_REPO_H

/* Applications, the documents handed in on paper, and the counters behind
 * readable numbers. None of these functions commits. */
#include "model/application.h"
#include "store/db.h"

enum status app_repo_insert(struct db *db, const struct application *a, struct err *e);
/* Write every field of a (status, details, reason, review columns). */
enum status app_repo_update(struct db *db, const struct application *a, struct err *e);
/* Record that the applicant accepted agreement `version` now (agreement_at). */
enum status app_repo_set_agreement(struct db *db, const char *id, const char *version,
				   struct err *e);
/* Set reviewed_by/at (accept, return) or submitted_at (submit) with a status change. */
enum status app_repo_mark(struct db *db, const char *id, const char *column, const char *who,
			  struct err *e);
enum status app_repo_get(struct db *db, const char *id, struct application *out, struct err *e);
enum status app_repo_by_number(struct db *db, const char *number, struct application *out,
			       struct err *e);

/*
 * What a list of applications is narrowed to; empty strings mean "any".
 * Rows come newest first (ids are UUIDv7), keyed by id.
 */
struct app_filter {
	char applicant_id[UUID_LEN + 1];
	char enterprise_id[UUID_LEN + 1];
	char holder_code[CREDIT_CODE_MAX];   /* ID number or credit code */
	char name[PERSON_NAME_MAX];          /* part of a person's or enterprise's name */
	char status[24];                     /* a status code */
	char created_by[UUID_LEN + 1];
	char id_from[UUID_LEN + 1];          /* created at or after (see app_filter_dates) */
	char id_to[UUID_LEN + 1];            /* created before */
};
/* Turn a local date range (YYYY-MM-DD, either may be "") into id bounds. */
bool app_filter_dates(struct app_filter *f, const char *from, const char *to, struct err *e);
/* A page of the list; returns the number filled or -1. */
int app_repo_page(struct db *db, const struct app_filter *f, enum page_dir dir, const char *key,
		  struct application *out, int max, struct err *e);
/* How many rows the filter matches (an exact count, may cost a scan). */
long app_repo_count(struct db *db, const struct app_filter *f);

/* Documents handed in on paper instead of attached. */
enum status app_repo_set_paper(struct db *db, const char *app_id, const char *doc_type, bool paper,
			       struct err *e);
bool app_repo_is_paper(struct db *db, const char *app_id, const char *doc_type);

/* The next sequence number in `scope` (from 1), for readable numbers. */
enum status counter_next(struct db *db, const char *scope, long *out, struct err *e);

#endif
