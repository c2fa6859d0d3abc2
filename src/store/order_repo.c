#include "store/order_repo.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "store/name_search.h"
#include "util/buf.h"
#include "util/clock.h"

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

#define ORDER_COLS "id, number, status, subject, holder_code, holder_name, applicant_id, method," \
	" total_fen, invoice_wanted, invoice_title, invoice_taxpayer_id, invoice_email, delivery," \
	" recipient, recipient_phone, recipient_address, recipient_postal, contact_phone, reason," \
	" office_id, terminal_id, created_by, created_at, coalesce(paid_at, ''), version"

static void order_row(sqlite3_stmt *s, struct order *o)
{
	memset(o, 0, sizeof *o);
	int c = 0;
	db_col_copy(s, c++, o->id, sizeof o->id);
	db_col_copy(s, c++, o->number, sizeof o->number);
	order_status_parse(db_col_text(s, c++), &o->status);
	app_subject_parse(db_col_text(s, c++), &o->subject);
	db_col_copy(s, c++, o->holder_code, sizeof o->holder_code);
	db_col_copy(s, c++, o->holder_name, sizeof o->holder_name);
	db_col_copy(s, c++, o->applicant_id, sizeof o->applicant_id);
	pay_method_parse(db_col_text(s, c++), &o->method);
	o->total_fen = sqlite3_column_int64(s, c++);
	o->invoice_wanted = sqlite3_column_int(s, c++) != 0;
	db_col_copy(s, c++, o->invoice_title, sizeof o->invoice_title);
	db_col_copy(s, c++, o->invoice_taxpayer_id, sizeof o->invoice_taxpayer_id);
	db_col_copy(s, c++, o->invoice_email, sizeof o->invoice_email);
	delivery_parse(db_col_text(s, c++), &o->delivery);
	db_col_copy(s, c++, o->recipient, sizeof o->recipient);
	db_col_copy(s, c++, o->recipient_phone, sizeof o->recipient_phone);
	db_col_copy(s, c++, o->recipient_address, sizeof o->recipient_address);
	db_col_copy(s, c++, o->recipient_postal, sizeof o->recipient_postal);
	db_col_copy(s, c++, o->contact_phone, sizeof o->contact_phone);
	db_col_copy(s, c++, o->reason, sizeof o->reason);
	db_col_copy(s, c++, o->office_id, sizeof o->office_id);
	db_col_copy(s, c++, o->terminal_id, sizeof o->terminal_id);
	db_col_copy(s, c++, o->created_by, sizeof o->created_by);
	db_col_copy(s, c++, o->created_at, sizeof o->created_at);
	db_col_copy(s, c++, o->paid_at, sizeof o->paid_at);
	o->version = (long)sqlite3_column_int64(s, c++);
}

enum status order_repo_insert(struct db *db, const struct order *o, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO orders (id, number, status, subject, holder_code, holder_name, applicant_id,"
		" method, total_fen, invoice_wanted, invoice_title, invoice_taxpayer_id, invoice_email,"
		" delivery, recipient, recipient_phone, recipient_address, recipient_postal,"
		" contact_phone, reason, office_id, terminal_id, created_by, created_at, updated_at,"
		" version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
		" ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, ?25)", e);
	if (!s)
		return e->st;
	int c = 1;
	db_bind_text(s, c++, o->id);
	db_bind_text(s, c++, o->number);
	db_bind_text(s, c++, order_status_code(o->status));
	db_bind_text(s, c++, app_subject_code(o->subject));
	db_bind_text(s, c++, o->holder_code);
	db_bind_text(s, c++, o->holder_name);
	db_bind_text(s, c++, o->applicant_id);
	db_bind_text(s, c++, pay_method_code(o->method));
	sqlite3_bind_int64(s, c++, o->total_fen);
	sqlite3_bind_int(s, c++, o->invoice_wanted);
	db_bind_text(s, c++, o->invoice_title);
	db_bind_text(s, c++, o->invoice_taxpayer_id);
	db_bind_text(s, c++, o->invoice_email);
	db_bind_text(s, c++, delivery_code(o->delivery));
	db_bind_text(s, c++, o->recipient);
	db_bind_text(s, c++, o->recipient_phone);
	db_bind_text(s, c++, o->recipient_address);
	db_bind_text(s, c++, o->recipient_postal);
	db_bind_text(s, c++, o->contact_phone);
	db_bind_text(s, c++, o->reason);
	db_bind_text(s, c++, o->office_id);
	db_bind_text(s, c++, o->terminal_id);
	db_bind_text(s, c++, o->created_by);
	db_bind_text(s, c++, o->created_at[0] ? o->created_at : now);
	sqlite3_bind_int64(s, c++, o->version);
	return done(db, s, e);
}

