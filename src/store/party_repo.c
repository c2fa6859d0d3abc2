#include "store/party_repo.h"

#include <stdio.h>
#include <string.h>

#include "store/name_search.h"
#include "util/clock.h"

#define APPLICANT_COLS "id, phone, name, id_number, email, address, postal_code," \
		       " portal_pw_hash <> '', phone_verified_at IS NOT NULL, office_id, created_at, version"
#define ENTERPRISE_COLS "id, credit_code, name, legal_rep, address, phone, version"

static void applicant_row(sqlite3_stmt *s, struct applicant *a)
{
	memset(a, 0, sizeof *a);
	db_col_copy(s, 0, a->id, sizeof a->id);
	db_col_copy(s, 1, a->phone, sizeof a->phone);
	db_col_copy(s, 2, a->name, sizeof a->name);
	db_col_copy(s, 3, a->id_number, sizeof a->id_number);
	db_col_copy(s, 4, a->email, sizeof a->email);
	db_col_copy(s, 5, a->address, sizeof a->address);
	db_col_copy(s, 6, a->postal_code, sizeof a->postal_code);
	a->has_portal_password = sqlite3_column_int(s, 7) != 0;
	a->verified = sqlite3_column_int(s, 8) != 0;
	db_col_copy(s, 9, a->office_id, sizeof a->office_id);
	db_col_copy(s, 10, a->created_at, sizeof a->created_at);
	a->version = (long)sqlite3_column_int64(s, 11);
}

static void enterprise_row(sqlite3_stmt *s, struct enterprise *en)
{
	memset(en, 0, sizeof *en);
	db_col_copy(s, 0, en->id, sizeof en->id);
	db_col_copy(s, 1, en->credit_code, sizeof en->credit_code);
	db_col_copy(s, 2, en->name, sizeof en->name);
	db_col_copy(s, 3, en->legal_rep, sizeof en->legal_rep);
	db_col_copy(s, 4, en->address, sizeof en->address);
	db_col_copy(s, 5, en->phone, sizeof en->phone);
	en->version = (long)sqlite3_column_int64(s, 6);
}

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static enum status changed(struct db *db, enum status st, const char *what, struct err *e)
{
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个%s", what);
	return st;
}

typedef void (*row_fn)(sqlite3_stmt *s, void *out);

static void applicant_row_v(sqlite3_stmt *s, void *out)
{
	applicant_row(s, out);
}

static void enterprise_row_v(sqlite3_stmt *s, void *out)
{
	enterprise_row(s, out);
}

