/* Push: the outbox goes up in seq order, in batches, each op's files
 * first (docs/SYNC.md, Push and Blobs). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/outbox.h"
#include "sync/sync_int.h"
#include "util/buf.h"
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
	/* The ops that went through (nearly all) are marked by two statements
	 * over lists of their ids, not one statement each. */
	json_t *done[2] = { json_array(), json_array() };
	static const char *const done_state[2] = { "applied", "duplicate" };
	enum status s = done[0] && done[1] ? db_begin(db, e) : err_status(e, ST_NOMEM);
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		if (s != ST_OK)
			break;
		const char *op_id = jx_cstr(r, "op_id"), *status = jx_cstr(r, "status");
		int k = !op_id || !status ? -1 : strcmp(status, "applied") == 0 ? 0
					       : strcmp(status, "duplicate") == 0 ? 1 : -1;
		if (k >= 0) {
			json_array_append_new(done[k], json_string(op_id));
			st->pushed++;
		} else {
			s = apply_one(db, r, now, st, stop_push, e);
		}
	}
	for (int k = 0; k < 2 && s == ST_OK; k++) {
		if (!json_array_size(done[k]))
			continue;
		char *ids = json_dumps(done[k], JSON_COMPACT);
		sqlite3_stmt *u = ids ? db_prep(db, "UPDATE outbox SET state = ?2, done_at = ?3,"
						" result_code = NULL, result_msg = NULL, result_field = NULL,"
						" centre_row = NULL WHERE op_id IN (SELECT value FROM"
						" json_each(?1)) AND state = 'pending'", e) : NULL;
		if (!ids)
			s = err_status(e, ST_NOMEM);
		else if (!u)
			s = e->st;
		if (u) {
			db_bind_text(u, 1, ids);
			db_bind_text(u, 2, done_state[k]);
			db_bind_text(u, 3, now);
			s = step_done(db, u, e);
		}
		free(ids);
	}
	json_decref(done[0]);
	json_decref(done[1]);
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

/* Read up to `max` pending ops and build the batch body (caller frees
 * *body); *n gets the number of ops in it. SQLite renders each envelope
 * (json_object over the stored payload text, the pull does the same at the
 * centre): no parse and no dump of thousands of payloads per batch. Only
 * payloads that mention a sha256 are parsed, for their files. */
static enum status build_batch(struct sync_ctx *c, long max, long long after, char **body,
			       long *n, long long *last, struct sync_stats *stats, struct err *e)
{
	*n = 0;
	*body = NULL;
	*last = after;
	sqlite3_stmt *s = db_prep(c->db,
		"SELECT op_id, CASE WHEN json_valid(payload) THEN CASE WHEN json_type(payload) ="
		" 'object' THEN json_object('op_id', op_id, 'command', command, 'actor_id', actor_id,"
		" 'entity', entity, 'entity_id', entity_id, 'base_version', base_version, 'at',"
		" created_at, 'payload', json(payload)) END END, instr(payload, 'sha256') > 0, payload,"
		" seq FROM outbox WHERE state = 'pending' AND seq > ?2 ORDER BY seq LIMIT ?1", e);
	if (!s)
		return e->st;
	sqlite3_bind_int64(s, 1, max);
	sqlite3_bind_int64(s, 2, after);
	struct buf text;
	buf_init(&text, (size_t)SYNC_BATCH_BYTES);
	buf_adds(&text, "{\"ops\":[");
	enum status st = ST_OK;
	/* Read the rows first, then upload: the statement must not stay open
	 * across requests (it would hold a read transaction for minutes). */
	json_t *files = json_array();
	json_t *bad = json_array();
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *env = (const char *)sqlite3_column_text(s, 1);
		if (!env) {
			json_array_append_new(bad, json_string(db_col_text(s, 0)));
			continue;
		}
		size_t len = (size_t)sqlite3_column_bytes(s, 1);
		if (*n > 0 && text.len + len + 2 > (size_t)SYNC_BATCH_BYTES - BATCH_SLACK)
			break;
		if (*n > 0)
			buf_addc(&text, ',');
		buf_add(&text, env, len);
		*last = sqlite3_column_int64(s, 4);
		if (sqlite3_column_int(s, 2))
			json_array_append_new(files, json_loads(db_col_text(s, 3), 0, NULL));
		(*n)++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = db_fail(c->db, rc, e);
	if (st == ST_OK && !buf_adds(&text, "]}"))
		st = err_status(e, ST_NOMEM);
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
	json_array_foreach(files, i, v) {
		if (st != ST_OK)
			break;
		if (!sync_payload_blobs(v, upload_one, &w))
			st = w.status;
	}
	json_decref(files);
	c->prog.phase = SYNC_PHASE_PUSH;
	if (st == ST_OK)
		*body = buf_steal(&text);
	buf_done(&text);
	return st;
}

/* One batch on its way: sent by a thread of its own, so that the answer to
 * the batch before is written to the outbox meanwhile. */
