#include "store/app_kind_repo.h"

#include <stdio.h>
#include <string.h>

enum status app_kind_repo_read(struct db *db, struct application *a, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT service_reason, coalesce(done_at, '') FROM applications"
				      " WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, a->service_reason, sizeof a->service_reason);
		db_col_copy(s, 1, a->done_at, sizeof a->done_at);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这份申请单") : db_fail(db, rc, e);
}

enum status app_kind_repo_write(struct db *db, const struct application *a, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "UPDATE applications SET service_reason = ?2, done_at = ?3"
				      " WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	db_bind_text(s, 2, a->service_reason);
	db_bind_text_or_null(s, 3, a->done_at[0] ? a->done_at : NULL);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这份申请单");
	return ST_OK;
}

int app_kind_repo_unlocks(struct db *db, const char *serial, char (*out)[UUID_LEN + 1], int max,
			  struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT id FROM applications WHERE cert_serial = ?1"
				      " AND kind = 'unlock' AND status = 'accepted' ORDER BY id LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, serial);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		db_col_copy(s, 0, out[n++], UUID_LEN + 1);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		db_fail(db, rc, e);
		return -1;
	}
	sqlite3_reset(s);
	return n;
}

enum status app_kind_repo_live_for(struct db *db, const char *serial, const char *exclude_id,
				   char number[NUMBER_MAX], enum app_kind *kind, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT number, kind FROM applications WHERE cert_serial = ?1"
				      " AND kind IN ('change', 'reissue', 'revoke', 'unlock') AND id <> ?2"
				      " AND status IN ('draft', 'pending_review', 'returned', 'accepted', 'ready')"
				      " ORDER BY id LIMIT 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, serial);
	db_bind_text(s, 2, exclude_id ? exclude_id : "");
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, number, NUMBER_MAX);
		if (!app_kind_parse(db_col_text(s, 1), kind))
			*kind = KIND_CHANGE;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有办理中的申请单") : db_fail(db, rc, e);
}
