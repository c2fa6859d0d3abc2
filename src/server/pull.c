/* GET /v1/sync/pull (docs/SYNC.md, Pull). */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/parse.h"
#include "server/routes.h"
#include "store/sync_tables.h"
#include "util/buf.h"
#include "util/log.h"

#define PULL_DEFAULT 500
#define PULL_MAX 2000
/* A page of 2000 large rows fits with room to spare. */
#define PULL_MAX_BYTES (64u << 20)

/* A query value as a number; *out keeps its default when absent. */
static bool query_uint(struct route_request *rq, const char *name, uint64_t max, uint64_t *out,
		       struct route_response *rs)
{
	const char *v = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
	if (!v)
		return true;
	if (parse_uint(v, max, out))
		return true;
	char msg[128];
	snprintf(msg, sizeof msg, "参数 %s 应为不大于 %llu 的非负整数", name,
		 (unsigned long long)max);
	route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", msg);
	return false;
}

/*
 * Change entries as sent, by seq. An entry never goes stale: a row that
 * changes again gets a new seq, and its old one is deleted from the feed in
 * the same transaction, so whoever reads seq N reads the row as N left it.
 * When many terminals pull the same new rows (every office pulls every
 * applicant), each row is rendered once. A slot per seq modulo the size:
 * recent seqs do not collide, old ones are simply rendered again.
 */
#define CACHE_SLOTS 16384
#define CACHE_ENTRY_MAX 4096   /* larger entries are not kept: 64 MiB at most */
#define CACHE_LOCKS 64

static struct {
	long long seq;
	char *text;            /* owned; NULL: empty */
	size_t len;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu[CACHE_LOCKS];

static bool cache_get(long long seq, struct buf *out)
{
	size_t slot = (size_t)seq % CACHE_SLOTS;
	pthread_mutex_t *mu = &cache_mu[slot % CACHE_LOCKS];
	pthread_mutex_lock(mu);
	bool hit = cache[slot].text && cache[slot].seq == seq;
	if (hit)
		buf_add(out, cache[slot].text, cache[slot].len);
	pthread_mutex_unlock(mu);
	return hit;
}

static void cache_put(long long seq, const char *text, size_t len)
{
	char *copy = len <= CACHE_ENTRY_MAX ? malloc(len) : NULL;
	if (!copy)
		return;
	memcpy(copy, text, len);
	size_t slot = (size_t)seq % CACHE_SLOTS;
	pthread_mutex_t *mu = &cache_mu[slot % CACHE_LOCKS];
	pthread_mutex_lock(mu);
	char *old = cache[slot].text;
	cache[slot].seq = seq;
	cache[slot].text = copy;
	cache[slot].len = len;
	pthread_mutex_unlock(mu);
	free(old);
}

/*
 * Each synced table's row as JSON text, made by SQLite: every column with
 * its type, as sync_row_get gives it, without a statement prepared and a
 * tree of JSON values built per row (that costs more than the rest of a
 * pull together). Built once from the schema; db_prep caches statements
 * by the address of their text, so the texts live as long as the process.
 */
static char *row_sql[32];

enum status sync_pull_setup(struct db *db, struct err *e)
{
	if (row_sql[0])
		return ST_OK;
	for (int i = 0; i < CACHE_LOCKS; i++)
		pthread_mutex_init(&cache_mu[i], NULL);
	if (sync_tables_count > (int)(sizeof row_sql / sizeof row_sql[0]))
		return err_set(e, ST_INTERNAL, "程序内部错误：同步表过多");
	for (int i = 0; i < sync_tables_count; i++) {
		const struct sync_table *t = &sync_tables[i];
		char pragma[96];
		snprintf(pragma, sizeof pragma, "PRAGMA table_info(\"%s\")", t->name);
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(db_handle(db), pragma, -1, &s, NULL) != SQLITE_OK)
			return db_fail(db, sqlite3_errcode(db_handle(db)), e);
		struct buf b;
		buf_init(&b, 64 * 1024);
		buf_adds(&b, "SELECT json_object(");
		int n = 0;
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *col = db_col_text(s, 1);
			buf_printf(&b, "%s'%s', \"%s\"", n++ ? ", " : "", col, col);
		}
		sqlite3_finalize(s);
		buf_printf(&b, ") FROM \"%s\" WHERE ", t->name);
		for (int k = 0; k < 3 && t->key[k]; k++)
			buf_printf(&b, "%s\"%s\" = json_extract(?1, '$.%s')", k ? " AND " : "",
				   t->key[k], t->key[k]);
		if (!n || !b.data) {
			buf_done(&b);
			return err_set(e, ST_SCHEMA, "数据库缺少同步表 %s", t->name);
		}
		/* Prepared once here so that a table SQLite cannot render (too
		 * many columns for one call) stops the start, not a pull. */
		if (sqlite3_prepare_v2(db_handle(db), buf_str(&b), -1, &s, NULL) != SQLITE_OK) {
			enum status st = db_fail(db, sqlite3_errcode(db_handle(db)), e);
			buf_done(&b);
			return st;
		}
		sqlite3_finalize(s);
		row_sql[i] = buf_steal(&b);
	}
	return ST_OK;
}

