/*
 * Fifty terminals at once (bench/bench_sync.h): each a thread with its
 * own connection and credentials, running rounds back to back for
 * LOAD_SECONDS: push a batch of BATCH_OPS new applicants, then pull to the
 * end of the feed. Every request's time is kept; the figures are the ops
 * applied per second and the 99th percentile of request times. The
 * terminals' own work is light here (no SQLite of their own; a pull's
 * answer is read only for its cursor), so the time measured is the
 * centre's and the network's; they share this machine's CPUs with it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_sync.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/jsonx.h"

#define TERMINALS 50
#define BATCH_OPS 20
#define PULL_LIMIT 200
#define LOAD_SECONDS 10
#define SAMPLES_MAX 200000

static const struct target t_p99 = { 100, "issue 6: 50 terminals at once, p99 request < 100 ms" };

struct load {
	const char *url;
	char actor[UUID_LEN + 1];
	char office[UUID_LEN + 1];
	atomic_bool stop;
	atomic_int ready;
	pthread_mutex_t mu;            /* samples */
	double *push_ms, *pull_ms;
	int npush, npull;
	long applied, rows, rounds;
	char error[256];
};

struct term {
	struct load *L;
	int index;
	char auth[UUID_LEN + 100];
	long long cursor;
	long serial;
};

static void add_sample(struct load *L, bool push, double ms)
{
	pthread_mutex_lock(&L->mu);
	if (push && L->npush < SAMPLES_MAX)
		L->push_ms[L->npush++] = ms;
	else if (!push && L->npull < SAMPLES_MAX)
		L->pull_ms[L->npull++] = ms;
	pthread_mutex_unlock(&L->mu);
}

static void fail(struct load *L, const struct err *e)
{
	pthread_mutex_lock(&L->mu);
	if (!L->error[0])
		snprintf(L->error, sizeof L->error, "%s", err_text(e));
	pthread_mutex_unlock(&L->mu);
	atomic_store(&L->stop, true);
}

/* A batch of new applicants as a terminal's outbox would send it. */
static char *push_body(struct term *t)
{
	char now[21];
	clock_iso(clock_now(), now);
	json_t *ops = json_array();
	for (int i = 0; i < BATCH_OPS; i++) {
		char op[UUID_LEN + 1], id[UUID_LEN + 1], phone[16], idn[19];
		uuid_v7(op);
		uuid_v7(id);
		snprintf(phone, sizeof phone, "15%02d%07ld", t->index, t->serial);
		bench_id_number(t->serial++, idn);
		json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", id,
				      "phone", phone, "name", "李四", "id_number", idn, "email", "",
				      "address", "深圳市南山区科技园1号", "postal_code", "518000",
				      "portal_pw_hash", "", "verified_at", now, "office_id",
				      t->L->office);
		json_array_append_new(ops, sync_envelope(op, "applicant.register@1", t->L->actor,
							 "applicant", id, 0, now, "{}"));
		json_object_set_new(json_array_get(ops, (size_t)i), "payload", p);
	}
	json_t *body = json_pack("{s:o}", "ops", ops);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return text;
}

/* The cursor and whether more follows, from the end of a pull's answer
 * (`...],"next":N,"more":B}`), without parsing the rows. */
static bool pull_tail(const struct buf *b, long long *next, bool *more)
{
	if (!b->data || b->len < 20)
		return false;
	size_t from = b->len > 64 ? b->len - 64 : 0;
	const char *p = NULL;
	for (size_t i = from; i + 7 < b->len; i++)
		if (memcmp(b->data + i, "\"next\":", 7) == 0)
			p = b->data + i + 7;
	if (!p)
		return false;
	*next = strtoll(p, NULL, 10);
	*more = strstr(p, "\"more\":true") != NULL;
	return true;
}

