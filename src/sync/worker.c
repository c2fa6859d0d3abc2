/*
 * The background worker behind the screen's status line. It owns a thread,
 * a second connection to the database and an HTTP client; the screen only
 * ever copies a snapshot under a mutex that is held for a few field copies,
 * never across a request or a transaction.
 *
 * SQLite between the two connections: the worker's writes are short (one
 * transaction per pushed batch's answers, one per pull page of at most
 * sync.pull_limit rows, one for held-back rows) and no statement stays open
 * across a request, so the screen's BEGIN IMMEDIATE waits at most a few
 * milliseconds, well inside the 5 s busy timeout both connections have. WAL
 * lets the screen read while the worker writes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/outbox.h"
#include "store/settings.h"
#include "sync/sync_int.h"
#include "util/clock.h"
#include "util/log.h"

#define BACKOFF_FIRST_S 5
#define BACKOFF_MAX_S 300

struct sync_worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;             /* kick and stop; waits on CLOCK_MONOTONIC */
	bool kicked;                   /* under mu */
	atomic_bool stop;
	struct sync_snapshot snap;     /* under mu */
	/* The thread's own, untouched by others after start. */
	struct db *db;
	struct http_client *http;
	struct sync_opts opts;
	char data_dir[PATH_MAX];
	int failures;
};

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Exponential back-off with jitter: 5 s, 10 s, 20 s... up to 5 minutes,
 * each drawn in [half, whole] so that terminals cut off together do not
 * come back together. */
static double backoff_s(int failures)
{
	double d = BACKOFF_FIRST_S;
	for (int i = 1; i < failures && d < BACKOFF_MAX_S; i++)
		d *= 2;
	if (d > BACKOFF_MAX_S)
		d = BACKOFF_MAX_S;
	unsigned r;
	random_bytes(&r, sizeof r);
	return d * (0.5 + 0.5 * ((double)r / 4294967295.0));
}

static void on_progress(const struct sync_progress *p, void *arg)
{
	struct sync_worker *w = arg;
	pthread_mutex_lock(&w->mu);
	w->snap.progress = *p;
	pthread_mutex_unlock(&w->mu);
}

/* One round (or, when not enrolled, just the counts); returns the delay
 * before the next one, in seconds. */
static double work(struct sync_worker *w)
{
	struct sync_stats stats = { 0 };
	struct err e;
	err_clear(&e);
	bool enrolled = sync_is_enrolled(w->db);
	enum status st = ST_OK;
	if (enrolled) {
		struct sync_ctx c = {
			.db = w->db,
			.data_dir = w->data_dir,
			.http = w->http,
			.opts = &w->opts,
			.progress = on_progress,
			.progress_ctx = w,
			.stop = &w->stop,
		};
		st = sync_round_ctx(&c, &stats, &e);
	}
	long pending = outbox_pending(w->db), conflicts = outbox_rejected(w->db);
	double delay = (double)w->opts.interval_s;
	if (enrolled && st != ST_OK && st != ST_CANCELLED) {
		w->failures++;
		double b = backoff_s(w->failures);
		delay = b > delay || st == ST_NET || st == ST_TIMEOUT ? b : delay;
	} else if (st == ST_OK) {
		w->failures = 0;
	}
	pthread_mutex_lock(&w->mu);
	w->snap.enrolled = enrolled;
	w->snap.running = false;
	w->snap.pending = pending;
	w->snap.conflicts = conflicts;
	if (enrolled && st != ST_CANCELLED) {
		/* Reached the centre: it answered, even if with a refusal. */
		w->snap.online = st == ST_OK || st == ST_DENIED || st == ST_INVALID;
		if (st == ST_OK)
			w->snap.last_ok = time(NULL);
		snprintf(w->snap.last_error, sizeof w->snap.last_error, "%s",
			 st == ST_OK ? "" : err_text(&e));
	}
	w->snap.next_at = time(NULL) + (time_t)delay;
	pthread_mutex_unlock(&w->mu);
	return delay;
}

