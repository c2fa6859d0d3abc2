#include "store/lifecycle_repo.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* The worklist row: the certificate, its applicant, who bound it, its
 * newest contact and whether someone marked it contacted. */
#define ROW_COLS                                                                             \
	"c.id, c.serial, c.cn, c.org, c.issuer, c.algorithm, c.not_before, c.not_after,"     \
	" coalesce(c.applicant_id, ''), coalesce(p.name, ''), coalesce(p.phone, ''),"        \
	" coalesce(p.office_id, ''), coalesce(c.bound_at, ''),"                              \
	" coalesce((SELECT s.name FROM staff s WHERE s.id = c.bound_by), ''),"               \
	" coalesce(c.revoked_at, ''), c.revoke_reason,"                                      \
	" coalesce((SELECT k.created_at || ' ' || k.kind FROM certificate_contacts k"        \
	"   WHERE k.certificate_id = c.id ORDER BY k.created_at DESC, k.id DESC LIMIT 1), '')," \
	" EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = c.id"        \
	"   AND k.kind = 'contact')"

/* A live renewal or revocation application names the certificate.
 * `cert_serial <> ''` lets SQLite use the partial index applications_serial
 * (migration 0009). The triggers of migration 0013 (expiry_handled) repeat
 * this definition: change both or neither. */
#define HANDLED(serial)                                                                   \
	"EXISTS (SELECT 1 FROM applications a WHERE a.cert_serial = " serial                 \
	" AND a.cert_serial <> '' AND a.kind IN ('renewal', 'revoke')"                       \
	" AND a.status NOT IN ('draft', 'cancelled'))"

/* The worklist: bound, not revoked, in the window, not handled; the
 * applicant's office; contacted or not. `revoked_at IS NULL` as written
 * lets SQLite read the partial index certificates_live. */
#define WHERE                                                                                \
	" FROM certificates c JOIN applicants p ON p.id = c.applicant_id"                    \
	" WHERE c.revoked_at IS NULL AND c.applicant_id IS NOT NULL"                         \
	" AND c.not_after >= ?1 AND c.not_after <= ?2"                                       \
	" AND (?3 = '' OR p.office_id = ?3)"                                                 \
	" AND (?4 = 0 OR (?4 = 2) = EXISTS (SELECT 1 FROM certificate_contacts k"            \
	"   WHERE k.certificate_id = c.id AND k.kind = 'contact'))"                          \
	" AND NOT " HANDLED("c.serial")

#define PAGE_SQL(tail) "SELECT " ROW_COLS WHERE tail

static const char *const page_sql[] = {
	[PAGE_FIRST] = PAGE_SQL(" ORDER BY c.not_after, c.id LIMIT ?7"),
	[PAGE_LAST] = PAGE_SQL(" ORDER BY c.not_after DESC, c.id DESC LIMIT ?7"),
	[PAGE_AFTER] = PAGE_SQL(" AND (c.not_after, c.id) > (?5, ?6)"
				" ORDER BY c.not_after, c.id LIMIT ?7"),
	[PAGE_BEFORE] = PAGE_SQL(" AND (c.not_after, c.id) < (?5, ?6)"
				 " ORDER BY c.not_after DESC, c.id DESC LIMIT ?7"),
	[PAGE_AT] = PAGE_SQL(" AND (c.not_after, c.id) >= (?5, ?6)"
			     " ORDER BY c.not_after, c.id LIMIT ?7"),
};

/*
 * The same pages of one office, from expiry_certs (migration 0013: the
 * live bound certificates with their applicant's office, contacted and
 * handled, kept by triggers) through its index expiry_certs_office
 * (migration 0014: office_id, contacted, not_after, certificate_id, for
 * handled = 0). Each contacted value is one range of that index in the
 * page's order, at most ?7 entries long; the two are merged (a filter on
 * contacted leaves one of them empty: its constant term is false), and
 * only the page's certificates and applicants are read. Walking the
 * window over the base tables instead reads every certificate of the
 * window to keep an office's few: 0.87 s a page for 90 days at a million
 * applications.
 *
 * Each range has one lower and one upper bound on not_after, so that
 * SQLite seeks to the key rather than starting from the window's edge
 * (given `not_after >= lo` beside `(not_after, id) > key`, it takes the
 * first and filters on the second): lifecycle_repo_page drops the bound
 * the key implies, after moving a key from outside the window onto its
 * edge.
 */
