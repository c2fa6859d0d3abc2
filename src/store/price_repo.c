#include "store/price_repo.h"

#include <string.h>

#include "util/clock.h"

#define PRICE_COLS "id, kind, subject, years, price_fen, active, version"

static void price_row(sqlite3_stmt *s, struct price *p)
{
	memset(p, 0, sizeof *p);
	db_col_copy(s, 0, p->id, sizeof p->id);
	app_kind_parse(db_col_text(s, 1), &p->kind);
	app_subject_parse(db_col_text(s, 2), &p->subject);
	p->years = sqlite3_column_int(s, 3);
	p->fen = sqlite3_column_int64(s, 4);
	p->active = sqlite3_column_int(s, 5) != 0;
	p->version = (long)sqlite3_column_int64(s, 6);
}

enum status price_repo_put(struct db *db, const struct price *p, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO price_list (id, kind, subject, years, price_fen, active, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (kind, subject, years) DO UPDATE"
		" SET price_fen = excluded.price_fen, active = excluded.active,"
		" updated_at = excluded.updated_at", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, p->id);
	db_bind_text(s, 2, app_kind_code(p->kind));
	db_bind_text(s, 3, app_subject_code(p->subject));
	sqlite3_bind_int(s, 4, p->years);
	sqlite3_bind_int64(s, 5, p->fen);
	sqlite3_bind_int(s, 6, p->active);
	db_bind_text(s, 7, now);
	sqlite3_bind_int64(s, 8, p->version);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

enum status price_repo_find(struct db *db, enum app_kind k, enum app_subject sj, int years,
			    struct price *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " PRICE_COLS " FROM price_list WHERE kind = ?1"
				      " AND subject = ?2 AND years = ?3 AND active", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, app_kind_code(k));
	db_bind_text(s, 2, app_subject_code(sj));
	sqlite3_bind_int(s, 3, years);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		price_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (years > 0)
		return err_field(e, "years", ST_NOT_FOUND, "价目表中没有%s%s %d 年的价格",
				 app_subject_label(sj), app_kind_label(k), years);
	return err_set(e, ST_NOT_FOUND, "价目表中没有%s%s的价格", app_subject_label(sj),
		       app_kind_label(k));
}

static int many(struct db *db, sqlite3_stmt *s, struct price *out, int max, struct err *e)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		price_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

int price_repo_options(struct db *db, enum app_kind k, enum app_subject sj, struct price *out,
		       int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " PRICE_COLS " FROM price_list WHERE kind = ?1"
				      " AND subject = ?2 AND active ORDER BY years", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, app_kind_code(k));
	db_bind_text(s, 2, app_subject_code(sj));
	return many(db, s, out, max, e);
}

int price_repo_all(struct db *db, struct price *out, int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " PRICE_COLS " FROM price_list"
				      " ORDER BY kind, subject, years", e);
	if (!s)
		return -1;
	return many(db, s, out, max, e);
}

long price_repo_count(struct db *db)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM price_list", &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}
