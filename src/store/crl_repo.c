#include "store/crl_repo.h"

#include <stdio.h>
#include <string.h>

#include "model/crl.h"
#include "util/clock.h"

enum status crl_repo_info(struct db *db, struct crl_info *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = db_prep(db,
		"SELECT i.issuer, i.crl_number, i.this_update, coalesce(i.next_update, ''), i.entries,"
		" i.sha256, i.sig_alg, i.source, i.imported_at, i.imported_by, coalesce(s.name, ''),"
		/* marked now, not at the import: certificates read since count too */
		" (SELECT count(*) FROM certificates c WHERE c.crl_revoked_at IS NOT NULL"
		" AND c.issuer = i.issuer)"
		" FROM crl_info i LEFT JOIN staff s ON s.id = i.imported_by WHERE i.id = 1",
		e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out->issuer, sizeof out->issuer);
		db_col_copy(s, 1, out->crl_number, sizeof out->crl_number);
		db_col_copy(s, 2, out->this_update, sizeof out->this_update);
		db_col_copy(s, 3, out->next_update, sizeof out->next_update);
		out->entries = (long)sqlite3_column_int64(s, 4);
		db_col_copy(s, 5, out->sha256, sizeof out->sha256);
		db_col_copy(s, 6, out->sig_alg, sizeof out->sig_alg);
		db_col_copy(s, 7, out->source, sizeof out->source);
		db_col_copy(s, 8, out->imported_at, sizeof out->imported_at);
		db_col_copy(s, 9, out->imported_by, sizeof out->imported_by);
		db_col_copy(s, 10, out->imported_by_name, sizeof out->imported_by_name);
		out->marked = (long)sqlite3_column_int64(s, 11);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return err_set(e, ST_NOT_FOUND, "本机尚未导入证书吊销列表");
}

static enum status step_done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static enum status run(struct db *db, const char *sql, const char *issuer, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, sql, e);
	if (!s)
		return e->st;
	if (issuer)
		db_bind_text(s, 1, issuer);
	return step_done(db, s, e);
}

static enum status put_entries(struct db *db, const struct crl *c, struct err *e)
{
	enum status st = run(db, "DELETE FROM crl_entries", NULL, e);
	if (st != ST_OK)
		return st;
	/* A list may name a serial twice (re-revoked with another reason);
	 * the later entry wins. */
	sqlite3_stmt *s = db_prep(db, "INSERT INTO crl_entries (serial, revoked_at, reason)"
				      " VALUES (?1, ?2, ?3) ON CONFLICT (serial) DO UPDATE SET"
				      " revoked_at = excluded.revoked_at, reason = excluded.reason", e);
	if (!s)
		return e->st;
	for (size_t i = 0; i < c->n; i++) {
		const struct crl_entry *en = &c->entries[i];
		char at[21];
		clock_iso(en->revoked, at);
		sqlite3_bind_text(s, 1, en->serial, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, crl_reason_code(en->reason), -1, SQLITE_STATIC);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return db_fail(db, rc, e);
	}
	sqlite3_clear_bindings(s);
	return ST_OK;
}

enum status crl_repo_replace(struct db *db, const struct crl *c, const struct crl_info *info,
			     long *marked, struct err *e)
{
	enum status st = put_entries(db, c, e);
	/* Mark what the list names (only rows whose mark changes are written),
	 * then release the holds it no longer names. */
	if (st == ST_OK)
		st = run(db,
			 "UPDATE certificates SET crl_revoked_at = x.revoked_at, crl_reason = x.reason"
			 " FROM crl_entries x WHERE certificates.serial = x.serial"
			 " AND certificates.issuer = ?1 AND (certificates.crl_revoked_at IS NOT x.revoked_at"
			 " OR certificates.crl_reason IS NOT x.reason)", c->issuer, e);
	if (st == ST_OK)
		st = run(db,
			 "UPDATE certificates SET crl_revoked_at = NULL, crl_reason = ''"
			 " WHERE issuer = ?1 AND crl_revoked_at IS NOT NULL"
			 " AND crl_reason = 'certificateHold'"
			 " AND NOT EXISTS (SELECT 1 FROM crl_entries x WHERE x.serial = certificates.serial)",
			 c->issuer, e);
	long n = 0;
	if (st == ST_OK) {
		sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM certificates c"
					      " JOIN crl_entries x ON x.serial = c.serial"
					      " WHERE c.issuer = ?1", e);
		if (!s)
			return e->st;
		db_bind_text(s, 1, c->issuer);
		int rc = sqlite3_step(s);
		n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW)
			return db_fail(db, rc, e);
	}
	if (st != ST_OK)
		return st;
	char this_update[21], next_update[21];
	clock_iso(c->this_update, this_update);
	if (c->next_update)
		clock_iso(c->next_update, next_update);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO crl_info (id, issuer, crl_number, this_update, next_update, entries,"
		" sha256, sig_alg, source, imported_at, imported_by, marked)"
		" VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer,"
		" crl_number = excluded.crl_number, this_update = excluded.this_update,"
		" next_update = excluded.next_update, entries = excluded.entries,"
		" sha256 = excluded.sha256, sig_alg = excluded.sig_alg, source = excluded.source,"
		" imported_at = excluded.imported_at, imported_by = excluded.imported_by,"
		" marked = excluded.marked", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, c->issuer);
	db_bind_text(s, 2, c->number);
	db_bind_text(s, 3, this_update);
	if (c->next_update)
		db_bind_text(s, 4, next_update);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)c->n);
	db_bind_text(s, 6, c->sha256);
	db_bind_text(s, 7, c->sig_alg);
	db_bind_text(s, 8, info->source);
	db_bind_text(s, 9, info->imported_at);
	db_bind_text(s, 10, info->imported_by);
	sqlite3_bind_int64(s, 11, n);
	st = step_done(db, s, e);
	if (st == ST_OK && marked)
		*marked = n;
	return st;
}