#define OFFICE_RANGE(contacted, skip, bounds, order)                                         \
	"SELECT * FROM (SELECT w.certificate_id, w.not_after FROM expiry_certs w"            \
	" WHERE w.handled = 0 AND w.office_id = ?3 AND w.contacted = " contacted             \
	" AND ?4 <> " skip " AND " bounds " ORDER BY " order " LIMIT ?7)"
#define OFFICE_SQL(bounds, asc)                                                              \
	"SELECT " ROW_COLS " FROM (" OFFICE_RANGE("0", "2", bounds,                          \
						  "w.not_after" asc ", w.certificate_id" asc)  \
	" UNION ALL " OFFICE_RANGE("1", "1", bounds, "w.not_after" asc ", w.certificate_id" asc) \
	" ORDER BY 2" asc ", 1" asc " LIMIT ?7) k"                                           \
	" JOIN certificates c ON c.id = k.certificate_id"                                    \
	" JOIN applicants p ON p.id = c.applicant_id"                                        \
	" ORDER BY k.not_after" asc ", k.certificate_id" asc

static const char *const office_sql[] = {
	[PAGE_FIRST] = OFFICE_SQL("w.not_after >= ?1 AND w.not_after <= ?2", ""),
	[PAGE_LAST] = OFFICE_SQL("w.not_after >= ?1 AND w.not_after <= ?2", " DESC"),
	[PAGE_AFTER] = OFFICE_SQL("(w.not_after, w.certificate_id) > (?5, ?6)"
				  " AND w.not_after <= ?2", ""),
	[PAGE_BEFORE] = OFFICE_SQL("w.not_after >= ?1"
				   " AND (w.not_after, w.certificate_id) < (?5, ?6)", " DESC"),
	[PAGE_AT] = OFFICE_SQL("(w.not_after, w.certificate_id) >= (?5, ?6)"
			       " AND w.not_after <= ?2", ""),
};
/*
 * The counts read expiry_certs (migration 0013): every live bound
 * certificate with its applicant's office, whether it was marked contacted
 * and whether a live renewal or revocation names its serial, kept by
 * triggers. Each window is one range of the partial covering index
 * expiry_certs_open (handled = 0), or for one office one or two of
 * expiry_certs_office, so a count reads only the certificates the
 * worklist lists in that window, never a certificate's, applicant's or
 * application's row. The four counts are subqueries of one statement: one
 * read, one moment. They must equal the worklist's pages (WHERE above), and
 * tests/unit/test_lifecycle_counts.c holds them to it.
 */
#define COUNT_ONE(lo, hi, office, contacted)                                                 \
	"(SELECT count(*) FROM expiry_certs w WHERE w.handled = 0"                           \
	" AND w.not_after >= " lo " AND w.not_after <= " hi office contacted ")"
#define COUNTS_SQL(office, contacted)                                                        \
	"SELECT " COUNT_ONE("?5", "?6", office, contacted) ","                               \
	" " COUNT_ONE("?7", "?8", office, contacted) ","                                     \
	" " COUNT_ONE("?9", "?10", office, contacted) ","                                    \
	" " COUNT_ONE("?11", "?12", office, contacted)
#define COUNTS_OFFICE " AND w.office_id = ?3"
#define COUNTS_CONTACTED " AND w.contacted = (?4 = 2)"
/* One office: ranges of expiry_certs_office (migration 0014) under
 * (office_id, contacted), which hold that office's rows alone; without a
 * contacted filter, the sum of its two. (Left to choose, SQLite reads the
 * office's whole part of that index for each window.) */
