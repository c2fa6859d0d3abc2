/* Push: the outbox goes up in seq order, in batches, each op's files
 * first (docs/SYNC.md, Push and Blobs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/outbox.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

/* Room left in a batch for the wrapper around the ops. */
#define BATCH_SLACK 4096

json_t *sync_envelope(const char *op_id, const char *command, const char *actor_id,
		      const char *entity, const char *entity_id, long long base_version,
		      const char *at, const char *payload)
{
	json_t *p = json_loads(payload ? payload : "", JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(p)) {
		json_decref(p);
		return NULL;
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "op_id", op_id, "command",
			 command, "actor_id", actor_id, "entity", entity, "entity_id", entity_id,
			 "base_version", (json_int_t)base_version, "at", at, "payload", p);
}

static bool sha_ok(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

bool sync_payload_blobs(json_t *payload, bool (*fn)(const char *sha256, void *ctx), void *ctx)
{
	const char *sha = jx_cstr(payload, "sha256");
	if (sha_ok(sha) && !fn(sha, ctx))
		return false;
	sha = jx_cstr(json_object_get(payload, "file"), "sha256");
	if (sha_ok(sha) && !fn(sha, ctx))
		return false;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(payload, "slips"), i, v) {
		sha = jx_cstr(v, "sha256");
		if (sha_ok(sha) && !fn(sha, ctx))
			return false;
	}
	return true;
}

/* ---- answers ---------------------------------------------------------------- */

static enum status step_done(struct db *db, sqlite3_stmt *s, struct err *e)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? ST_OK : db_fail(db, rc, e);
}

static enum status apply_one(struct db *db, json_t *r, const char *now, struct sync_stats *st,
			     bool *stop_push, struct err *e)
{
	const char *op_id = jx_cstr(r, "op_id"), *status = jx_cstr(r, "status");
	const char *code = jx_cstr(r, "code"), *msg = jx_cstr(r, "message");
	if (!op_id)
		return ST_OK;
	sqlite3_stmt *s;
	if (status && (strcmp(status, "applied") == 0 || strcmp(status, "duplicate") == 0)) {
		s = db_prep(db, "UPDATE outbox SET state = ?2, done_at = ?3, result_code = NULL,"
				" result_msg = NULL, result_field = NULL, centre_row = NULL"
				" WHERE op_id = ?1 AND state = 'pending'", e);
		if (!s)
			return e->st;
		db_bind_text(s, 1, op_id);
		db_bind_text(s, 2, status);
		db_bind_text(s, 3, now);
		st->pushed++;
		return step_done(db, s, e);
	}
	if (status && strcmp(status, "rejected") == 0) {
		char *row = jx_dump(json_object_get(r, "row"));
		s = db_prep(db, "UPDATE outbox SET state = 'rejected', done_at = ?2, result_code = ?3,"
				" result_msg = ?4, result_field = ?5, centre_row = ?6"
				" WHERE op_id = ?1 AND state = 'pending'", e);
		if (!s) {
			free(row);
			return e->st;
		}
		db_bind_text(s, 1, op_id);
		db_bind_text(s, 2, now);
		db_bind_text(s, 3, code ? code : "invalid");
		db_bind_text(s, 4, msg ? msg : "中心拒绝了此操作");
		db_bind_text_or_null(s, 5, jx_cstr(r, "field"));
		if (row && strcmp(row, "null") != 0)
			db_bind_text(s, 6, row);
		else
			sqlite3_bind_null(s, 6);
		enum status rs = step_done(db, s, e);
		free(row);
		st->rejected++;
		log_info("sync: op %s rejected (%s)", op_id, code ? code : "?");
		return rs;
	}
	/* "retry", or an answer this program does not know: keep the op and
	 * stop pushing for this round (a later op may depend on it). */
	*stop_push = true;
	st->retry++;
	s = db_prep(db, "UPDATE outbox SET attempts = attempts + 1, result_code = ?2, result_msg = ?3"
			" WHERE op_id = ?1 AND state = 'pending'", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, op_id);
	db_bind_text_or_null(s, 2, code);
	db_bind_text_or_null(s, 3, msg);
	return step_done(db, s, e);
}

enum status sync_apply_results(struct db *db, json_t *results, struct sync_stats *st,
			       bool *stop_push, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	if (!json_is_array(results))
		return err_set(e, ST_NET, "中心的推送应答格式无效，稍后自动重试");
	enum status s = db_begin(db, e);
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		if (s != ST_OK)
			break;
		s = apply_one(db, r, now, st, stop_push, e);
	}
	if (s == ST_OK)
		return db_commit(db, e);
	db_rollback(db);
	return s;
}

/* ---- the push loop -------------------------------------------------------------- */

/* An op in the outbox, as read for a batch. */
struct op_row {
	char op_id[UUID_LEN + 1];
	long long seq;
};

/* A local op whose payload is not JSON cannot be sent: it goes to the
 * conflict list instead of blocking the queue. */
static enum status refuse_locally(struct db *db, const char *op_id, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE outbox SET state = 'rejected', done_at = ?2,"
				      " result_code = 'invalid', result_msg = '本机的操作记录已损坏，无法发送'"
				      " WHERE op_id = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, op_id);
	db_bind_text(s, 2, now);
	return step_done(db, s, e);
}

struct blob_walk {
	struct sync_ctx *c;
	struct sync_stats *st;
	enum status status;
	struct err *e;
};

