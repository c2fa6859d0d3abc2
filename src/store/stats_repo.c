#include "store/stats_repo.h"

#include <stdio.h>
#include <string.h>

/* Every status code, for "status IN (...)": with it the time range is a
 * range on applications_queue (status, submitted_at, id) per status
 * instead of a walk through the table. The trailing '' matches nothing. */
#define STATUS_CODE(n, c, l) "'" c "', "
#define ANY_STATUS APP_STATUS_LIST(STATUS_CODE) "''"

/* Accepted, or further along: an application is accepted only once (no
 * state leads back to review), so its reviewed_at is that acceptance.
 * These cover nearly every application, so "+a.status" keeps SQLite off
 * the status index (a lookup per row, twice as slow as reading the table)
 * and on an index of the time column where there is one. */
#define ACCEPTED_OR_LATER "'accepted', 'ready', 'shipped', 'collected', 'done'"
#define MADE_OR_LATER "'ready', 'shipped', 'collected'"

#define OFFICE_IS " AND (?5 = '' OR a.office_id = ?5)"

#define RECEIVED_FROM \
	" FROM applications a WHERE a.status IN (" ANY_STATUS ")" \
	" AND a.submitted_at >= ?3 AND a.submitted_at < ?4" OFFICE_IS
#define ACCEPTED_FROM \
	" FROM applications a WHERE +a.status IN (" ACCEPTED_OR_LATER ")" \
	" AND a.reviewed_at >= ?3 AND a.reviewed_at < ?4" OFFICE_IS
#define MADE_FROM \
	" FROM applications a WHERE +a.status IN (" MADE_OR_LATER ")" \
	" AND a.made_at >= ?3 AND a.made_at < ?4" OFFICE_IS
#define COLLECTED_FROM \
	" FROM applications a WHERE +a.status = 'collected'" \
	" AND a.collected_at >= ?3 AND a.collected_at < ?4" OFFICE_IS
/* Returns are events: an application returned twice counts twice, and a
 * returned one handed in again keeps no trace of it in its row. The audit
 * log keeps each (on audit_at); the application, when known here, says
 * whose and where. */
#define RETURNED_FROM \
	" FROM audit_log l LEFT JOIN applications a ON a.id = l.entity_id" \
	" WHERE l.at >= ?3 AND l.at < ?4 AND l.action = 'application.return'" \
	" AND (?5 = '' OR coalesce(a.office_id, l.office_id) = ?5)"

/* The columns of an event: at, office, clerk, reviewer, reason, submitted. */
static const char *const events_sql[STATS__EVENTS] = {
	[STATS_RECEIVED] = "SELECT a.submitted_at, a.office_id, a.created_by, '', '', ''"
		RECEIVED_FROM,
	[STATS_ACCEPTED] = "SELECT a.reviewed_at, a.office_id, a.created_by,"
		" coalesce(a.reviewed_by, ''), '', coalesce(a.submitted_at, '')" ACCEPTED_FROM,
	[STATS_RETURNED] = "SELECT l.at, coalesce(a.office_id, l.office_id),"
		" coalesce(a.created_by, ''), l.actor_id,"
		" CASE WHEN json_valid(l.after) THEN coalesce(json_extract(l.after, '$.reason'), '')"
		" ELSE '' END, ''" RETURNED_FROM,
	[STATS_MADE] = "SELECT a.made_at, a.office_id, a.created_by, '', '', ''" MADE_FROM,
	[STATS_COLLECTED] = "SELECT a.collected_at, a.office_id, a.created_by, '', '', ''"
		COLLECTED_FROM,
};

/* ?3, ?4 the times, ?5 the office (?1 and ?2, the id bounds, are not used
 * here: SQLite accepts an unused parameter below the highest used one). */
static void bind_times(sqlite3_stmt *s, const struct report_range *r)
{
	db_bind_text(s, 3, r->from);
	db_bind_text(s, 4, r->to);
	db_bind_text(s, 5, r->office_id);
}

enum status stats_repo_events(struct db *db, const struct report_range *r,
			      enum stats_event_kind kind, stats_event_fn fn, void *ctx,
			      struct err *e)
{
	if ((unsigned)kind >= STATS__EVENTS)
		return err_status(e, ST_INTERNAL);
	sqlite3_stmt *s = db_prep(db, events_sql[kind], e);
	if (!s)
		return e->st;
	bind_times(s, r);
	int rc;
	enum status st = ST_OK;
	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct stats_event ev = {
			.kind = kind,
			.at = db_col_text(s, 0),
			.office_id = db_col_text(s, 1),
			.clerk_id = db_col_text(s, 2),
			.reviewer_id = db_col_text(s, 3),
			.reason = db_col_text(s, 4),
			.submitted_at = db_col_text(s, 5),
		};
		st = fn(ctx, &ev, e);
	}
	sqlite3_reset(s);
	if (st != ST_OK)
		return st;
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

