#include "store/cert_repo.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define CERT_COLS                                                                          \
	"id, serial, subject, issuer, cn, org, algorithm, key_desc, sig_alg, not_before,"  \
	" not_after, sha256, sm3, card_id, slot, applicant_id, bound_at, bound_by,"        \
	" revoked_at, revoke_reason, version"
/* The revocation list's marks (migration 0008). */
#define CRL_COLS ", coalesce(crl_revoked_at, ''), coalesce(crl_reason, '')"

/* "SELECT <columns> FROM certificates <rest>"; `rest` is a string literal. */
#define CERT_SELECT(rest) "SELECT " CERT_COLS CRL_COLS " FROM certificates " rest

static void cert_row_read(sqlite3_stmt *s, struct cert_row *r)
{
	memset(r, 0, sizeof *r);
	db_col_copy(s, 0, r->id, sizeof r->id);
	db_col_copy(s, 1, r->serial, sizeof r->serial);
	db_col_copy(s, 2, r->subject, sizeof r->subject);
	db_col_copy(s, 3, r->issuer, sizeof r->issuer);
	db_col_copy(s, 4, r->cn, sizeof r->cn);
	db_col_copy(s, 5, r->org, sizeof r->org);
	db_col_copy(s, 6, r->algorithm, sizeof r->algorithm);
	db_col_copy(s, 7, r->key_desc, sizeof r->key_desc);
	db_col_copy(s, 8, r->sig_alg, sizeof r->sig_alg);
	db_col_copy(s, 9, r->not_before, sizeof r->not_before);
	db_col_copy(s, 10, r->not_after, sizeof r->not_after);
	db_col_copy(s, 11, r->sha256, sizeof r->sha256);
	db_col_copy(s, 12, r->sm3, sizeof r->sm3);
	db_col_copy(s, 13, r->card_id, sizeof r->card_id);
	db_col_copy(s, 14, r->slot, sizeof r->slot);
	db_col_copy(s, 15, r->applicant_id, sizeof r->applicant_id);
	db_col_copy(s, 16, r->bound_at, sizeof r->bound_at);
	db_col_copy(s, 17, r->bound_by, sizeof r->bound_by);
	db_col_copy(s, 18, r->revoked_at, sizeof r->revoked_at);
	db_col_copy(s, 19, r->revoke_reason, sizeof r->revoke_reason);
	r->version = (long)sqlite3_column_int64(s, 20);
	db_col_copy(s, 21, r->crl_revoked_at, sizeof r->crl_revoked_at);
	db_col_copy(s, 22, r->crl_reason, sizeof r->crl_reason);
	if (!clock_parse_iso(r->not_before, &r->not_before_t))
		r->not_before_t = 0;
	if (!clock_parse_iso(r->not_after, &r->not_after_t))
		r->not_after_t = 0;
}

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static int many(struct db *db, sqlite3_stmt *s, struct cert_row *out, int max, struct err *e);

