#include "store/stock_repo.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"

#define KEY_COLS                                                                     \
	"k.serial, k.office_id, k.state, k.received_move, k.last_move,"             \
	" coalesce(k.application_id, ''), k.updated_at, k.version,"                  \
	" coalesce(o.code, ''), coalesce(a.number, ''), coalesce(r.at, ''),"         \
	" coalesce(l.note, '')"
#define KEY_FROM                                                                     \
	" FROM key_stock k LEFT JOIN offices o ON o.id = k.office_id"               \
	" LEFT JOIN applications a ON a.id = k.application_id"                       \
	" LEFT JOIN key_moves r ON r.id = k.received_move"                           \
	" LEFT JOIN key_moves l ON l.id = k.last_move"

static void key_row(sqlite3_stmt *s, struct stock_key *k)
{
	memset(k, 0, sizeof *k);
	db_col_copy(s, 0, k->serial, sizeof k->serial);
	db_col_copy(s, 1, k->office_id, sizeof k->office_id);
	if (!stock_state_parse(db_col_text(s, 2), &k->state))
		k->state = STOCK_STATE__COUNT; /* a state this program does not know */
	db_col_copy(s, 3, k->received_move, sizeof k->received_move);
	db_col_copy(s, 4, k->last_move, sizeof k->last_move);
	db_col_copy(s, 5, k->application_id, sizeof k->application_id);
	db_col_copy(s, 6, k->updated_at, sizeof k->updated_at);
	k->version = (long)sqlite3_column_int64(s, 7);
	db_col_copy(s, 8, k->office_code, sizeof k->office_code);
	db_col_copy(s, 9, k->app_number, sizeof k->app_number);
	db_col_copy(s, 10, k->received_at, sizeof k->received_at);
	db_col_copy(s, 11, k->last_note, sizeof k->last_note);
}

static enum status one(struct db *db, sqlite3_stmt *s, struct stock_key *out, const char *what,
		       struct err *e)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		key_row(s, out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return ST_OK;
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return err_set(e, ST_NOT_FOUND, "%s", what);
}

enum status stock_repo_get(struct db *db, const char *serial, struct stock_key *out,
			   struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " KEY_COLS KEY_FROM " WHERE k.serial = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, serial);
	char what[96];
	snprintf(what, sizeof what, "库存中没有序列号为 %.40s 的 KEY", serial);
	return one(db, s, out, what, e);
}

enum status stock_repo_issued_to(struct db *db, const char *application_id,
				 struct stock_key *out, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT " KEY_COLS KEY_FROM
				      " WHERE k.application_id = ?1 AND k.state = 'issued'", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, application_id);
	return one(db, s, out, "这份申请单还没有发放 KEY", e);
}

static enum status done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

enum status stock_repo_put(struct db *db, const struct stock_key *k, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO key_stock (serial, office_id, state, received_move, last_move,"
		" application_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT (serial) DO UPDATE SET office_id = excluded.office_id,"
		" state = excluded.state, received_move = excluded.received_move,"
		" last_move = excluded.last_move, application_id = excluded.application_id,"
		" updated_at = excluded.updated_at", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, k->serial);
	db_bind_text(s, 2, k->office_id);
	db_bind_text(s, 3, stock_state_code(k->state));
	db_bind_text(s, 4, k->received_move);
	db_bind_text(s, 5, k->last_move);
	db_bind_text_or_null(s, 6, k->application_id);
	db_bind_text(s, 7, k->updated_at);
	return done(db, s, e);
}

enum status stock_repo_move_insert(struct db *db, const struct stock_moverec *m, struct err *e)
{
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO key_moves (id, office_id, kind, count, first_serial, last_serial,"
		" application_id, note, at, by_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, m->id);
	db_bind_text(s, 2, m->office_id);
	db_bind_text(s, 3, stock_move_code(m->kind));
	sqlite3_bind_int(s, 4, m->count);
	db_bind_text(s, 5, m->first_serial);
	db_bind_text(s, 6, m->last_serial);
	db_bind_text_or_null(s, 7, m->application_id);
	db_bind_text(s, 8, m->note);
	db_bind_text(s, 9, m->at);
	db_bind_text(s, 10, m->by_id);
	return done(db, s, e);
}

enum status stock_repo_item_insert(struct db *db, const char *move_id, const char *serial,
				   const char *from_state, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "INSERT INTO key_move_items (move_id, serial, from_state)"
				      " VALUES (?1, ?2, ?3)", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, move_id);
	db_bind_text(s, 2, serial);
	db_bind_text(s, 3, from_state ? from_state : "");
	return done(db, s, e);
}

