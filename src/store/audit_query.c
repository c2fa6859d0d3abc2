#include "store/audit_query.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define COLS "seq, at, actor_name, action, entity, entity_id, before, after"

/*
 * One statement per combination of filters and direction, assembled from
 * fixed fragments once and kept (so the statement cache prepares each
 * once), each read through one index in seq order:
 * - a record: audit_entity_seq (entity_id, seq), the person checked on the row;
 * - else a member of staff: audit_actor_name (actor_name, seq);
 * - else the log itself by seq.
 * Dates are a seq range: from the least to the greatest seq of the entries
 * in [from, to), both found in one pass over audit_at (r, materialized;
 * read as scalar subqueries, so that the index's seq order still serves
 * ORDER BY), with `at` checked again on each row, so entries whose `at` is
 * out of seq order are neither lost nor taken. The '+' keeps SQLite from reading another index for a condition
 * checked on the row. Bindings: ?1 actor, ?2 entity_id, ?3 from, ?4 to,
 * ?5 key, ?6 limit.
 */
enum { AF_ACTOR = 1, AF_ENTITY = 2, AF_FROM = 4, AF_TO = 8, AF__ALL = 16 };
static char *shapes[AF__ALL][PAGE_AT + 1];
static pthread_mutex_t shapes_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned mask_of(const struct audit_where *w)
{
	if (!w)
		return 0;
	return (w->actor && *w->actor ? AF_ACTOR : 0) | (w->entity_id && *w->entity_id ? AF_ENTITY : 0) |
	       (w->from && *w->from ? AF_FROM : 0) | (w->to && *w->to ? AF_TO : 0);
}

static const char *shape(unsigned m, enum page_dir dir)
{
	pthread_mutex_lock(&shapes_lock);
	char **slot = &shapes[m][dir];
	if (!*slot) {
		struct buf b;
		buf_init(&b, 1024);
		if (m & (AF_FROM | AF_TO)) {
			const char *in = (m & AF_FROM) && (m & AF_TO) ? "at >= ?3 AND at < ?4"
					 : m & AF_FROM		 ? "at >= ?3"
								 : "at < ?4";
			/* One pass over audit_at for both ends; NULL ends (no
			 * entry on those dates) take no row. */
			buf_printf(&b, "WITH r(lo, hi) AS MATERIALIZED (SELECT min(seq), max(seq)"
				       " FROM audit_log INDEXED BY audit_at WHERE %s) SELECT " COLS
				       " FROM audit_log WHERE seq >= (SELECT lo FROM r)"
				       " AND seq <= (SELECT hi FROM r)", in);
			if (m & AF_FROM)
				buf_adds(&b, " AND +at >= ?3");
			if (m & AF_TO)
				buf_adds(&b, " AND +at < ?4");
		} else {
			buf_adds(&b, "SELECT " COLS " FROM audit_log WHERE 1");
		}
		if (m & AF_ENTITY)
			buf_adds(&b, " AND entity_id = ?2");
		if (m & AF_ACTOR)
			buf_adds(&b, m & AF_ENTITY ? " AND +actor_name = ?1" : " AND actor_name = ?1");
		switch (dir) {
		case PAGE_AFTER:
			buf_adds(&b, " AND seq < ?5 ORDER BY seq DESC");
			break;
		case PAGE_BEFORE:
			buf_adds(&b, " AND seq > ?5 ORDER BY seq");
			break;
		case PAGE_AT:
			buf_adds(&b, " AND seq <= ?5 ORDER BY seq DESC");
			break;
		case PAGE_LAST:
			buf_adds(&b, " ORDER BY seq");
			break;
		default:
			buf_adds(&b, " ORDER BY seq DESC");
			break;
		}
		buf_adds(&b, " LIMIT ?6");
		*slot = buf_steal(&b);
	}
	const char *sql = *slot;
	pthread_mutex_unlock(&shapes_lock);
	return sql;
}

int audit_page(struct db *db, const struct audit_where *w, enum page_dir dir, long long key,
	       struct audit_row *out, int max, struct err *e)
{
	if ((unsigned)dir > PAGE_AT) {
		err_set(e, ST_INVALID, "翻页方向无效");
		return -1;
	}
	unsigned m = mask_of(w);
	const char *sql = shape(m, dir);
	if (!sql) {
		err_status(e, ST_NOMEM);
		return -1;
	}
	sqlite3_stmt *s = db_prep(db, sql, e);
	if (!s)
		return -1;
	if (m & AF_ACTOR)
		db_bind_text(s, 1, w->actor);
	if (m & AF_ENTITY)
		db_bind_text(s, 2, w->entity_id);
	if (m & AF_FROM)
		db_bind_text(s, 3, w->from);
	if (m & AF_TO)
		db_bind_text(s, 4, w->to);
	if (dir == PAGE_AFTER || dir == PAGE_BEFORE || dir == PAGE_AT)
		sqlite3_bind_int64(s, 5, key);
	sqlite3_bind_int(s, 6, max);
	int n = 0, rc = SQLITE_DONE;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_row *r = &out[n++];
		memset(r, 0, sizeof *r);
		r->seq = sqlite3_column_int64(s, 0);
		db_col_copy(s, 1, r->at, sizeof r->at);
		db_col_copy(s, 2, r->actor_name, sizeof r->actor_name);
		db_col_copy(s, 3, r->action, sizeof r->action);
		db_col_copy(s, 4, r->entity, sizeof r->entity);
		db_col_copy(s, 5, r->entity_id, sizeof r->entity_id);
		if (sqlite3_column_type(s, 6) != SQLITE_NULL)
			r->before = strdup(db_col_text(s, 6));
		if (sqlite3_column_type(s, 7) != SQLITE_NULL)
			r->after = strdup(db_col_text(s, 7));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		audit_rows_done(out, n);
		db_fail(db, rc, e);
		return -1;
	}
	page_order(dir, out, sizeof out[0], n);
	return n;
}

void audit_rows_done(struct audit_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].before);
		free(rows[i].after);
		rows[i].before = rows[i].after = NULL;
	}
}
