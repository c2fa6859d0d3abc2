/* Pull: the centre's rows come down page by page, each page written with
 * the cursor move in one transaction (docs/SYNC.md, Pull). Local work
 * comes first: a row that local ops still stand on waits in
 * sync_deferred, and so does a row that clashes with a local record on a
 * UNIQUE column (the same phone registered here offline) until a person
 * resolves the conflict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/settings.h"
#include "sync/sync_int.h"
#include "util/jsonx.h"
#include "util/log.h"

bool sync_row_blocked(struct db *db, const struct sync_table *t, json_t *key)
{
	/* Tables keyed by id: the row's own ops. Child tables without an id
	 * (order_lines...): the ops of the parent, their first key column,
	 * since the parent's commands are what write them. */
	const char *id = jx_cstr(key, t->key[0]);
	if (!id)
		return false;
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT EXISTS (SELECT 1 FROM outbox WHERE entity_id = ?1"
				      " AND state IN ('pending', 'rejected'))", &e);
	if (!s)
		return true; /* cannot tell: do not overwrite */
	db_bind_text(s, 1, id);
	bool yes = sqlite3_step(s) != SQLITE_ROW || sqlite3_column_int(s, 0) != 0;
	sqlite3_reset(s);
	return yes;
}

enum status sync_defer(struct db *db, const char *table, json_t *key, long long seq, bool deleted,
		       json_t *row, const char *reason, struct err *e)
{
	char *k = jx_dump(key), *r = deleted ? NULL : jx_dump(row);
	sqlite3_stmt *s = db_prep(db,
		"INSERT INTO sync_deferred (tbl, key, seq, deleted, row, reason)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tbl, key) DO UPDATE SET"
		" seq = excluded.seq, deleted = excluded.deleted, row = excluded.row,"
		" reason = excluded.reason WHERE excluded.seq >= sync_deferred.seq", e);
	enum status st = s ? ST_OK : e->st;
	if (s) {
		db_bind_text(s, 1, table);
		db_bind_text(s, 2, k);
		sqlite3_bind_int64(s, 3, seq);
		sqlite3_bind_int(s, 4, deleted);
		db_bind_text_or_null(s, 5, r);
		db_bind_text(s, 6, reason);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			st = db_fail(db, rc, e);
	}
	free(k);
	free(r);
	return st;
}

enum status sync_undefer(struct db *db, const char *table, json_t *key, struct err *e)
{
	char *k = jx_dump(key);
	sqlite3_stmt *s = db_prep(db, "DELETE FROM sync_deferred WHERE tbl = ?1 AND key = ?2", e);
	enum status st = s ? ST_OK : e->st;
	if (s) {
		db_bind_text(s, 1, table);
		db_bind_text(s, 2, k);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			st = db_fail(db, rc, e);
	}
	free(k);
	return st;
}

/* The price list a terminal made at first-run setup (version 0, never at
 * the centre) gives way to the centre's, row by row as it arrives: the
 * same kind, subject and years is the same price. */
static enum status drop_local_price(struct db *db, json_t *row, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "DELETE FROM price_list WHERE kind = ?1 AND subject = ?2"
				      " AND years = ?3 AND version = 0 AND id <> ?4", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, jx_cstr(row, "kind"));
	db_bind_text(s, 2, jx_cstr(row, "subject"));
	sqlite3_bind_int64(s, 3, json_integer_value(json_object_get(row, "years")));
	db_bind_text(s, 4, jx_cstr(row, "id"));
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, e);
	return sqlite3_changes(db_handle(db)) > 0 ? ST_OK : ST_NOT_FOUND;
}