static void *terminal(void *arg)
{
	struct term *t = arg;
	struct load *L = t->L;
	struct http_options o = { .connect_timeout_ms = 3000, .timeout_ms = 60000, .noproxy = "*" };
	struct http_client *h;
	struct err e;
	err_clear(&e);
	if (http_client_new(&o, &h, &e) != ST_OK) {
		fail(L, &e);
		atomic_fetch_add(&L->ready, 1);
		return NULL;
	}
	atomic_fetch_add(&L->ready, 1);
	while (atomic_load(&L->ready) < TERMINALS && !atomic_load(&L->stop)) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	const char *headers[] = { t->auth, "Accept: application/json", NULL };
	struct buf resp;
	buf_init(&resp, 64L << 20);
	while (!atomic_load(&L->stop)) {
		char *text = push_body(t);
		char url[256];
		snprintf(url, sizeof url, "%s/v1/sync/push", L->url);
		struct http_request rq = { .method = "POST", .url = url, .body = text,
					   .body_len = text ? strlen(text) : 0,
					   .content_type = "application/json", .headers = headers };
		long code = 0;
		resp.len = 0;
		double t0 = clock_ms();
		enum status st = text ? http_perform(h, &rq, &resp, &code, &e) : ST_NOMEM;
		double ms = clock_ms() - t0;
		free(text);
		if (st != ST_OK || code != 200) {
			if (st == ST_OK)
				err_set(&e, ST_NET, "推送应答 HTTP %ld", code);
			fail(L, &e);
			break;
		}
		json_t *ans = json_loadb(resp.data, resp.len, 0, NULL);
		long applied = 0;
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(ans, "results"), i, r)
			applied += jx_cstr(r, "status") && strcmp(jx_cstr(r, "status"), "applied") == 0;
		json_decref(ans);
		add_sample(L, true, ms);
		bool more = true;
		long rows = 0;
		while (more && !atomic_load(&L->stop)) {
			snprintf(url, sizeof url, "%s/v1/sync/pull?since=%lld&limit=%d", L->url, t->cursor,
				 PULL_LIMIT);
			struct http_request pq = { .url = url, .headers = headers };
			resp.len = 0;
			t0 = clock_ms();
			st = http_perform(h, &pq, &resp, &code, &e);
			ms = clock_ms() - t0;
			long long next;
			if (st != ST_OK || code != 200 || !pull_tail(&resp, &next, &more)) {
				if (st == ST_OK)
					err_set(&e, ST_NET, "拉取应答 HTTP %ld", code);
				fail(L, &e);
				break;
			}
			add_sample(L, false, ms);
			rows += next > t->cursor ? 1 : 0;
			t->cursor = next;
		}
		pthread_mutex_lock(&L->mu);
		L->applied += applied;
		L->rows += rows;
		L->rounds++;
		pthread_mutex_unlock(&L->mu);
	}
	buf_done(&resp);
	http_client_free(h);
	return NULL;
}

/* Enrol one terminal by its code: its Authorization header. */
static bool enroll(struct bench_centre *c, struct http_client *h, const char *code,
		   struct term *t, struct load *L, struct err *e)
{
	json_t *body = json_pack("{s:s}", "code", code), *ans = NULL;
	enum status st = sync_call(h, c->url, NULL, "POST", "/v1/enroll", body, &ans, e);
	json_decref(body);
	if (st != ST_OK)
		return false;
	const char *tid = jx_cstr(json_object_get(ans, "terminal"), "id");
	const char *secret = jx_cstr(ans, "secret");
	const char *office = jx_cstr(json_object_get(ans, "office"), "id");
	bool ok = tid && secret && office;
	if (ok) {
		snprintf(t->auth, sizeof t->auth, "Authorization: Bearer %s.%s", tid, secret);
		snprintf(L->office, sizeof L->office, "%s", office);
	}
	json_decref(ans);
	return ok ? true : (err_set(e, ST_INVALID, "登记应答不完整"), false);
}

/* The id of root, the admin every op is made by (from a pull). */
static bool find_root(struct bench_centre *c, struct http_client *h, const char *auth,
		      struct load *L, struct err *e)
{
	json_t *ans = NULL;
	const char *bearer = auth + strlen("Authorization: Bearer ");
	char hdr[UUID_LEN + 100];
	snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", bearer);
	if (sync_call(h, c->url, hdr, "GET", "/v1/sync/pull?since=0&limit=2000", NULL, &ans, e) !=
	    ST_OK)
		return false;
	size_t i;
	json_t *ch;
	json_array_foreach(json_object_get(ans, "changes"), i, ch) {
		json_t *row = json_object_get(ch, "row");
		if (jx_cstr(ch, "table") && strcmp(jx_cstr(ch, "table"), "staff") == 0 &&
		    jx_cstr(row, "username") && strcmp(jx_cstr(row, "username"), "root") == 0)
			snprintf(L->actor, sizeof L->actor, "%s", jx_cstr(row, "id"));
	}
	json_decref(ans);
	return L->actor[0] ? true : (err_set(e, ST_NOT_FOUND, "中心没有 root 账户"), false);
}

