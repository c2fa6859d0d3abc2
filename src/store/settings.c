#include "store/settings.h"

#include <stdio.h>
#include <stdlib.h>

enum status settings_get(struct db *db, const char *key, char *out, size_t outsz, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT value FROM settings WHERE key = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, key);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out, outsz);
		sqlite3_reset(s);
		return ST_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return err_set(e, ST_NOT_FOUND, "未找到设置项 %s", key);
	return db_fail(db, rc, e);
}

enum status settings_set(struct db *db, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO settings (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, value);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

long long settings_get_int(struct db *db, const char *key, long long def)
{
	char v[32];
	struct err e;
	if (settings_get(db, key, v, sizeof v, &e) != ST_OK)
		return def;
	return atoll(v);
}

enum status settings_set_int(struct db *db, const char *key, long long v, struct err *e)
{
	char s[32];
	snprintf(s, sizeof s, "%lld", v);
	return settings_set(db, key, s, e);
}
