/* POST /v1/sync/push (docs/SYNC.md, Push), with group commit. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/auth.h"
#include "server/blobs.h"
#include "server/centre.h"
#include "server/routes.h"
#include "store/audit.h"
#include "svc/replay.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

#define PUSH_MAX_OPS 500

/* The JSON of one op's answer: only the fields that say something. */
static json_t *result_json(json_t *op, struct op_result *r)
{
	json_t *j = json_object();
	json_t *id = json_object_get(op, "op_id");
	json_object_set(j, "op_id", json_is_string(id) ? id : json_null());
	json_object_set_new(j, "status", json_string(r->status));
	const char *const fields[][2] = {
		{ "code", r->code }, { "message", r->message }, { "field", r->field },
		{ "entity", r->entity }, { "entity_id", r->entity_id },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i][1][0])
			json_object_set_new(j, fields[i][0], json_string(fields[i][1]));
	if (r->row) {
		json_object_set_new(j, "row", r->row);
		r->row = NULL;
	}
	return j;
}

static json_t *retry_json(json_t *op, const char *code, const char *message)
{
	struct op_result r = { .row = NULL };
	snprintf(r.status, sizeof r.status, "retry");
	snprintf(r.code, sizeof r.code, "%s", code);
	snprintf(r.message, sizeof r.message, "%s", message);
	return result_json(op, &r);
}

/* Every op answered retry: the batch did not happen. */
static void push_lost(struct route_response *rs, json_t *ops, const struct err *e)
{
	json_t *results = json_array();
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op)
		json_array_append_new(results, retry_json(op, status_code(e->st), err_text(e)));
	route_fail(rs, e);
	if (rs->code < 500)
		rs->code = MHD_HTTP_SERVICE_UNAVAILABLE;
	json_object_set_new(rs->body, "results", results);
	log_warn("push of %zu ops not applied: %s", json_array_size(ops), err_text(e));
}

/* Check the envelope before anything is written: an object with an array
 * of at most PUSH_MAX_OPS objects. */
static bool push_shape(json_t *body, struct route_response *rs)
{
	json_t *ops = json_object_get(body, "ops");
	char msg[160];
	if (!json_is_object(body) || !json_is_array(ops)) {
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request",
			    "推送内容应为 {\"ops\": [操作, ...]}");
		return false;
	}
	if (json_array_size(ops) > PUSH_MAX_OPS) {
		snprintf(msg, sizeof msg, "一次最多推送 %d 个操作，本次有 %zu 个", PUSH_MAX_OPS,
			 json_array_size(ops));
		route_error(rs, MHD_HTTP_BAD_REQUEST, "too_many_ops", msg);
		return false;
	}
	size_t i;
	json_t *op;
	json_array_foreach(ops, i, op) {
		if (!json_is_object(op)) {
			snprintf(msg, sizeof msg, "第 %zu 个操作不是 JSON 对象", i + 1);
			route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_request", msg);
			return false;
		}
	}
	return true;
}

/*
 * Group commit. SQLite has one writer, and a commit with synchronous=FULL
 * waits for the disk (a few milliseconds): pushes committed one by one
 * would queue behind each other's flush. So a push is handed to one
 * committer thread and its connection suspended (the request thread goes
 * on serving others). The committer takes every push queued, runs them all
 * in one transaction (each op in its own savepoint, as svc_batch does),
 * commits once, answers them and resumes their connections; pushes that
 * arrive meanwhile form the next group. If the group's transaction is lost,
 * every op of every push in it is answered retry: nothing of them was
 * written.
 */
struct push_job {
	struct sync_peer peer;
	json_t *body;                /* owned */
	json_t *ops;                 /* in body */
	json_t *results;             /* filled by run_job; NULL when lost */
	size_t applied;
	double t0;
	struct route_response *rs;   /* the request's, until resumed */
	struct MHD_Connection *conn;
	struct push_job *next;
};

/* A group never holds the write lock for more ops than this. */
#define GROUP_MAX_OPS 2000

static struct {
	pthread_mutex_t mu;
	pthread_cond_t work;         /* a push was queued, or stop */
	pthread_cond_t idle;         /* the queue is empty and no group runs */
	struct push_job *head, *tail;
	bool busy, draining, stop, running;
	pthread_t thread;
} pq = { .mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
	 .idle = PTHREAD_COND_INITIALIZER };

/* One push inside the group's transaction. False when the transaction is
 * lost (e says why). */
static bool run_job(struct svc *svc, struct push_job *job, struct err *e)
{
	if (auth_touch(svc->db, job->peer.terminal_id, e) != ST_OK)
		return false;
	bool waiting = false;
	size_t i;
	json_t *op;
	job->results = json_array();
	json_array_foreach(job->ops, i, op) {
		if (waiting) {
			/* Order matters: a later op may build on the one that waits. */
			json_array_append_new(job->results,
					      retry_json(op, "blocked", "前面的操作需要稍后重试，本操作随之顺延"));
			continue;
		}
		struct op_result r;
		enum status st = svc_replay(svc, &job->peer, op, blobs_have, NULL, &r, e);
		if (st != ST_OK) {
			op_result_done(&r);
			return false;
		}
		waiting = strcmp(r.status, "retry") == 0;
		job->applied += strcmp(r.status, "applied") == 0;
		json_array_append_new(job->results, result_json(op, &r));
		op_result_done(&r);
	}
	return true;
}