void fig_sync_load(struct bench *b, const char *root)
{
	const char *what = "50 terminals at once: request";
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s/load", root);
	struct bench_centre c;
	struct err e;
	err_clear(&e);
	struct load L = { .ready = 0 };
	pthread_mutex_init(&L.mu, NULL);
	atomic_init(&L.stop, false);
	struct term *terms = calloc(TERMINALS, sizeof *terms);
	L.push_ms = malloc(SAMPLES_MAX * sizeof *L.push_ms);
	L.pull_ms = malloc(SAMPLES_MAX * sizeof *L.pull_ms);
	struct http_client *h = NULL;
	bool ok = terms && L.push_ms && L.pull_ms && bench_centre_start(b, dir, &c, &e);
	bool started = ok;
	struct http_options o = { .noproxy = "*", .timeout_ms = 30000 };
	ok = ok && http_client_new(&o, &h, &e) == ST_OK;
	for (int i = 0; ok && i < TERMINALS; i++) {
		char name[32], code[40];
		snprintf(name, sizeof name, "并发终端%02d", i + 1);
		terms[i].L = &L;
		terms[i].index = i;
		ok = bench_centre_terminal(&c, name, code, &e) && enroll(&c, h, code, &terms[i], &L, &e);
	}
	ok = ok && find_root(&c, h, terms[0].auth, &L, &e);
	http_client_free(h);
	L.url = c.url;
	pthread_t th[TERMINALS];
	int n = 0;
	double t0 = clock_ms(), elapsed = 0;
	for (; ok && n < TERMINALS; n++)
		if (pthread_create(&th[n], NULL, terminal, &terms[n]) != 0)
			break;
	if (ok) {
		while (atomic_load(&L.ready) < n)
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		t0 = clock_ms();
		for (int s = 0; s < LOAD_SECONDS * 10 && !atomic_load(&L.stop); s++)
			nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		atomic_store(&L.stop, true);
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	elapsed = (clock_ms() - t0) / 1000;
	if (started)
		bench_centre_stop(&c);
	if (!ok || L.error[0] || L.npush == 0) {
		bench_skip(b, "sync.load50", what, t_p99, "%s",
			   L.error[0] ? L.error : !ok ? err_text(&e) : "no requests");
	} else {
		int all_n = L.npush + L.npull;
		double *all = malloc((size_t)all_n * sizeof *all);
		struct figure *f;
		if (all) {
			memcpy(all, L.push_ms, (size_t)L.npush * sizeof *all);
			memcpy(all + L.npush, L.pull_ms, (size_t)L.npull * sizeof *all);
			f = bench_samples(b, "sync.load50", what, all, all_n, t_p99);
			if (f)
				bench_note(f, "%d terminals on one certdeskd (4 threads per CPU), each"
					   " pushing %d new applicants then pulling to the end, back to back"
					   " for %.0f s: %ld rounds, %d requests", TERMINALS, BATCH_OPS,
					   elapsed, L.rounds, all_n);
			free(all);
		}
		f = bench_samples(b, "sync.load50.push", "50 terminals at once: push", L.push_ms,
				  L.npush, t_p99);
		f = bench_samples(b, "sync.load50.pull", "50 terminals at once: pull", L.pull_ms,
				  L.npull, t_p99);
		f = bench_value(b, "sync.load50.ops", "50 terminals at once: ops applied", "ops/s",
				(double)L.applied / elapsed, NO_TARGET);
		if (f)
			bench_note(f, "%ld ops applied in %.1f s", L.applied, elapsed);
	}
	free(terms);
	free(L.push_ms);
	free(L.pull_ms);
	pthread_mutex_destroy(&L.mu);
}