/* ---- lists ---- */

/* The statement texts, one per shape (state given or not, prefix given or
 * not, direction), made once: db_prep caches by address. */
enum { SHAPE_STATE = 1, SHAPE_PREFIX = 2 };
static const char *page_sql(unsigned shape, enum page_dir dir, bool count)
{
	static char sql[2][4][5][768];
	char *out = sql[count][shape][count ? 0 : dir];
	if (out[0])
		return out;
	int n = snprintf(out, sizeof sql[0][0][0], "SELECT %s%s WHERE k.office_id = ?1%s%s",
			 count ? "count(*)" : KEY_COLS, count ? " FROM key_stock k" : KEY_FROM,
			 shape & SHAPE_STATE ? " AND k.state = ?2" : "",
			 shape & SHAPE_PREFIX ? " AND k.serial >= ?3 AND k.serial < ?3 || '~'" : "");
	if (count)
		return out;
	static const char *const cond[] = {
		[PAGE_FIRST] = "", [PAGE_LAST] = "", [PAGE_AFTER] = " AND k.serial > ?4",
		[PAGE_BEFORE] = " AND k.serial < ?4", [PAGE_AT] = " AND k.serial >= ?4",
	};
	snprintf(out + n, sizeof sql[0][0][0] - (size_t)n, "%s ORDER BY k.serial%s LIMIT ?5",
		 cond[dir], page_backward(dir) ? " DESC" : "");
	return out;
}

static void bind_filter(sqlite3_stmt *s, const struct stock_filter *f)
{
	db_bind_text(s, 1, f->office_id);
	if (f->state >= 0)
		db_bind_text(s, 2, stock_state_code((enum stock_state)f->state));
	if (f->prefix[0])
		db_bind_text(s, 3, f->prefix);
}

static unsigned shape_of(const struct stock_filter *f)
{
	return (f->state >= 0 ? SHAPE_STATE : 0) | (f->prefix[0] ? SHAPE_PREFIX : 0);
}

int stock_repo_page(struct db *db, const struct stock_filter *f, enum page_dir dir,
		    const char *key, struct stock_key *out, int max, struct err *e)
{
	if ((unsigned)dir > PAGE_AT)
		dir = PAGE_FIRST;
	sqlite3_stmt *s = db_prep(db, page_sql(shape_of(f), dir, false), e);
	if (!s)
		return -1;
	bind_filter(s, f);
	if (dir == PAGE_AFTER || dir == PAGE_BEFORE || dir == PAGE_AT)
		db_bind_text(s, 4, key ? key : "");
	sqlite3_bind_int(s, 5, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW)
		key_row(s, &out[n++]);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

long stock_repo_count(struct db *db, const struct stock_filter *f)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, page_sql(shape_of(f), PAGE_FIRST, true), &e);
	if (!s)
		return -1;
	bind_filter(s, f);
	long n = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return n;
}

enum status stock_repo_counts(struct db *db, const char *office_id,
			      long out[STOCK_STATE__COUNT], struct err *e)
{
	memset(out, 0, sizeof(long) * STOCK_STATE__COUNT);
	bool one = office_id && *office_id;
	sqlite3_stmt *s = one ? db_prep(db, "SELECT state, count(*) FROM key_stock WHERE office_id = ?1"
					    " GROUP BY state", e)
			      : db_prep(db, "SELECT state, count(*) FROM key_stock GROUP BY state", e);
	if (!s)
		return e->st;
	if (one)
		db_bind_text(s, 1, office_id);
	int rc;
	enum status st = ST_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		enum stock_state k;
		if (stock_state_parse(db_col_text(s, 0), &k))
			out[k] += (long)sqlite3_column_int64(s, 1);
		else
			st = err_set(e, ST_INTERNAL, "KEY 库存中有本程序不认识的状态 %.20s",
				     db_col_text(s, 0));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return st;
}