struct flight {
	struct sync_ctx *c;          /* c->http is the flight's until joined */
	char *text;                  /* the body, owned */
	long n;                      /* ops in it */
	long long after, last;       /* the seqs it starts after and ends at */
	json_t *ans;                 /* the answer, owned */
	long code;
	enum status st;
	struct err e;
	double t0;
	pthread_t thread;
	bool thread_started;
};

static void *fly(void *arg)
{
	struct flight *f = arg;
	err_clear(&f->e);
	f->st = sync_call_raw(f->c->http, f->c->url, f->c->auth, "POST", "/v1/sync/push", f->text,
			      strlen(f->text), &f->code, &f->ans, &f->e);
	return NULL;
}

/* Build the batch after `after` and send it off; f->n is 0 when nothing is
 * left (nothing sent). */
static enum status launch(struct sync_ctx *c, long long after, struct flight *f,
			  struct sync_stats *stats, struct err *e)
{
	memset(f, 0, sizeof *f);
	f->c = c;
	f->after = after;
	enum status st = build_batch(c, c->batch_ops, after, &f->text, &f->n, &f->last, stats, e);
	if (st != ST_OK || f->n == 0) {
		free(f->text);
		f->text = NULL;
		f->n = 0;
		return st;
	}
	f->t0 = clock_ms();
	if (pthread_create(&f->thread, NULL, fly, f) != 0)
		fly(f); /* no thread: the same, in this one */
	else
		f->thread_started = true;
	return ST_OK;
}

/* Wait for the answer. */
static void land(struct flight *f)
{
	if (f->thread_started)
		pthread_join(f->thread, NULL);
	f->thread_started = false;
	free(f->text);
	f->text = NULL;
}

/* Does the answer stop the push (an op to retry later, or ops unanswered)?
 * The same test sync_apply_results makes, before it runs. */
static bool answer_stops(json_t *results, long n)
{
	if (json_array_size(results) < (size_t)n)
		return true;
	size_t i;
	json_t *r;
	json_array_foreach(results, i, r) {
		const char *status = jx_cstr(r, "status");
		if (jx_cstr(r, "op_id") &&
		    (!status || (strcmp(status, "applied") != 0 && strcmp(status, "duplicate") != 0 &&
				 strcmp(status, "rejected") != 0)))
			return true;
	}
	return false;
}

/*
 * Batches go up one after another, in outbox order, and the next is sent
 * only once the centre has answered the one before without a "retry" (a
 * later op may depend on an earlier one). But it is sent before that
 * answer is written to the outbox: the writing overlaps the next request.
 * A terminal killed in between sends both again next time; the centre
 * answers them as duplicates.
 */
enum status sync_push(struct sync_ctx *c, struct sync_stats *stats, struct err *e)
{
	long total = outbox_pending(c->db);
	c->prog = (struct sync_progress){ .phase = SYNC_PHASE_PUSH, .total = total > 0 ? total : 0 };
	sync_report(c);
	if (sync_stopping(c))
		return err_set(e, ST_CANCELLED, "同步已停止");
	/* Two flights, swapped: a thread writes into its own until landed. */
	struct flight fl[2], *cur = &fl[0], *next = &fl[1];
	enum status st = launch(c, 0, cur, stats, e);
	while (st == ST_OK && cur->n > 0) {
		land(cur);
		if (cur->st != ST_OK && cur->code == 413 && c->batch_ops > 1) {
			/* The centre's body limit is lower than ours: smaller batches. */
			c->batch_ops = c->batch_ops / 2;
			log_warn("sync: push refused as too large, batches of %ld now", c->batch_ops);
			st = launch(c, cur->after, cur, stats, e);
			continue;
		}
		if (cur->st != ST_OK) {
			*e = cur->e;
			return cur->st;
		}
		json_t *results = json_object_get(cur->ans, "results");
		bool stop = answer_stops(results, cur->n), stopping = sync_stopping(c);
		next->n = 0;
		if (!stop && !stopping)
			st = launch(c, cur->last, next, stats, e);
		long before = stats->pushed + stats->rejected;
		struct err ae;
		err_clear(&ae);
		enum status ast = sync_apply_results(c->db, results, stats, &stop, &ae);
		json_decref(cur->ans);
		cur->ans = NULL;
		log_debug("sync: pushed %ld ops in %.0f ms", cur->n, clock_ms() - cur->t0);
		if (ast != ST_OK || st != ST_OK) {
			if (next->n > 0) {
				/* Its answer is not written: its ops stay pending and
				 * go again next time (duplicates at the centre). */
				land(next);
				json_decref(next->ans);
			}
			if (ast != ST_OK)
				*e = ae;
			return ast != ST_OK ? ast : st;
		}
		c->prog.done += stats->pushed + stats->rejected - before;
		sync_report(c);
		if (stopping)
			return err_set(e, ST_CANCELLED, "同步已停止");
		struct flight *t = cur;
		cur = next;
		next = t;
	}
	return st;
}