#define COUNT_OFFICE(lo, hi)                                                                 \
	"(" COUNT_ONE(lo, hi, COUNTS_OFFICE, " AND w.contacted = 0") " + "                   \
	COUNT_ONE(lo, hi, COUNTS_OFFICE, " AND w.contacted = 1") ")"
#define COUNTS_OFFICE_ANY                                                                    \
	"SELECT " COUNT_OFFICE("?5", "?6") ", " COUNT_OFFICE("?7", "?8") ","                \
	" " COUNT_OFFICE("?9", "?10") ", " COUNT_OFFICE("?11", "?12")
/* [office set][contacted set] */
static const char *const counts_sql[2][2] = {
	{ COUNTS_SQL("", ""), COUNTS_SQL("", COUNTS_CONTACTED) },
	{ COUNTS_OFFICE_ANY, COUNTS_SQL(COUNTS_OFFICE, COUNTS_CONTACTED) },
};

static void row_read(sqlite3_stmt *s, struct lc_row *r)
{
	memset(r, 0, sizeof *r);
	int i = 0;
	db_col_copy(s, i++, r->id, sizeof r->id);
	db_col_copy(s, i++, r->serial, sizeof r->serial);
	db_col_copy(s, i++, r->cn, sizeof r->cn);
	db_col_copy(s, i++, r->org, sizeof r->org);
	db_col_copy(s, i++, r->issuer, sizeof r->issuer);
	db_col_copy(s, i++, r->algorithm, sizeof r->algorithm);
	db_col_copy(s, i++, r->not_before, sizeof r->not_before);
	db_col_copy(s, i++, r->not_after, sizeof r->not_after);
	db_col_copy(s, i++, r->applicant_id, sizeof r->applicant_id);
	db_col_copy(s, i++, r->applicant_name, sizeof r->applicant_name);
	db_col_copy(s, i++, r->applicant_phone, sizeof r->applicant_phone);
	db_col_copy(s, i++, r->office_id, sizeof r->office_id);
	db_col_copy(s, i++, r->bound_at, sizeof r->bound_at);
	db_col_copy(s, i++, r->bound_by_name, sizeof r->bound_by_name);
	db_col_copy(s, i++, r->revoked_at, sizeof r->revoked_at);
	db_col_copy(s, i++, r->revoke_reason, sizeof r->revoke_reason);
	/* "2026-06-01T02:00:00Z sms" */
	const char *last = db_col_text(s, i++);
	const char *sp = strchr(last, ' ');
	if (sp && sp - last < (long)sizeof r->last_contact_at) {
		snprintf(r->last_contact_at, sizeof r->last_contact_at, "%.*s", (int)(sp - last), last);
		snprintf(r->last_contact_kind, sizeof r->last_contact_kind, "%s", sp + 1);
	}
	r->contacted = sqlite3_column_int(s, i++) != 0;
	if (!clock_parse_iso(r->not_before, &r->not_before_t))
		r->not_before_t = 0;
	if (!clock_parse_iso(r->not_after, &r->not_after_t))
		r->not_after_t = 0;
}

static void bind_where(sqlite3_stmt *s, const struct lc_where *w)
{
	/* Open bounds as text below and above every time: a plain range, so
	 * that SQLite reads the index from lo to hi. */
	db_bind_text(s, 1, w->lo && *w->lo ? w->lo : "0");
	db_bind_text(s, 2, w->hi && *w->hi ? w->hi : "9");
	db_bind_text(s, 3, w->office_id ? w->office_id : "");
	sqlite3_bind_int(s, 4, w->contacted);
}

