#include "store/report_repo.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

/* The smallest UUIDv7 text of the millisecond t * 1000 (app_repo.c does
 * the same for the application list's dates). */
static void uuid_floor(time_t t, char out[UUID_LEN + 1])
{
	unsigned long long ms = t > 0 ? (unsigned long long)t * 1000ull : 0;
	snprintf(out, UUID_LEN + 1, "%08llx-%04llx-7000-8000-000000000000", ms >> 16, ms & 0xFFFF);
}

void report_range_set(struct report_range *r, time_t from, time_t to, time_t id_slack)
{
	clock_iso(from, r->from);
	clock_iso(to, r->to);
	if (id_slack >= 0) {
		uuid_floor(from - id_slack, r->id_lo);
		uuid_floor(to + id_slack, r->id_hi);
	} else {
		snprintf(r->id_lo, sizeof r->id_lo, "%s", "");
		snprintf(r->id_hi, sizeof r->id_hi, "%s", "~"); /* after every hex digit */
	}
}

/* Step through grouped rows (k1, k2, staff_id, username, name, n, fen). */
static enum status groups(struct db *db, sqlite3_stmt *s, report_group_fn fn, void *ctx,
			  struct err *e)
{
	int rc;
	enum status st = ST_OK;
	while (st == ST_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_group g = {
			.k1 = db_col_text(s, 0),
			.k2 = db_col_text(s, 1),
			.staff_id = db_col_text(s, 2),
			.username = db_col_text(s, 3),
			.name = db_col_text(s, 4),
			.sum = { (long)sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6) },
		};
		st = fn(ctx, &g, e);
	}
	sqlite3_reset(s);
	if (st != ST_OK)
		return st;
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static enum status one_sum(struct db *db, sqlite3_stmt *s, struct report_sum *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->n = (long)sqlite3_column_int64(s, 0);
		out->fen = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_status(e, ST_INTERNAL) : db_fail(db, rc, e);
}

/* ?1..?4 the id and time bounds, ?5 office, ?6 staff. */
static void bind_range(sqlite3_stmt *s, const struct report_range *r)
{
	db_bind_text(s, 1, r->id_lo);
	db_bind_text(s, 2, r->id_hi);
	db_bind_text(s, 3, r->from);
	db_bind_text(s, 4, r->to);
	db_bind_text(s, 5, r->office_id);
	db_bind_text(s, 6, r->staff_id);
}

/* ---- orders ---- */

#define ORDERS_IN_RANGE \
	" o.id >= ?1 AND o.id < ?2 AND o.created_at >= ?3 AND o.created_at < ?4" \
	" AND (?5 = '' OR o.office_id = ?5) AND (?6 = '' OR o.created_by = ?6)"

enum status report_repo_orders(struct db *db, const struct report_range *r, report_group_fn fn,
			       void *ctx, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT o.status, o.method, o.created_by, coalesce(s.username, ''),"
		" coalesce(s.name, ''), count(*), sum(o.total_fen)"
		" FROM orders o LEFT JOIN staff s ON s.id = o.created_by"
		" WHERE" ORDERS_IN_RANGE
		" GROUP BY o.status, o.method, o.created_by", e);
	if (!s)
		return e->st;
	bind_range(s, r);
	return groups(db, s, fn, ctx, e);
}

enum status report_repo_orders_total(struct db *db, const struct report_range *r,
				     struct report_sum *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT count(*), coalesce(sum(o.total_fen), 0) FROM orders o"
				      " WHERE" ORDERS_IN_RANGE, e);
	if (!s)
		return e->st;
	bind_range(s, r);
	return one_sum(db, s, out, e);
}

/* ---- payments ---- */

/* On recorded_at's own index (payments_recorded). The id bounds ?1 and ?2
 * are bound but not needed: SQLite accepts values for numbered parameters
 * that a statement does not mention, below the highest one it does. */
#define RECORDED_IN_RANGE \
	" p.recorded_at >= ?3 AND p.recorded_at < ?4" \
	" AND (?5 = '' OR p.office_id = ?5) AND (?6 = '' OR p.recorded_by = ?6)"

enum status report_repo_payments(struct db *db, const struct report_range *r, report_group_fn fn,
				 void *ctx, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT p.kind, CASE p.kind WHEN 'online' THEN p.channel ELSE p.state END,"
		" p.recorded_by, coalesce(s.username, ''), coalesce(s.name, ''), count(*),"
		" sum(p.amount_fen)"
		" FROM payments p LEFT JOIN staff s ON s.id = p.recorded_by"
		" WHERE" RECORDED_IN_RANGE
		" GROUP BY 1, 2, 3", e);
	if (!s)
		return e->st;
	bind_range(s, r);
	return groups(db, s, fn, ctx, e);
}

