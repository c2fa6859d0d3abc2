#ifndef CERTDESK_STORE_APP_KIND_REPO_H
#define CERTDESK_STORE_APP_KIND_REPO_H

/*
 * What the service kinds add to an application (migration 0009): the
 * reason given (service_reason) and when a service that makes no
 * certificate was carried out (done_at). The other columns are app_repo's;
 * callers read both (svc_application_get does). None of these commits.
 */
#include "model/application.h"
#include "store/db.h"

/* Fill a->service_reason and a->done_at from the row a->id ("" when the
 * row has none). ST_NOT_FOUND when there is no such application. */
enum status app_kind_repo_read(struct db *db, struct application *a, struct err *e);
/* Write a->service_reason, and a->done_at ("" writes NULL). */
enum status app_kind_repo_write(struct db *db, const struct application *a, struct err *e);

/* The unlock applications accepted for the certificate with this serial
 * (normalised, upper-case hex), oldest first: up to max ids into out.
 * Returns the number found or -1. */
int app_kind_repo_unlocks(struct db *db, const char *serial, char (*out)[UUID_LEN + 1], int max,
			  struct err *e);

/* A live application (not cancelled or finished) of a service kind
 * (change, reissue, revoke, unlock) for the certificate `serial`, other
 * than exclude_id: ST_OK with its number and kind when there is one,
 * ST_NOT_FOUND when none. */
enum status app_kind_repo_live_for(struct db *db, const char *serial, const char *exclude_id,
				   char number[NUMBER_MAX], enum app_kind *kind, struct err *e);

#endif