enum status order_repo_update(struct db *db, const struct order *o, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE orders SET status = ?2, reason = ?3,"
				      " paid_at = nullif(?4, ''), updated_at = ?5 WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, o->id);
	db_bind_text(s, 2, order_status_code(o->status));
	db_bind_text(s, 3, o->reason);
	db_bind_text(s, 4, o->paid_at);
	db_bind_text(s, 5, now);
	enum status st = done(db, s, e);
	if (st == ST_OK && sqlite3_changes(db_handle(db)) == 0)
		return err_set(e, ST_NOT_FOUND, "没有这个订单");
	return st;
}

static enum status one_order(struct db *db, sqlite3_stmt *s, struct order *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		order_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这个订单") : db_fail(db, rc, e);
}

enum status order_repo_get(struct db *db, const char *id, struct order *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ORDER_COLS " FROM orders WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one_order(db, s, out, e);
}

enum status order_repo_by_number(struct db *db, const char *number, struct order *out,
				 struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " ORDER_COLS " FROM orders WHERE number = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, number);
	return one_order(db, s, out, e);
}

/*
 * The list query is assembled from fixed fragments according to the
 * filters set (as app_repo_page does), built once per (combination,
 * direction) and kept, so the statement cache prepares each only once.
 */
enum { OF_STATUS = 1, OF_HOLDER = 2, OF_APPLICANT = 4, OF_NAME = 8, OF_FROM = 16, OF_TO = 32,
       OF_LONG = 64,   /* name of more than 2 characters: LIKE checks the candidates */
       OF_BROAD = 128, /* name held by many parties: read the list in id order */
       OF_HUGE = 256,  /* by very many: and check each row by itself */
       OF__ALL = 512 };
static char *shapes[OF__ALL][5];
static pthread_mutex_t shapes_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned mask_of(const struct order_filter *f, const struct name_query *nq)
{
	if (!f)
		return 0;
	return (f->status[0] ? OF_STATUS : 0) | (f->holder_code[0] ? OF_HOLDER : 0) |
	       (f->applicant_id[0] ? OF_APPLICANT : 0) | (f->name[0] ? OF_NAME : 0) |
	       (f->id_from[0] ? OF_FROM : 0) | (f->id_to[0] ? OF_TO : 0) |
	       (f->name[0] && nq->longer ? OF_LONG : 0) | (f->name[0] && nq->broad ? OF_BROAD : 0) |
	       (f->name[0] && nq->huge ? OF_HUGE : 0);
}