enum status report_repo_payments_total(struct db *db, const struct report_range *r,
				       enum payment_kind kind, struct report_sum *out,
				       struct err *e)
{
	/* "+p.kind": not on payments_state (every payment of the kind ever),
	 * on the day's stretch of payments_recorded. */
	sqlite3_stmt *s = db_prep(db, "SELECT count(*), coalesce(sum(p.amount_fen), 0) FROM payments p"
				      " WHERE +p.kind = ?7 AND" RECORDED_IN_RANGE, e);
	if (!s)
		return e->st;
	bind_range(s, r);
	db_bind_text(s, 7, payment_kind_code(kind));
	return one_sum(db, s, out, e);
}

enum status report_repo_verified(struct db *db, const struct report_range *r,
				 struct report_sum *out, struct err *e)
{
	/* On payments_state (kind, state, id): a transfer is verified after it
	 * is recorded, so its id is below the range's upper id bound. */
	sqlite3_stmt *s = db_prep(db,
		"SELECT count(*), coalesce(sum(p.amount_fen), 0) FROM payments p"
		" WHERE p.kind = 'transfer' AND p.state = 'verified' AND p.id < ?2"
		" AND p.verified_at >= ?3 AND p.verified_at < ?4"
		" AND (?5 = '' OR p.office_id = ?5) AND (?6 = '' OR p.recorded_by = ?6)", e);
	if (!s)
		return e->st;
	bind_range(s, r);
	return one_sum(db, s, out, e);
}

/* ---- the verification queue ---- */

#define PENDING \
	" p.kind = 'transfer' AND p.state = 'recorded'" \
	" AND (?1 = '' OR p.office_id = ?1) AND (?2 = '' OR p.recorded_by = ?2)"

enum status report_repo_pending_total(struct db *db, const struct report_range *r,
				      struct report_sum *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT count(*), coalesce(sum(p.amount_fen), 0) FROM payments p"
				      " WHERE" PENDING, e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, r->office_id);
	db_bind_text(s, 2, r->staff_id);
	return one_sum(db, s, out, e);
}

int report_repo_pending(struct db *db, const struct report_range *r, struct report_pending *out,
			int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"SELECT p.id, p.reference, p.payer_name, p.amount_fen, p.recorded_at,"
		" coalesce(s.name, ''),"
		" (SELECT min(o.number) FROM payment_orders po JOIN orders o ON o.id = po.order_id"
		"   WHERE po.payment_id = p.id),"
		" (SELECT count(*) FROM payment_orders po WHERE po.payment_id = p.id),"
		" NOT EXISTS (SELECT 1 FROM payment_orders po WHERE po.payment_id = p.id AND NOT EXISTS"
		"   (SELECT 1 FROM attachments a WHERE a.owner_type = 'order'"
		"    AND a.owner_id = po.order_id AND a.doc_type = 'remittance_slip'))"
		" FROM payments p LEFT JOIN staff s ON s.id = p.recorded_by"
		" WHERE" PENDING " ORDER BY p.id LIMIT ?3", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, r->office_id);
	db_bind_text(s, 2, r->staff_id);
	sqlite3_bind_int(s, 3, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct report_pending *p = &out[n++];
		memset(p, 0, sizeof *p);
		db_col_copy(s, 0, p->payment_id, sizeof p->payment_id);
		db_col_copy(s, 1, p->reference, sizeof p->reference);
		db_col_copy(s, 2, p->payer_name, sizeof p->payer_name);
		p->fen = sqlite3_column_int64(s, 3);
		db_col_copy(s, 4, p->recorded_at, sizeof p->recorded_at);
		db_col_copy(s, 5, p->recorded_by, sizeof p->recorded_by);
		db_col_copy(s, 6, p->first_order, sizeof p->first_order);
		p->norders = sqlite3_column_int(s, 7);
		p->slip = sqlite3_column_int(s, 8) != 0;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

enum status report_repo_office(struct db *db, const char *code, struct office *out,
			       struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT id, code, name, version FROM offices WHERE code = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, code);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		db_col_copy(s, 0, out->id, sizeof out->id);
		db_col_copy(s, 1, out->code, sizeof out->code);
		db_col_copy(s, 2, out->name, sizeof out->name);
		out->version = (long)sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有代码为 %s 的受理点", code)
				 : db_fail(db, rc, e);
}
