#ifndef CERTDESK_STORE_STAFF_REPO_H
#define CERTDESK_STORE_STAFF_REPO_H

#include <stdbool.h>

#include "model/office.h"
#include "model/staff.h"
#include "store/db.h"

/* Staff, offices and terminals. All functions run inside or outside a
 * transaction as the caller arranges; none commits. */

enum status staff_repo_insert(struct db *db, const struct staff *s, struct err *e);
/* Write every mutable field of s (name, role, hash, flags, counters). */
enum status staff_repo_update(struct db *db, const struct staff *s, struct err *e);
enum status staff_repo_get(struct db *db, const char *id, struct staff *out, struct err *e);
/* Case-insensitive. ST_NOT_FOUND when absent. */
enum status staff_repo_by_username(struct db *db, const char *username, struct staff *out,
				   struct err *e);
/* Number of staff accounts; -1 on error. */
long staff_repo_count(struct db *db);
/* Up to `max` accounts in username order, positioned by dir and key (a
 * username). Returns the number filled, -1 on error. */
int staff_repo_page(struct db *db, enum page_dir dir, const char *key, struct staff *out, int max,
		    struct err *e);

enum status office_repo_insert(struct db *db, const struct office *o, struct err *e);
enum status office_repo_get(struct db *db, const char *id, struct office *out, struct err *e);
/* Up to `max` offices this database knows, in code order. Returns the
 * number filled, -1 on error. */
int office_repo_list(struct db *db, struct office *out, int max, struct err *e);
enum status terminal_repo_insert(struct db *db, const struct terminal *t, struct err *e);
enum status terminal_repo_get(struct db *db, const char *id, struct terminal *out, struct err *e);

#endif