static const char *shape(unsigned m, enum page_dir dir)
{
	pthread_mutex_lock(&shapes_lock);
	char **slot = &shapes[m][dir];
	if (!*slot) {
		struct buf b;
		buf_init(&b, 4096);
		buf_adds(&b, "SELECT " ORDER_COLS " FROM orders WHERE 1");
		if (m & OF_STATUS)
			buf_adds(&b, " AND status = ?1");
		if (m & OF_HOLDER)
			buf_adds(&b, " AND holder_code = ?2");
		if (m & OF_APPLICANT)
			buf_adds(&b, " AND applicant_id = ?3");
		if (m & OF_FROM)
			buf_adds(&b, " AND id >= ?6");
		if (m & OF_TO)
			buf_adds(&b, " AND id < ?7");
		if (m & OF_NAME) {
			/* As app_repo.c: the parties holding the name's piece
			 * (name_search.h); many of them: the list in id order
			 * checked against them ('+': not through the indexes);
			 * very many: each row checked by itself. */
			const char *plus = m & OF_BROAD ? "+" : "";
			const char *like = m & OF_LONG ? " AND p.name LIKE ?9 ESCAPE '\\'" : "";
			if ((m & OF_HUGE) && (m & OF_LONG))
				buf_adds(&b, " AND (EXISTS (SELECT 1 FROM enterprises p"
					     " WHERE p.credit_code = orders.holder_code AND p.name LIKE ?9 ESCAPE '\\')"
					     " OR EXISTS (SELECT 1 FROM applicants p WHERE p.id = orders.applicant_id"
					     " AND p.name LIKE ?9 ESCAPE '\\'))");
			else if (m & OF_HUGE)
				buf_adds(&b, " AND (EXISTS (SELECT 1 FROM enterprises p JOIN name_grams g"
					     " ON g.party_id = p.id AND g.gram = ?8 AND g.kind = 2"
					     " WHERE p.credit_code = orders.holder_code)"
					     " OR EXISTS (SELECT 1 FROM name_grams WHERE gram = ?8 AND kind = 1"
					     " AND party_id = orders.applicant_id))");
			else if (m & OF_LONG)
				buf_printf(&b, " AND (%sholder_code IN (SELECT p.credit_code FROM name_grams g"
					       " JOIN enterprises p ON p.id = g.party_id WHERE g.gram = ?8"
					       " AND g.kind = 2%s) OR %sapplicant_id IN (SELECT p.id FROM name_grams g"
					       " JOIN applicants p ON p.id = g.party_id WHERE g.gram = ?8"
					       " AND g.kind = 1%s))", plus, like, plus, like);
			else
				buf_printf(&b, " AND (%sholder_code IN (SELECT p.credit_code FROM name_grams g"
					       " JOIN enterprises p ON p.id = g.party_id WHERE g.gram = ?8"
					       " AND g.kind = 2) OR %sapplicant_id IN (SELECT party_id FROM name_grams"
					       " WHERE gram = ?8 AND kind = 1))", plus, plus);
		}
		switch (dir) {
		case PAGE_AFTER:
			buf_adds(&b, " AND id < ?4 ORDER BY id DESC");
			break;
		case PAGE_BEFORE:
			buf_adds(&b, " AND id > ?4 ORDER BY id");
			break;
		case PAGE_AT:
			buf_adds(&b, " AND id <= ?4 ORDER BY id DESC");
			break;
		case PAGE_LAST:
			buf_adds(&b, " ORDER BY id");
			break;
		default:
			buf_adds(&b, " ORDER BY id DESC");
			break;
		}
		buf_adds(&b, " LIMIT ?5");
		*slot = buf_steal(&b);
	}
	const char *sql = *slot;
	pthread_mutex_unlock(&shapes_lock);
	return sql;
}