enum status sync_write_row(struct db *db, const struct sync_table *t, json_t *key, json_t *row,
			   bool deleted, bool *unique_clash, struct err *e)
{
	*unique_clash = false;
	if (deleted)
		return sync_row_delete(db, t, key, e);
	json_t *r = row;
	if (strcmp(t->name, "blobs") == 0) {
		/* pushed_at is this terminal's own fact about its upload. */
		r = json_deep_copy(row);
		json_object_del(r, "pushed_at");
	}
	struct err pe;
	err_clear(&pe);
	enum status st = ST_OK;
	if (strcmp(t->name, "price_list") == 0) {
		st = drop_local_price(db, r, &pe);
		st = st == ST_NOT_FOUND ? ST_OK : st;
	}
	if (st == ST_OK)
		st = sync_row_put(db, t, r, &pe);
	int xrc = sqlite3_extended_errcode(db_handle(db));
	if (r != row)
		json_decref(r);
	if (st != ST_OK && xrc == SQLITE_CONSTRAINT_UNIQUE) {
		*unique_clash = true;
		return ST_OK;
	}
	if (st != ST_OK && e)
		*e = pe;
	return st;
}

/* Write one change, or hold it back; *written says which. */
static enum status apply_change(struct db *db, const struct sync_table *t, json_t *key,
				json_t *row, bool deleted, long long seq, bool *written,
				struct err *e)
{
	*written = false;
	if (sync_row_blocked(db, t, key))
		return sync_defer(db, t->name, key, seq, deleted, row, "pending", e);
	bool clash;
	enum status st = sync_write_row(db, t, key, row, deleted, &clash, e);
	if (st != ST_OK)
		return st;
	if (clash)
		return sync_defer(db, t->name, key, seq, deleted, row, "unique", e);
	*written = true;
	/* An older version held back for this row is now out of date. */
	return sync_undefer(db, t->name, key, e);
}

/*
 * Foreign keys are off while pulled rows are written, and on again after.
 * The centre sends rows in the order of its change feed, which keeps only
 * the latest change per row: a parent edited after its child was created
 * comes after the child, possibly in a later page, and a row may name one
 * this terminal never receives (a staff member of another office who
 * reviewed an application here). The centre has checked its references;
 * the terminal writes what it is given. The pragma cannot change inside a
 * transaction, so it is set around it, on this connection only.
 */
static enum status fk_off(struct db *db, struct err *e)
{
	return db_exec(db, "PRAGMA foreign_keys = OFF", e);
}

static void fk_on(struct db *db)
{
	struct err e;
	if (db_exec(db, "PRAGMA foreign_keys = ON", &e) != ST_OK)
		log_error("sync: cannot turn foreign keys back on: %s", status_code(e.st));
}

enum status sync_apply_page(struct db *db, json_t *changes, long long next, struct sync_stats *stats,
			    struct err *e)
{
	if (!json_is_array(changes))
		return err_set(e, ST_NET, "中心的拉取应答格式无效，稍后自动重试");
	enum status st = fk_off(db, e);
	if (st != ST_OK)
		return st;
	st = db_begin(db, e);
	if (st != ST_OK) {
		fk_on(db);
		return st;
	}
	long pulled = 0, deferred = 0;
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c) {
		const struct sync_table *t = sync_table_find(jx_cstr(c, "table"));
		if (!t) {
			/* A table this program does not have (a newer centre). */
			log_warn("sync: change for unknown table skipped");
			continue;
		}
		json_t *row = json_object_get(c, "row");
		bool deleted = json_is_true(json_object_get(c, "deleted"));
		json_t *given = json_object_get(c, "key");
		json_t *key = sync_key_of_row(t, json_is_object(given) ? given : row);
		json_int_t seq = json_integer_value(json_object_get(c, "seq"));
		bool written = false;
		if (!jx_cstr(key, t->key[0]) || (!deleted && !json_is_object(row)))
			log_warn("sync: malformed change %lld for %s skipped", (long long)seq, t->name);
		else
			st = apply_change(db, t, key, row, deleted, seq, &written, e);
		json_decref(key);
		if (st != ST_OK)
			break;
		if (written)
			pulled++;
		else
			deferred++;
	}
	if (st == ST_OK)
		st = settings_set_int(db, "sync_cursor", next, e);
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	fk_on(db);
	if (st == ST_OK) {
		stats->pulled += pulled;
		stats->deferred += deferred;
		stats->cursor = next;
	}
	return st;
}