static enum status one(struct db *db, sqlite3_stmt *s, struct cert_row *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		cert_row_read(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这张证书") : db_fail(db, rc, e);
}

enum status cert_repo_insert(struct db *db, const struct cert_row *r, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO certificates (id, serial, subject, issuer, cn, org, algorithm, key_desc,"
		" sig_alg, not_before, not_after, sha256, sm3, card_id, slot, applicant_id, bound_at,"
		" bound_by, revoked_at, revoke_reason, created_at, updated_at, version)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21, ?21, ?22)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, r->id);
	db_bind_text(s, 2, r->serial);
	db_bind_text(s, 3, r->subject);
	db_bind_text(s, 4, r->issuer);
	db_bind_text(s, 5, r->cn);
	db_bind_text(s, 6, r->org);
	db_bind_text(s, 7, r->algorithm);
	db_bind_text(s, 8, r->key_desc);
	db_bind_text(s, 9, r->sig_alg);
	db_bind_text(s, 10, r->not_before);
	db_bind_text(s, 11, r->not_after);
	db_bind_text(s, 12, r->sha256);
	db_bind_text(s, 13, r->sm3);
	db_bind_text(s, 14, r->card_id);
	db_bind_text(s, 15, r->slot);
	db_bind_text_or_null(s, 16, r->applicant_id);
	db_bind_text_or_null(s, 17, r->bound_at);
	db_bind_text_or_null(s, 18, r->bound_by);
	db_bind_text_or_null(s, 19, r->revoked_at);
	db_bind_text(s, 20, r->revoke_reason);
	db_bind_text(s, 21, now);
	sqlite3_bind_int64(s, 22, r->version);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return ST_OK;
	if (rc == SQLITE_CONSTRAINT &&
	    sqlite3_extended_errcode(db_handle(db)) == SQLITE_CONSTRAINT_UNIQUE)
		return err_set(e, ST_EXISTS, "这张证书已有记录");
	return db_fail(db, rc, e);
}

enum status cert_repo_bind(struct db *db, const char *id, const char *applicant_id,
			   const char *by, const char *card_id, const char *slot, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	bool bind = applicant_id && *applicant_id;
	sqlite3_stmt *s = db_prep(db,
		"UPDATE certificates SET applicant_id = ?2, bound_at = ?3, bound_by = ?4,"
		" card_id = CASE WHEN ?5 <> '' THEN ?5 ELSE card_id END,"
		" slot = CASE WHEN ?6 <> '' THEN ?6 ELSE slot END, updated_at = ?7 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text_or_null(s, 2, bind ? applicant_id : NULL);
	db_bind_text_or_null(s, 3, bind ? now : NULL);
	db_bind_text_or_null(s, 4, bind ? by : NULL);
	db_bind_text(s, 5, card_id ? card_id : "");
	db_bind_text(s, 6, slot ? slot : "");
	db_bind_text(s, 7, now);
	enum status st = done(db, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这张证书");
	return st;
}

enum status cert_repo_get(struct db *db, const char *id, struct cert_row *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, CERT_SELECT("WHERE id = ?1"), e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one(db, s, out, e);
}

enum status cert_repo_by_sha256(struct db *db, const char *sha256, struct cert_row *out,
				struct err *e)
{
	sqlite3_stmt *s = db_prep(db, CERT_SELECT("WHERE sha256 = ?1"), e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, sha256);
	return one(db, s, out, e);
}

int cert_repo_of_applicant(struct db *db, const char *applicant_id, struct cert_row *out, int max,
			   struct err *e)
{
	sqlite3_stmt *s = db_prep(db, CERT_SELECT("WHERE applicant_id = ?1"
						  " ORDER BY not_after DESC, id LIMIT ?2"), e);
	if (!s)
		return -1;
	db_bind_text(s, 1, applicant_id);
	sqlite3_bind_int(s, 2, max);
	return many(db, s, out, max, e);
}

/* Read up to max rows of a bound statement into out, then reset it. */
static int many(struct db *db, sqlite3_stmt *s, struct cert_row *out, int max, struct err *e)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		cert_row_read(s, &out[n++]);
	if (n < max && rc != SQLITE_DONE) {
		sqlite3_reset(s);
		db_fail(db, rc, e);
		return -1;
	}
	sqlite3_reset(s);
	return n;
}

long cert_repo_count_of_applicant(struct db *db, const char *applicant_id)
{
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM certificates WHERE applicant_id = ?1",
				  NULL);
	if (!s)
		return -1;
	db_bind_text(s, 1, applicant_id);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

int cert_repo_by_serial(struct db *db, const char *serial, struct cert_row *out, int max,
			struct err *e)
{
	sqlite3_stmt *s = db_prep(db, CERT_SELECT("WHERE serial = ?1"
						  " ORDER BY applicant_id IS NULL, not_after DESC, id LIMIT ?2"), e);
	if (!s)
		return -1;
	db_bind_text(s, 1, serial);
	sqlite3_bind_int(s, 2, max);
	return many(db, s, out, max, e);
}

int cert_repo_of_card(struct db *db, const char *card_id, struct cert_row *out, int max,
		      struct err *e)
{
	sqlite3_stmt *s = db_prep(db, CERT_SELECT("WHERE card_id = ?1"
						  " ORDER BY not_after DESC, id LIMIT ?2"), e);
	if (!s)
		return -1;
	db_bind_text(s, 1, card_id);
	sqlite3_bind_int(s, 2, max);
	return many(db, s, out, max, e);
}

enum status cert_repo_revoke(struct db *db, const char *id, const char *at, const char *reason,
			     struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "UPDATE certificates SET revoked_at = ?2, revoke_reason = ?3,"
				      " updated_at = ?4 WHERE id = ?1 AND revoked_at IS NULL", e);
	if (!s)
		return e->st;
	char now[21];
	clock_iso(clock_now(), now);
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, at);
	db_bind_text(s, 3, reason ? reason : "");
	db_bind_text(s, 4, now);
	enum status st = done(db, s, e);
	if (st != ST_OK || sqlite3_changes(db_handle(db)) > 0)
		return st;
	struct cert_row r;
	st = cert_repo_get(db, id, &r, e);
	return st == ST_OK ? err_set(e, ST_STATE, "这张证书已于 %.10s 注销", r.revoked_at) : st;
}