static void *run(void *arg)
{
	struct sync_worker *w = arg;
	double next = 0;  /* first round at once */
	pthread_mutex_lock(&w->mu);
	while (!atomic_load(&w->stop)) {
		double now = mono_s();
		if (!w->kicked && now < next) {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			double wait = next - now;
			until.tv_sec += (time_t)wait;
			until.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&w->cv, &w->mu, &until);
			continue;
		}
		w->kicked = false;
		w->snap.running = true;
		memset(&w->snap.progress, 0, sizeof w->snap.progress);
		pthread_mutex_unlock(&w->mu);
		double delay = work(w);
		pthread_mutex_lock(&w->mu);
		next = mono_s() + delay;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

enum status sync_worker_start(const struct app *app, struct sync_worker **out, struct err *e)
{
	*out = NULL;
	struct sync_worker *w = calloc(1, sizeof *w);
	if (!w)
		return err_status(e, ST_NOMEM);
	enum status st = sync_opts_from_config(&app->cfg, &w->opts, e);
	snprintf(w->data_dir, sizeof w->data_dir, "%s", app->data_dir);
	if (st == ST_OK)
		st = db_open(app->db_path, &w->db, e);
	if (st == ST_OK) {
		/* The client of sync_http_new, plus the stop flag: a request
		 * hanging in a dead network must not hold up sync_worker_stop
		 * (the screen quitting) for the request's whole timeout. */
		struct http_options ho = {
			.connect_timeout_ms = w->opts.connect_timeout_ms,
			.timeout_ms = w->opts.timeout_ms,
			.noproxy = w->opts.has_noproxy ? w->opts.noproxy : NULL,
			.ca_file = w->opts.ca_file[0] ? w->opts.ca_file : NULL,
			.cancel = &w->stop,
		};
		st = http_client_new(&ho, &w->http, e);
	}
	pthread_condattr_t ca;
	bool sync_ok = st == ST_OK && pthread_condattr_init(&ca) == 0;
	if (sync_ok) {
		sync_ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
			  pthread_cond_init(&w->cv, &ca) == 0;
		pthread_condattr_destroy(&ca);
		if (sync_ok && pthread_mutex_init(&w->mu, NULL) != 0) {
			pthread_cond_destroy(&w->cv);
			sync_ok = false;
		}
		if (!sync_ok)
			st = err_set(e, ST_INTERNAL, "无法启动后台同步");
	}
	if (st == ST_OK) {
		atomic_init(&w->stop, false);
		w->snap.enrolled = sync_is_enrolled(w->db);
		w->snap.pending = outbox_pending(w->db);
		w->snap.conflicts = outbox_rejected(w->db);
		char last[21] = "";
		struct err nf;
		time_t t;
		if (settings_get(w->db, "sync_last_ok", last, sizeof last, &nf) == ST_OK &&
		    clock_parse_iso(last, &t))
			w->snap.last_ok = t;
		if (pthread_create(&w->thread, NULL, run, w) != 0) {
			pthread_cond_destroy(&w->cv);
			pthread_mutex_destroy(&w->mu);
			st = err_set(e, ST_INTERNAL, "无法启动后台同步线程");
		}
	}
	if (st != ST_OK) {
		http_client_free(w->http);
		db_close(w->db);
		free(w);
		return st;
	}
	*out = w;
	return ST_OK;
}

void sync_worker_kick(struct sync_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->kicked = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void sync_worker_snapshot(struct sync_worker *w, struct sync_snapshot *out)
{
	if (!w) {
		memset(out, 0, sizeof *out);
		return;
	}
	pthread_mutex_lock(&w->mu);
	*out = w->snap;
	pthread_mutex_unlock(&w->mu);
}

void sync_worker_stop(struct sync_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stop, true);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	http_client_free(w->http);
	db_close(w->db);
	free(w);
}