int order_repo_page(struct db *db, const struct order_filter *f, enum page_dir dir,
		    const char *key, struct order *out, int max, struct err *e)
{
	struct name_query nq = { 0 };
	if (f && f->name[0] && name_query_make(db, f->name, NAME_ANY, &nq, e) != ST_OK)
		return -1;
	unsigned m = mask_of(f, &nq);
	const char *sql = shape(m, dir);
	if (!sql) {
		err_status(e, ST_NOMEM);
		return -1;
	}
	sqlite3_stmt *s = db_prep(db, sql, e);
	if (!s)
		return -1;
	if (m & OF_STATUS)
		db_bind_text(s, 1, f->status);
	if (m & OF_HOLDER)
		db_bind_text(s, 2, f->holder_code);
	if (m & OF_APPLICANT)
		db_bind_text(s, 3, f->applicant_id);
	if (dir == PAGE_AFTER || dir == PAGE_BEFORE || dir == PAGE_AT)
		db_bind_text(s, 4, key ? key : "");
	sqlite3_bind_int(s, 5, max);
	if (m & OF_FROM)
		db_bind_text(s, 6, f->id_from);
	if (m & OF_TO)
		db_bind_text(s, 7, f->id_to);
	if (m & OF_NAME)
		db_bind_text(s, 8, nq.gram);
	if (m & OF_LONG)
		db_bind_text(s, 9, nq.like);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		order_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

enum status order_repo_add_line(struct db *db, const char *order_id, const struct order_line *l,
				struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "INSERT INTO order_lines (order_id, application_id, number, kind,"
				      " subject, years, price_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, order_id);
	db_bind_text(s, 2, l->application_id);
	db_bind_text(s, 3, l->number);
	db_bind_text(s, 4, app_kind_code(l->kind));
	db_bind_text(s, 5, app_subject_code(l->subject));
	sqlite3_bind_int(s, 6, l->years);
	sqlite3_bind_int64(s, 7, l->fen);
	return done(db, s, e);
}

int order_repo_lines(struct db *db, const char *order_id, struct order_line *out, int max,
		     struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT l.application_id, l.number, l.kind, l.subject, l.years,"
				      " l.price_fen, a.holder_name, a.holder_code FROM order_lines l"
				      " JOIN applications a ON a.id = l.application_id"
				      " WHERE l.order_id = ?1 ORDER BY l.number LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, order_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct order_line *l = &out[n++];
		memset(l, 0, sizeof *l);
		db_col_copy(s, 0, l->application_id, sizeof l->application_id);
		db_col_copy(s, 1, l->number, sizeof l->number);
		app_kind_parse(db_col_text(s, 2), &l->kind);
		app_subject_parse(db_col_text(s, 3), &l->subject);
		l->years = sqlite3_column_int(s, 4);
		l->fen = sqlite3_column_int64(s, 5);
		db_col_copy(s, 6, l->holder_name, sizeof l->holder_name);
		db_col_copy(s, 7, l->holder_code, sizeof l->holder_code);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

enum status order_repo_of_application(struct db *db, const char *application_id,
				      char order_id[UUID_LEN + 1], char number[NUMBER_MAX],
				      struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT o.id, o.number FROM order_lines l JOIN orders o"
				      " ON o.id = l.order_id WHERE l.application_id = ?1"
				      " AND o.status <> 'cancelled' LIMIT 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, application_id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (order_id)
			db_col_copy(s, 0, order_id, UUID_LEN + 1);
		if (number)
			db_col_copy(s, 1, number, NUMBER_MAX);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "不在订单中") : db_fail(db, rc, e);
}

#define PAY_COLS "id, kind, state, amount_fen, payer_name, payer_account, bank, reference, channel," \
	" paid_on, reason, coalesce(refund_of, ''), recorded_by, recorded_at," \
	" coalesce(verified_by, ''), version"

static void pay_row(sqlite3_stmt *s, struct payment *p)
{
	memset(p, 0, sizeof *p);
	int c = 0;
	db_col_copy(s, c++, p->id, sizeof p->id);
	payment_kind_parse(db_col_text(s, c++), &p->kind);
	db_col_copy(s, c++, p->state, sizeof p->state);
	p->amount_fen = sqlite3_column_int64(s, c++);
	db_col_copy(s, c++, p->payer_name, sizeof p->payer_name);
	db_col_copy(s, c++, p->payer_account, sizeof p->payer_account);
	db_col_copy(s, c++, p->bank, sizeof p->bank);
	db_col_copy(s, c++, p->reference, sizeof p->reference);
	db_col_copy(s, c++, p->channel, sizeof p->channel);
	db_col_copy(s, c++, p->paid_on, sizeof p->paid_on);
	db_col_copy(s, c++, p->reason, sizeof p->reason);
	db_col_copy(s, c++, p->refund_of, sizeof p->refund_of);
	db_col_copy(s, c++, p->recorded_by, sizeof p->recorded_by);
	db_col_copy(s, c++, p->recorded_at, sizeof p->recorded_at);
	db_col_copy(s, c++, p->verified_by, sizeof p->verified_by);
	p->version = (long)sqlite3_column_int64(s, c++);
}

enum status payment_repo_insert(struct db *db, const struct payment *p, const char *office_id,
				const char *terminal_id, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO payments (id, kind, state, amount_fen, payer_name, payer_account, bank,"
		" reference, channel, paid_on, reason, refund_of, office_id, terminal_id, recorded_by,"
		" recorded_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" nullif(?12, ''), ?13, ?14, ?15, ?16, ?17)", e);
	if (!s)
		return e->st;
	int c = 1;
	db_bind_text(s, c++, p->id);
	db_bind_text(s, c++, payment_kind_code(p->kind));
	db_bind_text(s, c++, p->state);
	sqlite3_bind_int64(s, c++, p->amount_fen);
	db_bind_text(s, c++, p->payer_name);
	db_bind_text(s, c++, p->payer_account);
	db_bind_text(s, c++, p->bank);
	db_bind_text(s, c++, p->reference);
	db_bind_text(s, c++, p->channel);
	db_bind_text(s, c++, p->paid_on);
	db_bind_text(s, c++, p->reason);
	db_bind_text(s, c++, p->refund_of);
	db_bind_text(s, c++, office_id);
	db_bind_text(s, c++, terminal_id);
	db_bind_text(s, c++, p->recorded_by);
	db_bind_text(s, c++, p->recorded_at[0] ? p->recorded_at : now);
	sqlite3_bind_int64(s, c++, p->version);
	return done(db, s, e);
}

enum status payment_repo_update(struct db *db, const struct payment *p, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE payments SET state = ?2, reason = ?3,"
				      " verified_by = nullif(?4, ''),"
				      " verified_at = CASE WHEN ?4 <> '' THEN ?5 END WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, p->id);
	db_bind_text(s, 2, p->state);
	db_bind_text(s, 3, p->reason);
	db_bind_text(s, 4, p->verified_by);
	db_bind_text(s, 5, now);
	return done(db, s, e);
}

static enum status one_pay(struct db *db, sqlite3_stmt *s, struct payment *out, struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		pay_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? err_set(e, ST_NOT_FOUND, "没有这笔款项") : db_fail(db, rc, e);
}

enum status payment_repo_get(struct db *db, const char *id, struct payment *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " PAY_COLS " FROM payments WHERE id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, id);
	return one_pay(db, s, out, e);
}