static bool blob_pushed(struct db *db, const char *sha)
{
	struct err e;
	sqlite3_stmt *s = db_prep(db, "SELECT pushed_at IS NOT NULL FROM blobs WHERE sha256 = ?1", &e);
	if (!s)
		return false;
	db_bind_text(s, 1, sha);
	bool yes = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return yes;
}

static enum status mark_pushed(struct db *db, const char *sha, struct err *e)
{
	char now[21];
	clock_iso(clock_now(), now);
	sqlite3_stmt *s = db_prep(db, "UPDATE blobs SET pushed_at = ?2 WHERE sha256 = ?1", e);
	if (!s)
		return e->st;
	db_bind_text(s, 1, sha);
	db_bind_text(s, 2, now);
	/* Autocommit: one short write of its own. */
	return step_done(db, s, e);
}

static bool upload_one(const char *sha, void *arg)
{
	struct blob_walk *w = arg;
	if (blob_pushed(w->c->db, sha))
		return true;
	long long sent = 0;
	struct err be;
	err_clear(&be);
	enum status st = sync_blob_upload(w->c, sha, &sent, &be);
	if (st == ST_NOT_FOUND) {
		/* Not here: the centre answers "retry" for the op, which then
		 * waits; the round goes on with what it can do. */
		log_warn("sync: blob %.12s missing locally", sha);
		return true;
	}
	if (st == ST_OK)
		st = mark_pushed(w->c->db, sha, &be);
	if (st != ST_OK) {
		w->status = st;
		*w->e = be;
		return false;
	}
	w->st->blobs++;
	w->st->blob_bytes += sent;
	return true;
}

/* Read up to `max` pending ops and build the batch body; *n gets the
 * number of ops in it. */
static enum status build_batch(struct sync_ctx *c, long max, json_t **ops, long *n,
			       struct sync_stats *stats, struct err *e)
{
	*n = 0;
	*ops = NULL;
	sqlite3_stmt *s = db_prep(c->db,
		"SELECT op_id, command, actor_id, entity, entity_id, base_version, created_at, payload"
		" FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1", e);
	if (!s)
		return e->st;
	sqlite3_bind_int64(s, 1, max);
	size_t bytes = 0;
	enum status st = ST_OK;
	/* Read the rows first, then upload: the statement must not stay open
	 * across requests (it would hold a read transaction for minutes). */
	json_t *envs = json_array();
	json_t *bad = json_array();
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		size_t plen = (size_t)sqlite3_column_bytes(s, 7);
		if (*n > 0 && bytes + plen + 512 > (size_t)SYNC_BATCH_BYTES - BATCH_SLACK)
			break;
		json_t *env = sync_envelope(db_col_text(s, 0), db_col_text(s, 1), db_col_text(s, 2),
					    db_col_text(s, 3), db_col_text(s, 4),
					    sqlite3_column_int64(s, 5), db_col_text(s, 6),
					    db_col_text(s, 7));
		if (!env) {
			json_array_append_new(bad, json_string(db_col_text(s, 0)));
			continue;
		}
		json_array_append_new(envs, env);
		bytes += plen + 512;
		(*n)++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = db_fail(c->db, rc, e);
	size_t i;
	json_t *v;
	json_array_foreach(bad, i, v) {
		if (st == ST_OK)
			st = refuse_locally(c->db, json_string_value(v), e);
		stats->rejected++;
	}
	json_decref(bad);
	struct blob_walk w = { c, stats, ST_OK, e };
	c->prog.phase = SYNC_PHASE_BLOBS;
	json_array_foreach(envs, i, v) {
		if (st != ST_OK)
			break;
		if (!sync_payload_blobs(json_object_get(v, "payload"), upload_one, &w))
			st = w.status;
	}
	c->prog.phase = SYNC_PHASE_PUSH;
	if (st == ST_OK)
		*ops = json_pack("{s:o}", "ops", envs);
	else
		json_decref(envs);
	return st;
}

enum status sync_push(struct sync_ctx *c, struct sync_stats *stats, struct err *e)
{
	long total = outbox_pending(c->db);
	c->prog = (struct sync_progress){ .phase = SYNC_PHASE_PUSH, .total = total > 0 ? total : 0 };
	sync_report(c);
	for (;;) {
		if (sync_stopping(c))
			return err_set(e, ST_CANCELLED, "同步已停止");
		json_t *body = NULL;
		long n = 0;
		enum status st = build_batch(c, c->batch_ops, &body, &n, stats, e);
		if (st != ST_OK || n == 0) {
			json_decref(body);
			return st;
		}
		char *text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		if (!text)
			return err_status(e, ST_NOMEM);
		json_t *ans = NULL;
		long code = 0;
		double t0 = clock_ms();
		st = sync_call_raw(c->http, c->url, c->auth, "POST", "/v1/sync/push", text,
				   strlen(text), &code, &ans, e);
		free(text);
		if (st != ST_OK && code == 413 && c->batch_ops > 1) {
			/* The centre's body limit is lower than ours: smaller batches. */
			c->batch_ops = c->batch_ops / 2;
			log_warn("sync: push refused as too large, batches of %ld now", c->batch_ops);
			continue;
		}
		if (st != ST_OK)
			return st;
		json_t *results = json_object_get(ans, "results");
		bool stop = json_array_size(results) < (size_t)n;
		long before = stats->pushed + stats->rejected;
		st = sync_apply_results(c->db, results, stats, &stop, e);
		json_decref(ans);
		if (st != ST_OK)
			return st;
		c->prog.done += stats->pushed + stats->rejected - before;
		sync_report(c);
		log_debug("sync: pushed %ld ops in %.0f ms", n, clock_ms() - t0);
		if (stop)
			return ST_OK;
	}
}
