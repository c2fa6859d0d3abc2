#include "store/puk_repo.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

enum status puk_repo_put(struct db *db, const struct puk_row *r, bool replace, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, replace
		? "INSERT INTO key_puks (card_id, nonce, sealed, loaded_at) VALUES (?1, ?2, ?3, ?4)"
		  " ON CONFLICT (card_id) DO UPDATE SET nonce = excluded.nonce, sealed = excluded.sealed,"
		  " loaded_at = excluded.loaded_at, released = 0"
		: "INSERT INTO key_puks (card_id, nonce, sealed, loaded_at) VALUES (?1, ?2, ?3, ?4)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, r->card_id);
	db_bind_text(s, 2, r->nonce);
	db_bind_text(s, 3, r->sealed);
	db_bind_text(s, 4, now);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return ST_OK;
	if (rc == SQLITE_CONSTRAINT)
		return err_set(e, ST_EXISTS, "KEY %s 的 PUK 已在中心", r->card_id);
	return db_fail(db, rc, e);
}

enum status puk_repo_get(struct db *db, const char *card_id, struct puk_row *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT card_id, nonce, sealed, loaded_at, released FROM key_puks"
				      " WHERE card_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, card_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		db_col_copy(s, 0, out->card_id, sizeof out->card_id);
		db_col_copy(s, 1, out->nonce, sizeof out->nonce);
		db_col_copy(s, 2, out->sealed, sizeof out->sealed);
		db_col_copy(s, 3, out->loaded_at, sizeof out->loaded_at);
		out->released = (long)sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "中心没有 KEY %s 的 PUK", card_id)
				 : db_fail(db, rc, e);
}

enum status puk_repo_released(struct db *db, const char *card_id, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "UPDATE key_puks SET released = released + 1 WHERE card_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, card_id);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

long puk_repo_count(struct db *db)
{
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM key_puks", NULL);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}
