/* The benchmark's generator: the calendar of two years at the counter and
 * the whole run (gen.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/gen_int.h"
#include "svc/application.h"
#include "svc/lifecycle.h"
#include "svc/staff.h"
#include "util/clock.h"

/* ---- the calendar --------------------------------------------------------- */

/* Local midnight `k` days after `start` (local midnight). */
static time_t day_start(time_t start, int k)
{
	struct tm tm;
	localtime_r(&start, &tm);
	tm.tm_mday += k;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Opening hours: 08:30-12:00 and 13:30-17:30, 7.5 hours. */
#define OPEN_MS (27000LL * 1000)
static long long open_offset(long long u)
{
	return u < 12600000LL ? 30600000LL + u : 48600000LL + (u - 12600000LL);
}

/* How busy a day is: closed on Sundays, a third on Saturdays, and a
 * counter that grew by half over the two years. */
static double day_weight(time_t day, int k, int days)
{
	struct tm tm;
	localtime_r(&day, &tm);
	double w = tm.tm_wday == 0 ? 0 : tm.tm_wday == 6 ? 0.3 : 1.0;
	return w * (0.75 + 0.5 * (double)k / days);
}

/* The share of today's opening hours that has passed. */
static double open_share(time_t day, long long now_ms)
{
	long long el = now_ms - (long long)day * 1000;
	if (el <= 30600000LL)
		return 0;
	if (el <= 43200000LL)
		return (double)(el - 30600000LL) / OPEN_MS;
	if (el <= 48600000LL)
		return 12600000.0 / OPEN_MS;
	if (el <= 63000000LL)
		return (double)(el - 48600000LL + 12600000LL) / OPEN_MS;
	return 1;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

static enum status set_counters(struct gen *g, const struct day *d, struct err *e)
{
	for (int k = 0; k < 2; k++) {
		long last = k ? d->oseq[0] : d->seq[0];
		if (!last)
			continue;
		char scope[32];
		snprintf(scope, sizeof scope, "%s:%s", k ? "DD" : "SQ", d->ymd);
		sqlite3_stmt *s = db_prep(g->db, "INSERT OR REPLACE INTO counters (scope, next)"
						 " VALUES (?1, ?2)", e);
		if (!s)
			return e->st;
		gen_bind(s, 1, scope);
		sqlite3_bind_int64(s, 2, last + 1);
		enum status st = gen_step(g, s, e);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static enum status commit(struct gen *g, bool again, struct err *e)
{
	enum status st = gen_audit_flush(&g->audit, e);
	if (st == ST_OK)
		st = db_commit(g->db, e);
	if (st == ST_OK && again)
		st = db_begin(g->db, e);
	return st;
}

static enum status history(struct gen *g, struct err *e)
{
	const struct gen_params *p = g->p;
	int days = p->days > 0 ? p->days : 730;
	time_t now = (time_t)(g->now_ms / 1000);
	time_t first = day_start(now - (time_t)days * 86400, 0);
	double *w = calloc((size_t)days + 1, sizeof *w), total = 0;
	long long *times = NULL;
	size_t times_cap = 0;
	if (!w)
		return err_status(e, ST_NOMEM);
	for (int k = 0; k <= days; k++) {
		time_t day = day_start(first, k);
		w[k] = day_weight(day, k, days);
		if (k == days)
			w[k] *= open_share(day, g->now_ms);
		total += w[k];
	}
	/* The review backlog starts when the last BACKLOG share of the
	 * applications begins to come in. */
	double cum = 0;
	g->backlog_ms = g->now_ms;
	for (int k = 0; k <= days; k++) {
		cum += w[k];
		if (total > 0 && cum / total >= 1 - BACKLOG) {
			g->backlog_ms = (long long)day_start(first, k) * 1000;
			break;
		}
	}
	enum status st = db_begin(g->db, e);
	cum = 0;
	long done = 0;
	for (int k = 0; k <= days && st == ST_OK; k++) {
		cum += w[k];
		long upto = total > 0 ? (long)(cum / total * (double)p->applications + 0.5) : 0;
		if (k == days)
			upto = p->applications;
		size_t n = (size_t)(upto - done);
		if (n == 0)
			continue;
		time_t day = day_start(first, k);
		long long span = OPEN_MS;
		if (k == days) {
			double share = open_share(day, g->now_ms);
			span = (long long)(share * (double)OPEN_MS);
			if (span < 1)
				span = 1;
		}
		if (n > times_cap) {
			long long *v = realloc(times, n * sizeof *v);
			if (!v) {
				st = err_status(e, ST_NOMEM);
				break;
			}
			times = v;
			times_cap = n;
		}
		for (size_t j = 0; j < n; j++)
			times[j] = (long long)day * 1000 +
				   open_offset((long long)(rng_unit(&g->rng) * (double)span));
		qsort(times, n, sizeof *times, cmp_ll);
		struct day d = { .index = k };
		clock_local_ymd(day + 43200, d.ymd);
		for (size_t j = 0; j < n && st == ST_OK; j++) {
			long long t = times[j] < g->now_ms ? times[j] : g->now_ms - 1;
			st = gen_application(g, t, &d, done, e);
			if (st == ST_OK)
				st = gen_audit_write(&g->audit, t - AUDIT_LAG, e);
			done++;
			if (st == ST_OK && done % COMMIT_EVERY == 0)
				st = commit(g, true, e);
			if (p->progress && done % 10000 == 0)
				p->progress(done, p->applications, p->ctx);
		}
		if (st == ST_OK)
			st = set_counters(g, &d, e);
	}
	if (st == ST_OK)
		st = gen_keys_flush(g, e);
	if (st == ST_OK)
		st = gen_audit_write(&g->audit, g->now_ms, e);
	if (st == ST_OK)
		st = commit(g, false, e);
	else if (db_in_tx(g->db))
		db_rollback(g->db);
	if (p->progress)
		p->progress(done, p->applications, p->ctx);
	free(times);
	free(w);
	return st;
}

/* ---- the whole run -------------------------------------------------------- */

/*
 * The secondary indexes are dropped for the load and made again after it
 * (sorted, as CREATE INDEX builds them): inserting millions of rows into
 * random-order indexes (holder codes, hashes, references) costs more than
 * the rows. They come out packed, as after a VACUUM, where two years of
 * inserts would leave them a third larger. The audit log keeps its indexes
 * during the load: its entries arrive in the order of three of them, and
 * rebuilding them would read its gigabytes once per index.
 */
static enum status drop_indexes(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "SELECT group_concat(sql, ';'), group_concat('DROP INDEX '"
					 " || name, ';') FROM sqlite_master WHERE type = 'index' AND"
					 " sql IS NOT NULL AND tbl_name <> 'audit_log'", e);
	if (!s)
		return e->st;
	enum status st = ST_OK;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
		g->index_sql = strdup((const char *)sqlite3_column_text(s, 0));
		char *drop = strdup((const char *)sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		st = !g->index_sql || !drop ? err_status(e, ST_NOMEM) : db_exec(g->db, drop, e);
		free(drop);
	}
	sqlite3_reset(s);
	return st;
}

static enum status make_indexes(struct gen *g, struct err *e)
{
	return g->index_sql ? db_exec(g->db, g->index_sql, e) : ST_OK;
}

/* The office's price list, as setup seeded it. */
static enum status load_prices(struct gen *g, struct err *e)
{
	sqlite3_stmt *s = db_prep(g->db, "SELECT kind, subject, years, price_fen FROM price_list"
					 " WHERE active", e);
	if (!s)
		return e->st;
	while (sqlite3_step(s) == SQLITE_ROW) {
		enum app_kind k;
		enum app_subject sub;
		int y = sqlite3_column_int(s, 2);
		if (app_kind_parse((const char *)sqlite3_column_text(s, 0), &k) &&
		    app_subject_parse((const char *)sqlite3_column_text(s, 1), &sub) && y >= 0 &&
		    y <= APP_MAX_YEARS) {
			long long fen = sqlite3_column_int64(s, 3);
			if (y == 0) /* a service without a period: every period */
				for (int j = 0; j <= APP_MAX_YEARS; j++)
					g->price[k][sub][j] = fen;
			else
				g->price[k][sub][y] = fen;
		}
	}
	sqlite3_reset(s);
	return ST_OK;
}

static int pragma_int(struct db *db, const char *sql)
{
	sqlite3_stmt *s;
	int v = 0;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* A pragma's text value (one word of letters), or `def`; static storage. */
static const char *pragma_text(struct db *db, const char *sql, const char *def)
{
	static char v[16];
	sqlite3_stmt *s;
	snprintf(v, sizeof v, "%s", def);
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		if (t && strspn(t, "abcdefghijklmnopqrstuvwxyz") == strlen(t) && strlen(t) < sizeof v)
			snprintf(v, sizeof v, "%s", t);
	}
	sqlite3_finalize(s);
	return v;
}

enum status gen_run(struct svc *svc, const struct gen_params *p, struct gen_stats *out,
		    struct err *e)
{
	double t0 = clock_ms();
	memset(out, 0, sizeof *out);
	if (!svc_needs_setup(svc))
		return err_set(e, ST_STATE, "测试数据只能生成到新的数据库中");
	struct gen g;
	memset(&g, 0, sizeof g);
	g.svc = svc;
	g.db = svc->db;
	g.p = p;
	g.st = out;
	rng_seed(&g.rng, p->seed);
	rng_seed(&g.audit_rng, p->seed ^ 0x6175646974ull);
	time_t now = p->now ? p->now : clock_now();
	g.now_ms = (long long)now * 1000;
	int days = p->days > 0 ? p->days : 730;

	/* The office and staff exist since the first day. */
	char pinned[21];
	const char *old = getenv("CERTDESK_NOW");
	char *saved = old ? strdup(old) : NULL;
	clock_iso(day_start(now - (time_t)days * 86400, 0) + 8 * 3600, pinned);
	setenv("CERTDESK_NOW", pinned, 1);
	enum status st = gen_make_staff(&g, e);
	char hash[PW_HASH_MAX];
	if (st == ST_OK)
		st = password_hash("Portal1234", hash, e);
	if (saved) {
		setenv("CERTDESK_NOW", saved, 1);
		free(saved);
	} else {
		unsetenv("CERTDESK_NOW");
	}
	g.pw_hash = hash;

	/* The load's settings; the program's are put back after. */
	char restore[160];
	snprintf(restore, sizeof restore, "PRAGMA journal_mode = %s; PRAGMA synchronous = %d;"
		 " PRAGMA foreign_keys = %d; PRAGMA cache_size = %d;",
		 pragma_text(g.db, "PRAGMA journal_mode", "wal"), pragma_int(g.db, "PRAGMA synchronous"),
		 pragma_int(g.db, "PRAGMA foreign_keys"), pragma_int(g.db, "PRAGMA cache_size"));
	if (st == ST_OK)
		st = db_exec(g.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
				   " PRAGMA foreign_keys = OFF; PRAGMA cache_size = -1048576;", e);
	g.sync_ms = g.now_ms - DAY_MS;
	/* The office's setup and staff were pushed to the centre long ago. */
	if (st == ST_OK)
		st = db_exec(g.db, "DELETE FROM outbox", e);
	if (st == ST_OK)
		st = load_prices(&g, e);
	if (st == ST_OK)
		st = gen_audit_begin(&g.audit, g.db, &g.audit_rng, g.actors, g.now_ms, g.sync_ms, e);
	if (st == ST_OK)
		st = drop_indexes(&g, e);
	if (st == ST_OK)
		st = history(&g, e);
	if (st == ST_OK)
		st = make_indexes(&g, e);
	free(g.index_sql);
	struct err e2;
	enum status st2 = db_exec(g.db, restore, &e2);
	if (st == ST_OK && st2 != ST_OK) {
		*e = e2;
		st = st2;
	}
	out->audit = gen_audit_count(&g.audit);
	out->outbox = g.audit.outbox;
	gen_audit_done(&g.audit);
	free(g.keys);
	free(g.people);
	free(g.orgs);
	free(g.phones.v);
	free(g.ids.v);
	free(g.codes.v);
	out->seconds = (clock_ms() - t0) / 1000.0;
	return st;
}
