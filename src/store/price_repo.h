#ifndef CERTDESK_STORE_PRICE_REPO_H
#define CERTDESK_STORE_PRICE_REPO_H

#include "model/price.h"
#include "store/db.h"

/* Insert or (same kind, subject, years) replace the price and activity. */
enum status price_repo_put(struct db *db, const struct price *p, struct err *e);
/* The active price for kind, subject and years; ST_NOT_FOUND if none. */
enum status price_repo_find(struct db *db, enum app_kind k, enum app_subject s, int years,
			    struct price *out, struct err *e);
/* Active items for kind and subject, by years; returns count or -1. */
int price_repo_options(struct db *db, enum app_kind k, enum app_subject s, struct price *out,
		       int max, struct err *e);
/* Every item (active or not) by kind, subject, years; returns count or -1. */
int price_repo_all(struct db *db, struct price *out, int max, struct err *e);
long price_repo_count(struct db *db);

#endif