enum status crl_repo_lookup(struct db *db, const char *serial, struct crl_hit *out,
			    struct err *e)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *s = db_prep(db, "SELECT serial, revoked_at, reason FROM crl_entries"
				      " WHERE serial = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, serial);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, out->serial, sizeof out->serial);
		db_col_copy(s, 1, out->revoked_at, sizeof out->revoked_at);
		db_col_copy(s, 2, out->reason, sizeof out->reason);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return err_set(e, ST_NOT_FOUND, "吊销列表中没有序列号 %.40s", serial);
}

#define CERT_COLS                                                                        \
	"id, serial, CASE WHEN org <> '' THEN org ELSE cn END, cn, issuer, not_after,"  \
	" coalesce(crl_revoked_at, ''), crl_reason"

static void cert_row(sqlite3_stmt *s, struct crl_cert *c)
{
	memset(c, 0, sizeof *c);
	db_col_copy(s, 0, c->id, sizeof c->id);
	db_col_copy(s, 1, c->serial, sizeof c->serial);
	db_col_copy(s, 2, c->subject_name, sizeof c->subject_name);
	db_col_copy(s, 3, c->cn, sizeof c->cn);
	db_col_copy(s, 4, c->issuer, sizeof c->issuer);
	db_col_copy(s, 5, c->not_after, sizeof c->not_after);
	db_col_copy(s, 6, c->crl_revoked_at, sizeof c->crl_revoked_at);
	db_col_copy(s, 7, c->crl_reason, sizeof c->crl_reason);
}

static int many(struct db *db, sqlite3_stmt *s, struct crl_cert *out, int max, struct err *e)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		cert_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

int crl_repo_certs_by_serial(struct db *db, const char *serial, struct crl_cert *out, int max,
			     struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " CERT_COLS " FROM certificates WHERE serial = ?1"
				      " ORDER BY not_after DESC LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, serial);
	sqlite3_bind_int(s, 2, max);
	return many(db, s, out, max, e);
}

int crl_repo_marked_page(struct db *db, enum page_dir dir, const char *key, struct crl_cert *out,
			 int max, struct err *e)
{
	/* Newest revocation first: "forward" is descending (revoked_at, id). */
	static const char *const sql[] = {
		[PAGE_FIRST] = "SELECT " CERT_COLS " FROM certificates WHERE crl_revoked_at IS NOT NULL"
			       " ORDER BY crl_revoked_at DESC, id DESC LIMIT ?3",
		[PAGE_LAST] = "SELECT " CERT_COLS " FROM certificates WHERE crl_revoked_at IS NOT NULL"
			      " ORDER BY crl_revoked_at, id LIMIT ?3",
		[PAGE_AFTER] = "SELECT " CERT_COLS " FROM certificates WHERE crl_revoked_at IS NOT NULL"
			       " AND (crl_revoked_at, id) < (?1, ?2)"
			       " ORDER BY crl_revoked_at DESC, id DESC LIMIT ?3",
		[PAGE_BEFORE] = "SELECT " CERT_COLS " FROM certificates WHERE crl_revoked_at IS NOT NULL"
				" AND (crl_revoked_at, id) > (?1, ?2) ORDER BY crl_revoked_at, id LIMIT ?3",
		[PAGE_AT] = "SELECT " CERT_COLS " FROM certificates WHERE crl_revoked_at IS NOT NULL"
			    " AND (crl_revoked_at, id) <= (?1, ?2)"
			    " ORDER BY crl_revoked_at DESC, id DESC LIMIT ?3",
	};
	if ((unsigned)dir > PAGE_AT)
		dir = PAGE_FIRST;
	sqlite3_stmt *s = db_prep(db, sql[dir], e);
	if (!s)
		return -1;
	if (dir != PAGE_FIRST && dir != PAGE_LAST) {
		char at[21] = "";
		const char *bar = key ? strchr(key, '|') : NULL;
		if (bar && bar - key < (long)sizeof at)
			memcpy(at, key, (size_t)(bar - key)), at[bar - key] = '\0';
		db_bind_text(s, 1, at);
		db_bind_text(s, 2, bar ? bar + 1 : "");
	}
	sqlite3_bind_int(s, 3, max);
	int n = many(db, s, out, max, e);
	if (n > 0)
		page_order(dir, out, sizeof out[0], n);
	return n;
}

long crl_repo_marked_count(struct db *db)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM certificates"
				      " WHERE crl_revoked_at IS NOT NULL", &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}