/* Step a statement into rows; returns the number read or -1. */
static int read_rows(struct db *db, sqlite3_stmt *s, struct lc_row *out, int max, struct err *e)
{
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		row_read(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

void lifecycle_repo_key(const struct lc_row *r, char out[LC_KEY_MAX])
{
	snprintf(out, LC_KEY_MAX, "%s|%s", r->not_after, r->id);
}

/* Split "not_after|id". */
static void split_key(const char *key, char at[32], char id[UUID_LEN + 1])
{
	at[0] = id[0] = '\0';
	const char *bar = key ? strchr(key, '|') : NULL;
	if (!bar)
		return;
	snprintf(at, 32, "%.*s", (int)(bar - key < 31 ? bar - key : 31), key);
	snprintf(id, UUID_LEN + 1, "%s", bar + 1);
}

/* Run one of the page statements (sql, indexed by dir) with the key
 * (at, id). */
static int page_run(struct db *db, const char *const *sql, const struct lc_where *w,
		    enum page_dir dir, const char *at, const char *id, struct lc_row *out, int max,
		    struct err *e)
{
	sqlite3_stmt *s = db_prep(db, sql[dir], e);
	if (!s)
		return -1;
	bind_where(s, w);
	db_bind_text(s, 5, at);
	db_bind_text(s, 6, id);
	sqlite3_bind_int(s, 7, max);
	int n = read_rows(db, s, out, max, e);
	if (n > 0)
		page_order(dir, out, sizeof *out, n);
	return n;
}

int lifecycle_repo_page_def(struct db *db, const struct lc_where *w, enum page_dir dir,
			    const char *key, struct lc_row *out, int max, struct err *e)
{
	if ((unsigned)dir > PAGE_AT)
		return err_status(e, ST_INTERNAL), -1;
	char at[32], id[UUID_LEN + 1];
	split_key(key, at, id);
	return page_run(db, page_sql, w, dir, at, id, out, max, e);
}

int lifecycle_repo_page(struct db *db, const struct lc_where *w, enum page_dir dir,
			const char *key, struct lc_row *out, int max, struct err *e)
{
	if (!w->office_id || !*w->office_id)
		return lifecycle_repo_page_def(db, w, dir, key, out, max, e);
	if ((unsigned)dir > PAGE_AT)
		return err_status(e, ST_INTERNAL), -1;
	char at[32], id[UUID_LEN + 1];
	split_key(key, at, id);
	/* office_sql's ranges: the key replaces the window's bound on its
	 * side, so it must not lie beyond that bound. Ids are never "", so
	 * (lo, "") after or at is not_after >= lo; a key after the window's
	 * end puts every row of it before the key. */
	const char *lo = w->lo && *w->lo ? w->lo : "0", *hi = w->hi && *w->hi ? w->hi : "9";
	if ((dir == PAGE_AFTER || dir == PAGE_AT) && strcmp(at, lo) < 0) {
		snprintf(at, sizeof at, "%s", lo);
		id[0] = '\0';
	} else if (dir == PAGE_BEFORE && strcmp(at, hi) > 0) {
		dir = PAGE_LAST;
	}
	return page_run(db, office_sql, w, dir, at, id, out, max, e);
}

enum status lifecycle_repo_counts(struct db *db, const struct lc_where *w,
				  const char *const bounds[4][2], long out[4], struct err *e)
{
	for (int i = 0; i < 4; i++)
		out[i] = -1;
	bool office = w->office_id && *w->office_id;
	sqlite3_stmt *s = db_prep(db, counts_sql[office][w->contacted != 0], e);
	if (!s)
		return e->st;
	bind_where(s, w);
	for (int i = 0; i < 4; i++) {
		db_bind_text(s, 5 + 2 * i, bounds[i][0] && *bounds[i][0] ? bounds[i][0] : "0");
		db_bind_text(s, 6 + 2 * i, bounds[i][1] && *bounds[i][1] ? bounds[i][1] : "9");
	}
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		for (int i = 0; i < 4; i++)
			out[i] = (long)sqlite3_column_int64(s, i);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ST_OK : db_fail(db, rc, e);
}

enum status lifecycle_repo_get(struct db *db, const char *id, struct lc_row *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ROW_COLS " FROM certificates c"
				      " LEFT JOIN applicants p ON p.id = c.applicant_id WHERE c.id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	int n = read_rows(db, s, out, 1, e);
	if (n < 0)
		return e->st;
	return n == 1 ? ST_OK : err_set(e, ST_NOT_FOUND, "没有这张证书");
}

int lifecycle_repo_by_serial(struct db *db, const char *serial, struct lc_row *out, int max,
			     struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ROW_COLS " FROM certificates c"
				      " LEFT JOIN applicants p ON p.id = c.applicant_id WHERE c.serial = ?1"
				      " ORDER BY c.not_after DESC, c.id LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, serial);
	sqlite3_bind_int(s, 2, max);
	return read_rows(db, s, out, max, e);
}

bool lifecycle_repo_application_of(struct db *db, const char *serial, char number[64])
{
	number[0] = '\0';
	sqlite3_stmt *s = db_prep(db, "SELECT a.number FROM applications a WHERE a.cert_serial = ?1"
				      " AND a.cert_serial <> '' AND a.kind IN ('renewal', 'revoke')"
				      " AND a.status NOT IN ('draft', 'cancelled')"
				      " ORDER BY a.created_at DESC LIMIT 1", NULL);
	if (!s)
		return false;
	db_bind_text(s, 1, serial);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		db_col_copy(s, 0, number, 64);
	sqlite3_reset(s);
	return found;
}

/* ---- contacts ---- */

enum status lifecycle_repo_contact_add(struct db *db, const struct lc_contact *c, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO certificate_contacts (id, certificate_id, kind, note, day, office_id,"
		" created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, c->id);
	db_bind_text(s, 2, c->certificate_id);
	db_bind_text(s, 3, c->kind);
	db_bind_text(s, 4, c->note);
	db_bind_text(s, 5, c->day);
	db_bind_text(s, 6, c->office_id);
	db_bind_text(s, 7, c->created_by);
	db_bind_text(s, 8, c->created_at);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return ST_OK;
	if (rc == SQLITE_CONSTRAINT) {
		int x = sqlite3_extended_errcode(db_handle(db));
		if (x == SQLITE_CONSTRAINT_UNIQUE || x == SQLITE_CONSTRAINT_PRIMARYKEY)
			return strcmp(c->kind, "sms") == 0
				? err_set(e, ST_EXISTS, "这张证书今天（%s）已发送过提醒短信，同一证书每天最多发送一条",
					  c->day)
				: err_set(e, ST_EXISTS, "这条联系记录已存在");
	}
	return db_fail(db, rc, e);
}

int lifecycle_repo_contacts(struct db *db, const char *certificate_id, struct lc_contact *out,
			    int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT k.id, k.certificate_id, k.kind, k.note, k.day, k.office_id, k.created_by,"
		" coalesce((SELECT s.name FROM staff s WHERE s.id = k.created_by), ''), k.created_at"
		" FROM certificate_contacts k WHERE k.certificate_id = ?1"
		" ORDER BY k.created_at DESC, k.id DESC LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, certificate_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct lc_contact *c = &out[n++];
		memset(c, 0, sizeof *c);
		db_col_copy(s, 0, c->id, sizeof c->id);
		db_col_copy(s, 1, c->certificate_id, sizeof c->certificate_id);
		db_col_copy(s, 2, c->kind, sizeof c->kind);
		db_col_copy(s, 3, c->note, sizeof c->note);
		db_col_copy(s, 4, c->day, sizeof c->day);
		db_col_copy(s, 5, c->office_id, sizeof c->office_id);
		db_col_copy(s, 6, c->created_by, sizeof c->created_by);
		db_col_copy(s, 7, c->created_by_name, sizeof c->created_by_name);
		db_col_copy(s, 8, c->created_at, sizeof c->created_at);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

bool lifecycle_repo_sms_on(struct db *db, const char *certificate_id, const char *day)
{
	sqlite3_stmt *s = db_prep(db, "SELECT 1 FROM certificate_contacts WHERE certificate_id = ?1"
				      " AND day = ?2 AND kind = 'sms'", NULL);
	if (!s)
		return false;
	db_bind_text(s, 1, certificate_id);
	db_bind_text(s, 2, day);
	bool yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return yes;
}

/* ---- revocation ---- */

int lifecycle_repo_due(struct db *db, const char *before, const char *key, struct lc_due *out,
		       int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT c.id, c.not_after FROM certificates c WHERE c.revoked_at IS NULL"
		" AND c.not_after < ?1 AND (c.not_after, c.id) > (?2, ?3)"
		" ORDER BY c.not_after, c.id LIMIT ?4", e);
	if (!s)
		return -1;
	char at[32], id[UUID_LEN + 1];
	split_key(key, at, id);
	db_bind_text(s, 1, before);
	db_bind_text(s, 2, at);
	db_bind_text(s, 3, id);
	sqlite3_bind_int(s, 4, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct lc_due *d = &out[n++];
		db_col_copy(s, 0, d->id, sizeof d->id);
		db_col_copy(s, 1, d->not_after, sizeof d->not_after);
		snprintf(d->key, sizeof d->key, "%s|%s", d->not_after, d->id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

enum status lifecycle_repo_revoke(struct db *db, const char *id, const char *at,
				  const char *reason, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "UPDATE certificates SET revoked_at = ?2, revoke_reason = ?3,"
				      " updated_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	db_bind_text(s, 2, at);
	db_bind_text(s, 3, reason);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	if (sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_STATE, "这张证书已注销");
	return ST_OK;
}

/* ---- retention ---- */

bool lifecycle_repo_app_cert(struct db *db, const char *application_id, char not_after[21],
			     char revoked_at[21])
{
	not_after[0] = revoked_at[0] = '\0';
	sqlite3_stmt *s = db_prep(db,
		"SELECT c.not_after, coalesce(c.revoked_at, '') FROM applications a"
		" JOIN certificates c ON c.serial ="
		"  CASE a.kind WHEN 'revoke' THEN a.cert_serial ELSE a.issued_serial END"
		" WHERE a.id = ?1 AND (CASE a.kind WHEN 'revoke' THEN a.cert_serial"
		"  ELSE a.issued_serial END) <> ''"
		" ORDER BY c.not_after DESC LIMIT 1", NULL);
	if (!s)
		return false;
	db_bind_text(s, 1, application_id);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		db_col_copy(s, 0, not_after, 21);
		db_col_copy(s, 1, revoked_at, 21);
	}
	sqlite3_reset(s);
	return found;
}

/* ---- the centre ---- */

enum status lifecycle_repo_system_actor(struct db *db, struct actor *a, struct err *e)
{
	memset(a, 0, sizeof *a);
	sqlite3_stmt *s = db_prep(db, "SELECT id, office_id FROM staff WHERE role = 'admin'"
				      " AND disabled_at IS NULL ORDER BY created_at, rowid LIMIT 1", e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		db_col_copy(s, 0, a->id, sizeof a->id);
		db_col_copy(s, 1, a->office_id, sizeof a->office_id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? err_set(e, ST_STATE, "没有可用的管理员账户，无法运行证书注销任务")
					 : db_fail(db, rc, e);
	/* The centre's own terminal: the one of its office that never syncs. */
	s = db_prep(db, "SELECT t.id FROM terminals t WHERE t.office_id = ?1 AND NOT EXISTS"
			" (SELECT 1 FROM sync_terminals st WHERE st.terminal_id = t.id)"
			" ORDER BY t.created_at, t.rowid LIMIT 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, a->office_id);
	if (sqlite3_step(s) == SQLITE_ROW)
		db_col_copy(s, 0, a->terminal_id, sizeof a->terminal_id);
	sqlite3_reset(s);
	snprintf(a->username, sizeof a->username, "证书注销任务");
	snprintf(a->name, sizeof a->name, "证书注销任务");
	a->role = ROLE_ADMIN;
	return ST_OK;
}