enum status stock_repo_total(struct db *db, const char *office_id, long *out, struct err *e)
{
	bool one = office_id && *office_id;
	sqlite3_stmt *s = one ? db_prep(db, "SELECT count(*) FROM key_stock WHERE office_id = ?1", e)
			      : db_prep(db, "SELECT count(*) FROM key_stock", e);
	if (!s)
		return e->st;
	if (one)
		db_bind_text(s, 1, office_id);
	int rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? ST_OK : db_fail(db, rc, e);
}

enum status stock_repo_moved(struct db *db, const char *office_id, const char *by_id,
			     const char *from, const char *to, long out[MOVE__COUNT], struct err *e)
{
	memset(out, 0, sizeof(long) * MOVE__COUNT);
	/* Office given: its index (office_id, at). Every office: a scan of
	 * the movements, which are few (documents, not KEYs). */
	sqlite3_stmt *s = office_id && *office_id
		? db_prep(db, "SELECT kind, sum(count) FROM key_moves WHERE office_id = ?1"
			      " AND at >= ?2 AND at < ?3 AND (?4 = '' OR by_id = ?4) GROUP BY kind", e)
		: db_prep(db, "SELECT kind, sum(count) FROM key_moves WHERE"
			      " at >= ?2 AND at < ?3 AND (?4 = '' OR by_id = ?4) GROUP BY kind", e);
	if (!s)
		return e->st;
	if (office_id && *office_id)
		db_bind_text(s, 1, office_id);
	db_bind_text(s, 2, from && *from ? from : "");
	db_bind_text(s, 3, to && *to ? to : "~");
	db_bind_text(s, 4, by_id ? by_id : "");
	int rc;
	enum status st = ST_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		enum stock_move m;
		if (stock_move_parse(db_col_text(s, 0), &m))
			out[m] += (long)sqlite3_column_int64(s, 1);
		else
			st = err_set(e, ST_INTERNAL, "KEY 台账中有本程序不认识的操作 %.20s",
				     db_col_text(s, 0));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return st;
}

int stock_repo_moves(struct db *db, const char *office_id, enum page_dir dir, const char *key,
		     struct stock_moverec *out, int max, struct err *e)
{
	static const char cols[] =
		"SELECT m.id, m.office_id, m.kind, m.count, m.first_serial, m.last_serial,"
		" coalesce(m.application_id, ''), m.note, m.at, m.by_id, m.version,"
		" coalesce(s.name, ''), coalesce(a.number, '')"
		" FROM key_moves m LEFT JOIN staff s ON s.id = m.by_id"
		" LEFT JOIN applications a ON a.id = m.application_id WHERE m.office_id = ?1";
	static const char first[] = "%s ORDER BY m.id DESC LIMIT ?3";
	static const char after[] = "%s AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3";
	static char sql_first[1024], sql_after[1024];
	if (!sql_first[0]) {
		snprintf(sql_first, sizeof sql_first, first, cols);
		snprintf(sql_after, sizeof sql_after, after, cols);
	}
	sqlite3_stmt *s = db_prep(db, dir == PAGE_AFTER ? sql_after : sql_first, e);
	if (!s)
		return -1;
	db_bind_text(s, 1, office_id);
	if (dir == PAGE_AFTER)
		db_bind_text(s, 2, key ? key : "");
	sqlite3_bind_int(s, 3, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct stock_moverec *m = &out[n++];
		memset(m, 0, sizeof *m);
		db_col_copy(s, 0, m->id, sizeof m->id);
		db_col_copy(s, 1, m->office_id, sizeof m->office_id);
		if (!stock_move_parse(db_col_text(s, 2), &m->kind))
			m->kind = MOVE__COUNT;
		m->count = sqlite3_column_int(s, 3);
		db_col_copy(s, 4, m->first_serial, sizeof m->first_serial);
		db_col_copy(s, 5, m->last_serial, sizeof m->last_serial);
		db_col_copy(s, 6, m->application_id, sizeof m->application_id);
		db_col_copy(s, 7, m->note, sizeof m->note);
		db_col_copy(s, 8, m->at, sizeof m->at);
		db_col_copy(s, 9, m->by_id, sizeof m->by_id);
		m->version = (long)sqlite3_column_int64(s, 10);
		db_col_copy(s, 11, m->by_name, sizeof m->by_name);
		db_col_copy(s, 12, m->app_number, sizeof m->app_number);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(db, rc, e);
		return -1;
	}
	return n;
}
