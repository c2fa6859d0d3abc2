#include "store/staff_repo.h"

#include <string.h>

#include "util/clock.h"

#define STAFF_COLS "id, username, name, role, office_id, pw_hash, must_change, failed_logins," \
		   " locked_at IS NOT NULL, disabled_at IS NOT NULL, version"

static void staff_row(sqlite3_stmt *s, struct staff *o)
{
	memset(o, 0, sizeof *o);
	db_col_copy(s, 0, o->id, sizeof o->id);
	db_col_copy(s, 1, o->username, sizeof o->username);
	db_col_copy(s, 2, o->name, sizeof o->name);
	if (!role_parse(db_col_text(s, 3), &o->role))
		o->role = ROLE_CLERK;
	db_col_copy(s, 4, o->office_id, sizeof o->office_id);
	db_col_copy(s, 5, o->pw_hash, sizeof o->pw_hash);
	o->must_change = sqlite3_column_int(s, 6) != 0;
	o->failed_logins = sqlite3_column_int(s, 7);
	o->locked = sqlite3_column_int(s, 8) != 0;
	o->disabled = sqlite3_column_int(s, 9) != 0;
	o->version = (long)sqlite3_column_int64(s, 10);
}

static enum status step_done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

/* Step a one-row query into out; ST_NOT_FOUND when there is no row. */
static enum status step_staff(struct db *db, sqlite3_stmt *s, struct staff *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		staff_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc == SQLITE_DONE)
		return err_set(e, ST_NOT_FOUND, "没有这个员工账户");
	return db_fail(db, rc, e);
}

enum status staff_repo_insert(struct db *db, const struct staff *st, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO staff (id, username, name, role, office_id, pw_hash, must_change,"
		" failed_logins, locked_at, disabled_at, created_at, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?9 THEN ?11 END,"
		" CASE WHEN ?10 THEN ?11 END, ?11, ?11, ?12)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, st->id);
	db_bind_text(s, 2, st->username);
	db_bind_text(s, 3, st->name);
	db_bind_text(s, 4, role_code(st->role));
	db_bind_text(s, 5, st->office_id);
	db_bind_text(s, 6, st->pw_hash);
	sqlite3_bind_int(s, 7, st->must_change);
	sqlite3_bind_int(s, 8, st->failed_logins);
	sqlite3_bind_int(s, 9, st->locked);
	sqlite3_bind_int(s, 10, st->disabled);
	db_bind_text(s, 11, now);
	sqlite3_bind_int64(s, 12, st->version);
	return step_done(db, s, e);
}

enum status staff_repo_update(struct db *db, const struct staff *st, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"UPDATE staff SET name = ?2, role = ?3, pw_hash = ?4, must_change = ?5,"
		" failed_logins = ?6,"
		" locked_at = CASE WHEN ?7 THEN coalesce(locked_at, ?9) END,"
		" disabled_at = CASE WHEN ?8 THEN coalesce(disabled_at, ?9) END,"
		" updated_at = ?9 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, st->id);
	db_bind_text(s, 2, st->name);
	db_bind_text(s, 3, role_code(st->role));
	db_bind_text(s, 4, st->pw_hash);
	sqlite3_bind_int(s, 5, st->must_change);
	sqlite3_bind_int(s, 6, st->failed_logins);
	sqlite3_bind_int(s, 7, st->locked);
	sqlite3_bind_int(s, 8, st->disabled);
	db_bind_text(s, 9, now);
	enum status r = step_done(db, s, e);
	if (r == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个员工账户");
	return r;
}

enum status staff_repo_get(struct db *db, const char *id, struct staff *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " STAFF_COLS " FROM staff WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return step_staff(db, s, out, e);
}

enum status staff_repo_by_username(struct db *db, const char *username, struct staff *out,
				   struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " STAFF_COLS " FROM staff WHERE username = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, username);
	return step_staff(db, s, out, e);
}

long staff_repo_count(struct db *db)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM staff", &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

int staff_repo_page(struct db *db, enum page_dir dir, const char *key, struct staff *out, int max,
		    struct err *e)
{
	sqlite3_stmt *s;
	switch (dir) {
	case PAGE_FIRST:
		s = db_prep(db, "SELECT " STAFF_COLS " FROM staff ORDER BY username LIMIT ?2", e);
		break;
	case PAGE_LAST:
		s = db_prep(db, "SELECT " STAFF_COLS " FROM staff ORDER BY username DESC LIMIT ?2", e);
		break;
	case PAGE_AFTER:
		s = db_prep(db, "SELECT " STAFF_COLS " FROM staff WHERE username > ?1"
				" ORDER BY username LIMIT ?2", e);
		break;
	case PAGE_BEFORE:
		s = db_prep(db, "SELECT " STAFF_COLS " FROM staff WHERE username < ?1"
				" ORDER BY username DESC LIMIT ?2", e);
		break;
	default:
		s = db_prep(db, "SELECT " STAFF_COLS " FROM staff WHERE username >= ?1"
				" ORDER BY username LIMIT ?2", e);
		break;
	}
	if (!s)
		return -1;
	if (dir != PAGE_FIRST && dir != PAGE_LAST)
		db_bind_text(s, 1, key ? key : "");
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		staff_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

enum status office_repo_insert(struct db *db, const struct office *o, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO offices (id, code, name, created_at, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?4, ?5)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, o->id);
	db_bind_text(s, 2, o->code);
	db_bind_text(s, 3, o->name);
	db_bind_text(s, 4, now);
	sqlite3_bind_int64(s, 5, o->version);
	return step_done(db, s, e);
}

int office_repo_list(struct db *db, struct office *out, int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT id, code, name, version FROM offices ORDER BY code", e);
	if (!s)
		return -1;
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct office *o = &out[n++];
		db_col_copy(s, 0, o->id, sizeof o->id);
		db_col_copy(s, 1, o->code, sizeof o->code);
		db_col_copy(s, 2, o->name, sizeof o->name);
		o->version = (long)sqlite3_column_int64(s, 3);
	}
	if (n < max && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		n = -1;
	}
	sqlite3_reset(s);
	return n;
}

enum status office_repo_get(struct db *db, const char *id, struct office *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT id, code, name, version FROM offices WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out->id, sizeof out->id);
		db_col_copy(s, 1, out->code, sizeof out->code);
		db_col_copy(s, 2, out->name, sizeof out->name);
		out->version = (long)sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个受理点") : db_fail(db, rc, e);
}

enum status terminal_repo_insert(struct db *db, const struct terminal *t, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO terminals (id, office_id, code, name, created_at, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, t->id);
	db_bind_text(s, 2, t->office_id);
	db_bind_text(s, 3, t->code);
	db_bind_text(s, 4, t->name);
	db_bind_text(s, 5, now);
	sqlite3_bind_int64(s, 6, t->version);
	return step_done(db, s, e);
}

enum status terminal_repo_get(struct db *db, const char *id, struct terminal *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT id, office_id, code, name, version FROM terminals WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out->id, sizeof out->id);
		db_col_copy(s, 1, out->office_id, sizeof out->office_id);
		db_col_copy(s, 2, out->code, sizeof out->code);
		db_col_copy(s, 3, out->name, sizeof out->name);
		out->version = (long)sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个终端") : db_fail(db, rc, e);
}
