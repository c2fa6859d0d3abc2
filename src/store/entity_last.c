/* The last pushed op per record, at the centre (entity_last.h). */
#include "store/entity_last.h"

#include <stdio.h>
#include <string.h>

enum status entity_last_get(struct db *db, const char *entity_id, struct entity_last *out,
			    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT terminal_id, base_version, version_after"
				      " FROM entity_last WHERE entity_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, entity_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out->terminal_id, sizeof out->terminal_id);
		out->base_version = sqlite3_column_int64(s, 1);
		out->version_after = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_status(e, ST_NOT_FOUND) : db_fail(db, rc, e);
}

enum status entity_last_put(struct db *db, const char *entity_id, const struct entity_last *l,
			    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "INSERT INTO entity_last (entity_id, terminal_id, base_version,"
				      " version_after) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (entity_id)"
				      " DO UPDATE SET terminal_id = ?2, base_version = ?3, version_after = ?4",
				  e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, entity_id);
	db_bind_text(s, 2, l->terminal_id);
	sqlite3_bind_int64(s, 3, l->base_version);
	sqlite3_bind_int64(s, 4, l->version_after);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

long long entity_version(struct db *db, const char *table, const char *id)
{
	/* db_prep caches by the SQL's address: one literal per table. */
	static const char *const sql[][2] = {
		{ "applicants", "SELECT version FROM applicants WHERE id = ?1" },
		{ "applications", "SELECT version FROM applications WHERE id = ?1" },
		{ "enterprises", "SELECT version FROM enterprises WHERE id = ?1" },
		{ "orders", "SELECT version FROM orders WHERE id = ?1" },
		{ "payments", "SELECT version FROM payments WHERE id = ?1" },
		{ "attachments", "SELECT version FROM attachments WHERE id = ?1" },
		{ "certificates", "SELECT version FROM certificates WHERE id = ?1" },
		{ "staff", "SELECT version FROM staff WHERE id = ?1" },
		{ "offices", "SELECT version FROM offices WHERE id = ?1" },
		{ "price_list", "SELECT version FROM price_list WHERE id = ?1" },
	};
	for (size_t i = 0; table && i < sizeof sql / sizeof sql[0]; i++) {
		if (strcmp(sql[i][0], table) != 0)
			continue;
		struct err e;
		sqlite3_stmt *s = db_prep(db, sql[i][1], &e);
		if (!s)
			return 0;
		db_bind_text(s, 1, id);
		long long v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		return v;
	}
	return 0;
}
