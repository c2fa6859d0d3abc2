#ifndef CERTDESK_STORE_ENTITY_LAST_H
#define CERTDESK_STORE_ENTITY_LAST_H

/*
 * The centre's memory of the last pushed op that changed each record
 * (db/migrations/0011_entity_last.sql), so that a terminal's chain of
 * offline edits on one pulled version is not refused as stale.
 */
#include "util/uuid.h"
#include "store/db.h"

struct entity_last {
	char terminal_id[UUID_LEN + 1];
	long long base_version;       /* the version the op was made on */
	long long version_after;      /* the record's version once it was applied */
};

/* ST_NOT_FOUND when no pushed op changed the record. */
enum status entity_last_get(struct db *db, const char *entity_id, struct entity_last *out,
			    struct err *e);
enum status entity_last_put(struct db *db, const char *entity_id, const struct entity_last *l,
			    struct err *e);
/* The centre's version of the record `id` of a synced table (applicants,
 * applications, ...); 0 when the table has no version or no such row. */
long long entity_version(struct db *db, const char *table, const char *id);

#endif