/* ---- money ---- */

/* The conditions are report_repo.c's (verified: by verification time, on
 * payments_state with the upper id bound; online and refunds: by
 * recording time, on payments_recorded), grouped rather than summed. */
#define PAY_OFFICE " AND (?5 = '' OR p.office_id = ?5)"

enum status stats_repo_money(struct db *db, const struct report_range *r, stats_money_fn fn,
			     void *ctx, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT 'transfer', p.office_id, p.recorded_by, count(*), sum(p.amount_fen)"
		" FROM payments p WHERE p.kind = 'transfer' AND p.state = 'verified' AND p.id < ?2"
		" AND p.verified_at >= ?3 AND p.verified_at < ?4" PAY_OFFICE
		" GROUP BY 2, 3"
		" UNION ALL "
		"SELECT p.channel, p.office_id, p.recorded_by, count(*), sum(p.amount_fen)"
		" FROM payments p WHERE +p.kind = 'online'"
		" AND p.recorded_at >= ?3 AND p.recorded_at < ?4" PAY_OFFICE
		" GROUP BY 1, 2, 3"
		" UNION ALL "
		"SELECT 'refund', p.office_id, p.recorded_by, count(*), sum(p.amount_fen)"
		" FROM payments p WHERE +p.kind = 'refund'"
		" AND p.recorded_at >= ?3 AND p.recorded_at < ?4" PAY_OFFICE
		" GROUP BY 2, 3", e);
	if (!s)
		return e->st;
	db_bind_text(s, 2, r->id_hi);
	bind_times(s, r);
	int rc;
	enum status st = ST_OK;
	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct stats_money_group g = {
			.method = db_col_text(s, 0),
			.office_id = db_col_text(s, 1),
			.staff_id = db_col_text(s, 2),
			.sum = { (long)sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4) },
		};
		st = fn(ctx, &g, e);
	}
	sqlite3_reset(s);
	if (st != ST_OK)
		return st;
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

/* ---- names ---- */

static bool two_texts(struct db *db, const char *sql, const char *id, char *a, size_t an,
		      char *b, size_t bn)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, sql, &e);
	if (!s)
		return false;
	db_bind_text(s, 1, id);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		db_col_copy(s, 0, a, an);
		db_col_copy(s, 1, b, bn);
	}
	sqlite3_reset(s);
	return found;
}

bool stats_repo_staff(struct db *db, const char *id, char username[USERNAME_MAX],
		      char name[NAME_MAX_BYTES])
{
	return two_texts(db, "SELECT username, name FROM staff WHERE id = ?1", id, username,
			 USERNAME_MAX, name, NAME_MAX_BYTES);
}

bool stats_repo_office(struct db *db, const char *id, char code[OFFICE_CODE_MAX],
		       char name[NAME_MAX_BYTES])
{
	return two_texts(db, "SELECT code, name FROM offices WHERE id = ?1", id, code,
			 OFFICE_CODE_MAX, name, NAME_MAX_BYTES);
}

/* ---- retention ---- */

enum status stats_repo_retention(struct db *db, const char *before, const char *office_id,
				 retention_fn fn, void *ctx, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT a.id, a.number, a.office_id, a.kind, a.subject, a.status, a.years,"
		" CASE a.status WHEN 'cancelled' THEN a.updated_at ELSE a.made_at END"
		" FROM applications a"
		" WHERE ((a.status IN ('collected', 'shipped') AND a.made_at <= ?1)"
		"   OR (a.status = 'cancelled' AND a.updated_at <= ?1))"
		" AND (?2 = '' OR a.office_id = ?2)"
		" ORDER BY a.number", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, before);
	db_bind_text(s, 2, office_id ? office_id : "");
	int rc;
	enum status st = ST_OK;
	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct retention_row row;
		memset(&row, 0, sizeof row);
		db_col_copy(s, 0, row.id, sizeof row.id);
		db_col_copy(s, 1, row.number, sizeof row.number);
		db_col_copy(s, 2, row.office_id, sizeof row.office_id);
		row.years = sqlite3_column_int(s, 6);
		db_col_copy(s, 7, row.ended_at, sizeof row.ended_at);
		if (!app_kind_parse(db_col_text(s, 3), &row.kind))
			row.kind = KIND__COUNT;
		if (!app_subject_parse(db_col_text(s, 4), &row.subject))
			row.subject = SUBJECT__COUNT;
		if (!app_status_parse(db_col_text(s, 5), &row.status))
			row.status = APP__COUNT;
		st = fn(ctx, &row, e);
	}
	sqlite3_reset(s);
	if (st != ST_OK)
		return st;
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}