/* A held-back row as read from sync_deferred. */
struct held {
	const struct sync_table *t;
	json_t *key, *row;
	bool deleted;
	long long seq;
};

enum status sync_retry_deferred(struct db *db, struct sync_stats *stats, struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT tbl, key, deleted, row, seq FROM sync_deferred"
				      " ORDER BY seq", e);
	if (!s)
		return e->st;
	size_t n = 0, cap = 0;
	struct held *h = NULL;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct held *nh = realloc(h, cap * sizeof *h);
			if (!nh)
				break;
			h = nh;
		}
		struct held x = {
			.t = sync_table_find(db_col_text(s, 0)),
			.key = json_loads(db_col_text(s, 1), 0, NULL),
			.deleted = sqlite3_column_int(s, 2) != 0,
			.row = sqlite3_column_type(s, 3) == SQLITE_NULL
				       ? NULL : json_loads(db_col_text(s, 3), 0, NULL),
			.seq = sqlite3_column_int64(s, 4),
		};
		h[n++] = x;
	}
	sqlite3_reset(s);
	enum status st = ST_OK;
	if (n == 0) {
		free(h);
		return ST_OK;
	}
	st = fk_off(db, e);
	if (st == ST_OK) {
		st = db_begin(db, e);
		if (st != ST_OK)
			fk_on(db);
	}
	long written = 0;
	for (size_t i = 0; st == ST_OK && i < n; i++) {
		if (!h[i].t || !json_is_object(h[i].key) || (!h[i].deleted && !json_is_object(h[i].row)))
			continue;
		if (sync_row_blocked(db, h[i].t, h[i].key))
			continue;
		bool clash;
		st = sync_write_row(db, h[i].t, h[i].key, h[i].row, h[i].deleted, &clash, e);
		if (st == ST_OK && !clash) {
			st = sync_undefer(db, h[i].t->name, h[i].key, e);
			written++;
		}
	}
	if (n) {
		if (st == ST_OK)
			st = db_commit(db, e);
		else if (db_in_tx(db))
			db_rollback(db);
		fk_on(db);
	}
	for (size_t i = 0; i < n; i++) {
		json_decref(h[i].key);
		json_decref(h[i].row);
	}
	free(h);
	if (st == ST_OK)
		stats->pulled += written;
	return st;
}

enum status sync_pull(struct sync_ctx *c, struct sync_stats *stats, struct err *e)
{
	c->prog = (struct sync_progress){ .phase = SYNC_PHASE_PULL, .bytes = c->prog.bytes };
	sync_report(c);
	for (int pages = 0;; pages++) {
		if (sync_stopping(c))
			return err_set(e, ST_CANCELLED, "同步已停止");
		long long since = settings_get_int(c->db, "sync_cursor", 0);
		char path[96];
		snprintf(path, sizeof path, "/v1/sync/pull?since=%lld&limit=%ld", since,
			 c->opts->pull_limit);
		json_t *ans = NULL;
		enum status st = sync_call(c->http, c->url, c->auth, "GET", path, NULL, &ans, e);
		if (st != ST_OK)
			return st;
		json_t *changes = json_object_get(ans, "changes");
		json_t *jn = json_object_get(ans, "next");
		long long next = json_is_integer(jn) ? json_integer_value(jn) : since;
		bool more = json_is_true(json_object_get(ans, "more"));
		st = sync_apply_page(c->db, changes, next, stats, e);
		c->prog.done += (long)json_array_size(changes);
		json_decref(ans);
		if (st != ST_OK)
			return st;
		sync_report(c);
		if (!more)
			break;
		if (next <= since) {
			log_warn("sync: pull cursor did not move (%lld), stopping", since);
			break;
		}
	}
	return sync_retry_deferred(c->db, stats, e);
}
