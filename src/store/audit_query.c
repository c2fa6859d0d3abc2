#include "store/audit_query.h"

#include <stdlib.h>
#include <string.h>

#define COLS "seq, at, actor_name, action, entity, entity_id, before, after"
#define WHERE " WHERE (?1 = '' OR actor_name = ?1) AND (?2 = '' OR entity_id = ?2)" \
	" AND (?3 = '' OR at >= ?3) AND (?4 = '' OR at < ?4)"

int audit_page(struct db *db, const struct audit_where *w, enum page_dir dir, long long key,
	       struct audit_row *out, int max, struct err *e)
{
	static const char *const sql[] = {
		[PAGE_FIRST] = "SELECT " COLS " FROM audit_log" WHERE " ORDER BY seq DESC LIMIT ?6",
		[PAGE_LAST] = "SELECT " COLS " FROM audit_log" WHERE " ORDER BY seq LIMIT ?6",
		[PAGE_AFTER] = "SELECT " COLS " FROM audit_log" WHERE " AND seq < ?5 ORDER BY seq DESC LIMIT ?6",
		[PAGE_BEFORE] = "SELECT " COLS " FROM audit_log" WHERE " AND seq > ?5 ORDER BY seq LIMIT ?6",
		[PAGE_AT] = "SELECT " COLS " FROM audit_log" WHERE " AND seq <= ?5 ORDER BY seq DESC LIMIT ?6",
	};
	/* With an entity the index on (entity, entity_id) is not usable without
	 * the entity name; entity_id alone is rare enough to scan by seq. */
	sqlite3_stmt *s = db_prep(db, sql[dir], e);
	if (!s)
		return -1;
	db_bind_text(s, 1, w && w->actor ? w->actor : "");
	db_bind_text(s, 2, w && w->entity_id ? w->entity_id : "");
	db_bind_text(s, 3, w && w->from ? w->from : "");
	db_bind_text(s, 4, w && w->to ? w->to : "");
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