static enum status one(struct db *db, sqlite3_stmt *s, row_fn fn, void *out, const char *what,
		       struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		fn(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个%s", what) : db_fail(db, rc, e);
}

enum status applicant_repo_insert(struct db *db, const struct applicant *a, const char *pw_hash,
				  const char *verified_at, const char *created_by, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO applicants (id, phone, name, id_number, email, address, postal_code,"
		" portal_pw_hash, phone_verified_at, office_id, created_by, created_at, updated_at,"
		" version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	db_bind_text(s, 2, a->phone);
	db_bind_text(s, 3, a->name);
	db_bind_text(s, 4, a->id_number);
	db_bind_text(s, 5, a->email);
	db_bind_text(s, 6, a->address);
	db_bind_text(s, 7, a->postal_code);
	db_bind_text(s, 8, pw_hash ? pw_hash : "");
	db_bind_text_or_null(s, 9, verified_at);
	db_bind_text(s, 10, a->office_id);
	db_bind_text(s, 11, created_by);
	db_bind_text(s, 12, now);
	sqlite3_bind_int64(s, 13, a->version);
	return done(db, s, e);
}

enum status applicant_repo_update(struct db *db, const struct applicant *a, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"UPDATE applicants SET name = ?2, id_number = ?3, email = ?4, address = ?5,"
		" postal_code = ?6, updated_at = ?7 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->id);
	db_bind_text(s, 2, a->name);
	db_bind_text(s, 3, a->id_number);
	db_bind_text(s, 4, a->email);
	db_bind_text(s, 5, a->address);
	db_bind_text(s, 6, a->postal_code);
	db_bind_text(s, 7, now);
	return changed(db, done(db, s, e), "申请人", e);
}

enum status applicant_repo_set_password(struct db *db, const char *id, const char *pw_hash,
					struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE applicants SET portal_pw_hash = ?2, updated_at = ?3"
				      " WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, pw_hash);
	db_bind_text(s, 3, now);
	return changed(db, done(db, s, e), "申请人", e);
}

enum status applicant_repo_get(struct db *db, const char *id, struct applicant *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " APPLICANT_COLS " FROM applicants WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one(db, s, applicant_row_v, out, "申请人", e);
}

enum status applicant_repo_by_phone(struct db *db, const char *phone, struct applicant *out,
				    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " APPLICANT_COLS " FROM applicants WHERE phone = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, phone);
	return one(db, s, applicant_row_v, out, "申请人", e);
}

int applicant_repo_find(struct db *db, const char *id_number, const char *name, enum page_dir dir,
			const char *key, struct applicant *out, int max, struct err *e)
{
	/*
	 * The key is "name\x1fid"; rows sort by (name, id). An ID number and a
	 * name are separate statements: in one statement joined by OR the
	 * planner can use no index for the ID number and reads every
	 * applicant (0.6 s at 300,000). `id_number <> ''` lets the partial
	 * index applicants_id_number serve the equality.
	 */
	static const char *const by_id[] = {
		[PAGE_FIRST] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id_number = ?1"
			       " AND id_number <> '' ORDER BY name, id LIMIT ?5",
		[PAGE_LAST] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id_number = ?1"
			      " AND id_number <> '' ORDER BY name DESC, id DESC LIMIT ?5",
		[PAGE_AFTER] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id_number = ?1"
			       " AND id_number <> '' AND (name, id) > (?3, ?4) ORDER BY name, id LIMIT ?5",
		[PAGE_BEFORE] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id_number = ?1"
				" AND id_number <> '' AND (name, id) < (?3, ?4)"
				" ORDER BY name DESC, id DESC LIMIT ?5",
		[PAGE_AT] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id_number = ?1"
			    " AND id_number <> '' AND (name, id) >= (?3, ?4) ORDER BY name, id LIMIT ?5",
	};
	/*
	 * A name: the applicants holding its rarest 2-character piece
	 * (name_search.h), checked with LIKE when it is longer. Few: fetched
	 * and sorted; many (more than NAME_BROAD_PARTIES): the (name, id)
	 * index read in order and checked against them ('+' keeps the planner
	 * from fetching them all first), which stops at a page.
	 */
#define BY_NAME(plus, like) { \
		[PAGE_FIRST] = "SELECT " APPLICANT_COLS " FROM applicants WHERE " plus GRAM_IN like \
			       " ORDER BY name, id LIMIT ?5", \
		[PAGE_LAST] = "SELECT " APPLICANT_COLS " FROM applicants WHERE " plus GRAM_IN like \
			      " ORDER BY name DESC, id DESC LIMIT ?5", \
		[PAGE_AFTER] = "SELECT " APPLICANT_COLS " FROM applicants WHERE " plus GRAM_IN like \
			       " AND (name, id) > (?3, ?4) ORDER BY name, id LIMIT ?5", \
		[PAGE_BEFORE] = "SELECT " APPLICANT_COLS " FROM applicants WHERE " plus GRAM_IN like \
				" AND (name, id) < (?3, ?4) ORDER BY name DESC, id DESC LIMIT ?5", \
		[PAGE_AT] = "SELECT " APPLICANT_COLS " FROM applicants WHERE " plus GRAM_IN like \
			    " AND (name, id) >= (?3, ?4) ORDER BY name, id LIMIT ?5", \
	}
#define GRAM_IN "id IN (SELECT party_id FROM name_grams WHERE gram = ?2 AND kind = 1)"
#define LIKE_Q " AND name LIKE ?6 ESCAPE '\\'"
	static const char *const by_name[2][2][5] = { /* [longer][broad][dir] */
		{ BY_NAME("", ""), BY_NAME("+", "") },
		{ BY_NAME("", LIKE_Q), BY_NAME("+", LIKE_Q) },
	};
#undef BY_NAME
#undef GRAM_IN
#undef LIKE_Q
	bool by_number = id_number && *id_number;
	if (!by_number && !(name && *name))
		return 0;
	struct name_query nq = { 0 };
	if (!by_number && name_query_make(db, name, NAME_APPLICANT, &nq, e) != ST_OK)
		return -1;
	sqlite3_stmt *s = db_prep(db, by_number ? by_id[dir] : by_name[nq.longer][nq.broad][dir], e);
	if (!s)
		return -1;
	db_bind_text(s, 1, id_number ? id_number : "");
	if (!by_number)
		db_bind_text(s, 2, nq.gram);
	if (!by_number && nq.longer)
		db_bind_text(s, 6, nq.like);
	char kname[PERSON_NAME_MAX] = "", kid[UUID_LEN + 1] = "";
	const char *sep = key ? strchr(key, '\x1f') : NULL;
	if (sep) {
		snprintf(kname, sizeof kname, "%.*s", (int)(sep - key), key);
		snprintf(kid, sizeof kid, "%s", sep + 1);
	}
	db_bind_text(s, 3, kname);
	db_bind_text(s, 4, kid);
	sqlite3_bind_int(s, 5, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		applicant_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

int applicant_repo_page(struct db *db, enum page_dir dir, const char *key, struct applicant *out,
			int max, struct err *e)
{
	static const char *const sql[] = {
		[PAGE_FIRST] = "SELECT " APPLICANT_COLS " FROM applicants ORDER BY id LIMIT ?2",
		[PAGE_LAST] = "SELECT " APPLICANT_COLS " FROM applicants ORDER BY id DESC LIMIT ?2",
		[PAGE_AFTER] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id > ?1"
			       " ORDER BY id LIMIT ?2",
		[PAGE_BEFORE] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id < ?1"
				" ORDER BY id DESC LIMIT ?2",
		[PAGE_AT] = "SELECT " APPLICANT_COLS " FROM applicants WHERE id >= ?1"
			    " ORDER BY id LIMIT ?2",
	};
	sqlite3_stmt *s = db_prep(db, sql[dir], e);
	if (!s)
		return -1;
	if (dir == PAGE_AFTER || dir == PAGE_BEFORE || dir == PAGE_AT)
		db_bind_text(s, 1, key ? key : "");
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		applicant_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

long applicant_repo_count(struct db *db)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM applicants", &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

enum status enterprise_repo_insert(struct db *db, const struct enterprise *en, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO enterprises (id, credit_code, name, legal_rep, address, phone, created_at,"
		" updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, en->id);
	db_bind_text(s, 2, en->credit_code);
	db_bind_text(s, 3, en->name);
	db_bind_text(s, 4, en->legal_rep);
	db_bind_text(s, 5, en->address);
	db_bind_text(s, 6, en->phone);
	db_bind_text(s, 7, now);
	sqlite3_bind_int64(s, 8, en->version);
	return done(db, s, e);
}

enum status enterprise_repo_update(struct db *db, const struct enterprise *en, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"UPDATE enterprises SET name = ?2, legal_rep = ?3, address = ?4, phone = ?5,"
		" updated_at = ?6 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, en->id);
	db_bind_text(s, 2, en->name);
	db_bind_text(s, 3, en->legal_rep);
	db_bind_text(s, 4, en->address);
	db_bind_text(s, 5, en->phone);
	db_bind_text(s, 6, now);
	return changed(db, done(db, s, e), "企业", e);
}

enum status enterprise_repo_get(struct db *db, const char *id, struct enterprise *out,
				struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ENTERPRISE_COLS " FROM enterprises WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one(db, s, enterprise_row_v, out, "企业", e);
}

enum status enterprise_repo_by_code(struct db *db, const char *credit_code, struct enterprise *out,
				    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ENTERPRISE_COLS " FROM enterprises"
				      " WHERE credit_code = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, credit_code);
	return one(db, s, enterprise_row_v, out, "企业", e);
}

enum status enterprise_repo_link(struct db *db, const char *applicant_id, const char *enterprise_id,
				 struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "INSERT OR IGNORE INTO applicant_enterprises"
				      " (applicant_id, enterprise_id, created_at) VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, applicant_id);
	db_bind_text(s, 2, enterprise_id);
	db_bind_text(s, 3, now);
	return done(db, s, e);
}

int enterprise_repo_of_applicant(struct db *db, const char *applicant_id, struct enterprise *out,
				 int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT e.id, e.credit_code, e.name, e.legal_rep, e.address, e.phone, e.version"
		" FROM applicant_enterprises l JOIN enterprises e ON e.id = l.enterprise_id"
		" WHERE l.applicant_id = ?1 ORDER BY e.name LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, applicant_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		enterprise_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}