enum status payment_repo_duplicate(struct db *db, enum payment_kind k, const char *reference,
				   long long amount, const char *channel, struct payment *out,
				   struct err *e)
{
	sqlite3_stmt *s = k == PAYMENT_TRANSFER
		? db_prep(db, "SELECT " PAY_COLS " FROM payments WHERE reference = ?1 AND"
			      " amount_fen = ?2 AND kind = 'transfer' AND state <> 'rejected' LIMIT 1", e)
		: db_prep(db, "SELECT " PAY_COLS " FROM payments WHERE reference = ?1 AND"
			      " channel = ?3 AND kind = 'online' LIMIT 1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, reference);
	if (k == PAYMENT_TRANSFER)
		sqlite3_bind_int64(s, 2, amount);
	else
		db_bind_text(s, 3, channel);
	return one_pay(db, s, out, e);
}

enum status payment_repo_link(struct db *db, const char *payment_id, const char *order_id,
			      long long amount, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "INSERT INTO payment_orders (payment_id, order_id, amount_fen)"
				      " VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, payment_id);
	db_bind_text(s, 2, order_id);
	sqlite3_bind_int64(s, 3, amount);
	return done(db, s, e);
}

int payment_repo_orders(struct db *db, const char *payment_id, char ids[][UUID_LEN + 1],
			long long *amounts, int max, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT order_id, amount_fen FROM payment_orders"
				      " WHERE payment_id = ?1 ORDER BY order_id LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, payment_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		db_col_copy(s, 0, ids[n], UUID_LEN + 1);
		amounts[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

int payment_repo_of_order(struct db *db, const char *order_id, struct payment *out, int max,
			  struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT p.id, p.kind, p.state, p.amount_fen, p.payer_name,"
				      " p.payer_account, p.bank, p.reference, p.channel, p.paid_on,"
				      " p.reason, coalesce(p.refund_of, ''), p.recorded_by, p.recorded_at,"
				      " coalesce(p.verified_by, ''), p.version FROM payment_orders po"
				      " JOIN payments p ON p.id = po.payment_id WHERE po.order_id = ?1"
				      " ORDER BY p.id LIMIT ?2", e);
	if (!s)
		return -1;
	db_bind_text(s, 1, order_id);
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		pay_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}

int payment_repo_pending(struct db *db, enum page_dir dir, const char *key, struct payment *out,
			 int max, struct err *e)
{
	static const char *const sql[] = {
		[PAGE_FIRST] = "SELECT " PAY_COLS " FROM payments WHERE kind = 'transfer' AND"
			       " state = 'recorded' ORDER BY id LIMIT ?2",
		[PAGE_LAST] = "SELECT " PAY_COLS " FROM payments WHERE kind = 'transfer' AND"
			      " state = 'recorded' ORDER BY id DESC LIMIT ?2",
		[PAGE_AFTER] = "SELECT " PAY_COLS " FROM payments WHERE kind = 'transfer' AND"
			       " state = 'recorded' AND id > ?1 ORDER BY id LIMIT ?2",
		[PAGE_BEFORE] = "SELECT " PAY_COLS " FROM payments WHERE kind = 'transfer' AND"
				" state = 'recorded' AND id < ?1 ORDER BY id DESC LIMIT ?2",
		[PAGE_AT] = "SELECT " PAY_COLS " FROM payments WHERE kind = 'transfer' AND"
			    " state = 'recorded' AND id >= ?1 ORDER BY id LIMIT ?2",
	};
	sqlite3_stmt *s = db_prep(db, sql[dir], e);
	if (!s)
		return -1;
	db_bind_text(s, 1, key ? key : "");
	sqlite3_bind_int(s, 2, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		pay_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

long payment_repo_pending_count(struct db *db)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT count(*) FROM payments WHERE kind = 'transfer'"
				      " AND state = 'recorded'", &e);
	if (!s)
		return -1;
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}