/* Append one change entry: the row as the centre has it, or its deletion;
 * *written counts the entries. False on a database error. */
static bool change_text(struct db *db, sqlite3_stmt *c, struct buf *out, long long *written,
			struct err *e)
{
	long long seq = sqlite3_column_int64(c, 0);
	const char *tbl = db_col_text(c, 1), *key = db_col_text(c, 2);
	const struct sync_table *t = sync_table_find(tbl);
	if (!t) {
		log_warn("change %lld names an unknown table", seq);
		return true;
	}
	if ((*written)++)
		buf_addc(out, ',');
	if (cache_get(seq, out))
		return true;
	size_t start = out->len;
	buf_printf(out, "{\"seq\":%lld,\"table\":\"%s\",\"key\":%s,", seq, t->name, key);
	bool found = false;
	if (!sqlite3_column_int(c, 3)) {
		sqlite3_stmt *s = db_prep(db, row_sql[t - sync_tables], e);
		if (!s)
			return false;
		db_bind_text(s, 1, key);
		int rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			buf_adds(out, "\"row\":");
			buf_add(out, sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
			buf_addc(out, '}');
			found = true;
		}
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			db_fail(db, rc, e);
			return false;
		}
	}
	if (!found)
		buf_adds(out, "\"deleted\":true}");
	if (out->data)
		cache_put(seq, out->data + start, out->len - start);
	return true;
}

/*
 * Within one read transaction (a snapshot: WAL readers never wait for the
 * writer): the terminal's changes after `since`, one more than the page to
 * learn whether there are more, and the feed's end.
 */
static enum status pull_page(struct db *db, const struct sync_peer *peer, long long since,
			     long long limit, struct buf *out, struct route_response *rs,
			     struct err *e)
{
	sqlite3_stmt *s = db_prep(db, "SELECT coalesce(max(seq), 0) FROM changes", e);
	if (!s)
		return e->st;
	int rc = sqlite3_step(s);
	long long end = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return db_fail(db, rc, e);
	if (since > end) {
		char msg[200];
		snprintf(msg, sizeof msg, "本终端的同步位置（%lld）超出中心的数据（%lld）：中心可能从备份恢复过，"
			 "请联系中心管理员", since, end);
		route_error(rs, MHD_HTTP_CONFLICT, "cursor_ahead", msg);
		return ST_OK;
	}
	/* Two ordered index walks merged: the shared rows and the office's. */
	s = peer->all_offices
		? db_prep(db, "SELECT seq, tbl, key, deleted FROM changes WHERE seq > ?1"
			      " ORDER BY seq LIMIT ?2", e)
		: db_prep(db, "SELECT seq, tbl, key, deleted FROM changes"
			      " WHERE office_id IS NULL AND seq > ?1"
			      " UNION ALL SELECT seq, tbl, key, deleted FROM changes"
			      " WHERE office_id = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2", e);
	if (!s)
		return e->st;
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_int64(s, 2, limit + 1);
	if (!peer->all_offices)
		db_bind_text(s, 3, peer->office_id);
	buf_adds(out, "{\"changes\":[");
	long long last = since, n = 0, written = 0;
	bool more = false;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		if (!change_text(db, s, out, &written, e)) {
			rc = SQLITE_ERROR;
			break;
		}
		last = sqlite3_column_int64(s, 0);
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return e->st != ST_OK ? e->st : db_fail(db, rc, e);
	/* A whole page ends at its last row; a last page at the feed's end,
	 * so that other offices' changes are not scanned again. */
	buf_printf(out, "],\"next\":%lld,\"more\":%s}", more ? last : end, more ? "true" : "false");
	if (!out->data)
		return err_set(e, ST_NOMEM, "同步数据过大，请用较小的 limit 重试");
	return ST_OK;
}

void sync_pull(struct route_request *rq, struct route_response *rs)
{
	uint64_t since = 0, limit = PULL_DEFAULT;
	if (!query_uint(rq, "since", (uint64_t)INT64_MAX, &since, rs) ||
	    !query_uint(rq, "limit", UINT32_MAX, &limit, rs))
		return;
	if (limit == 0) {
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", "参数 limit 应为 1 到 2000");
		return;
	}
	if (limit > PULL_MAX)
		limit = PULL_MAX;
	struct err e;
	err_clear(&e);
	struct db *db = request_db(rq, &e);
	if (!db || db_exec(db, "BEGIN", &e) != ST_OK) {
		route_fail(rs, &e);
		return;
	}
	struct buf out;
	buf_init(&out, PULL_MAX_BYTES);
	enum status st = pull_page(db, rq->peer, (long long)since, (long long)limit, &out, rs, &e);
	db_exec(db, "COMMIT", NULL);
	if (st != ST_OK) {
		route_fail(rs, &e);
	} else if (!rs->body) {
		rs->code = MHD_HTTP_OK;
		rs->text_len = out.len;
		rs->text = buf_steal(&out);
	}
	buf_done(&out);
}