/* One transaction for the whole group; e says why when it is lost. */
static bool run_group(struct db *db, struct push_job *group, struct err *e)
{
	struct svc svc = { .db = db, .centre = true };
	centre_write_lock();
	bool ok = svc_batch_begin(&svc, e) == ST_OK, audit = false;
	/* The audit head is written once for the group, not once per op. */
	if (ok)
		ok = audit = audit_batch_begin(db, e) == ST_OK;
	for (struct push_job *j = group; ok && j; j = j->next)
		ok = run_job(&svc, j, e);
	if (audit) {
		if (ok)
			ok = audit_batch_end(db, true, e) == ST_OK;
		if (!ok)
			audit_batch_end(db, false, NULL);
	}
	if (ok)
		ok = svc_batch_commit(&svc, e) == ST_OK;
	else
		svc_batch_rollback(&svc);
	centre_write_unlock();
	return ok;
}

/* Fill the push's answer, free the job, resume the connection. After the
 * resume the response belongs to the request's thread. */
static void answer_job(struct push_job *job, bool ok, const struct err *e)
{
	struct route_response *rs = job->rs;
	struct MHD_Connection *conn = job->conn;
	if (ok) {
		rs->code = MHD_HTTP_OK;
		rs->body = json_pack("{s:o}", "results", job->results);
		log_info("push from terminal %s: %zu ops, %zu applied, %.1f ms", job->peer.terminal_id,
			 json_array_size(job->ops), job->applied, clock_ms() - job->t0);
	} else {
		json_decref(job->results);
		push_lost(rs, job->ops, e);
	}
	json_decref(job->body);
	free(job);
	route_resume(conn);
}

static void *committer(void *arg)
{
	struct db *db = arg;
	pthread_mutex_lock(&pq.mu);
	for (;;) {
		while (!pq.head && !pq.stop)
			pthread_cond_wait(&pq.work, &pq.mu);
		if (!pq.head)
			break;
		/* Take the queue, up to the cap (always at least one push). */
		struct push_job *group = pq.head, *last = group;
		size_t ops = json_array_size(group->ops);
		while (last->next && ops + json_array_size(last->next->ops) <= GROUP_MAX_OPS) {
			last = last->next;
			ops += json_array_size(last->ops);
		}
		pq.head = last->next;
		if (!pq.head)
			pq.tail = NULL;
		last->next = NULL;
		pq.busy = true;
		pthread_mutex_unlock(&pq.mu);

		struct err e;
		err_clear(&e);
		bool ok = run_group(db, group, &e);
		while (group) {
			struct push_job *next = group->next;
			answer_job(group, ok, &e);
			group = next;
		}

		pthread_mutex_lock(&pq.mu);
		pq.busy = false;
		if (!pq.head)
			pthread_cond_broadcast(&pq.idle);
	}
	pthread_mutex_unlock(&pq.mu);
	centre_db_put(db);
	return NULL;
}

/* Hand a push to the committer (http.c has suspended its connection). */
static void push_enqueue(void *arg)
{
	struct push_job *job = arg;
	pthread_mutex_lock(&pq.mu);
	bool refuse = pq.draining;
	if (!refuse) {
		if (pq.tail)
			pq.tail->next = job;
		else
			pq.head = job;
		pq.tail = job;
		pthread_cond_signal(&pq.work);
	}
	pthread_mutex_unlock(&pq.mu);
	if (refuse) {
		struct err e;
		err_set(&e, ST_STATE, "中心服务正在停止，请稍后重试");
		answer_job(job, false, &e);
	}
}

enum status sync_push_start(struct err *e)
{
	struct db *db = centre_db_get(e);
	if (!db)
		return e->st;
	pq.stop = pq.draining = false;
	if (pthread_create(&pq.thread, NULL, committer, db) != 0) {
		centre_db_put(db);
		return err_set(e, ST_NOMEM, "无法启动提交线程");
	}
	pq.running = true;
	return ST_OK;
}

void sync_push_drain(void)
{
	pthread_mutex_lock(&pq.mu);
	pq.draining = true;
	while (pq.running && (pq.head || pq.busy))
		pthread_cond_wait(&pq.idle, &pq.mu);
	pthread_mutex_unlock(&pq.mu);
}

void sync_push_stop(void)
{
	if (!pq.running)
		return;
	pthread_mutex_lock(&pq.mu);
	pq.draining = pq.stop = true;
	pthread_cond_signal(&pq.work);
	pthread_mutex_unlock(&pq.mu);
	pthread_join(pq.thread, NULL);
	pq.running = false;
}

void sync_push(struct route_request *rq, struct route_response *rs)
{
	json_t *body = route_json_body(rq, rs);
	if (!body)
		return;
	if (!push_shape(body, rs)) {
		json_decref(body);
		return;
	}
	struct push_job *job = calloc(1, sizeof *job);
	if (!job) {
		json_decref(body);
		route_error(rs, MHD_HTTP_SERVICE_UNAVAILABLE, "nomem", "中心内存不足，请稍后重试");
		return;
	}
	job->peer = *rq->peer;
	job->body = body;
	job->ops = json_object_get(body, "ops");
	job->t0 = clock_ms();
	job->rs = rs;
	job->conn = rq->conn;
	rs->defer = push_enqueue;
	rs->defer_arg = job;
}
